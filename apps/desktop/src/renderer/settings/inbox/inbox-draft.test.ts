import { describe, expect, it } from 'vitest';
import { DEFAULT_INBOX_SETTINGS, InboxSettings } from '@sdr/schema';
import {
  inboxIssueCounts,
  newSlaPolicy,
  newTemplate,
  searchTimeZones,
  timeZones,
  toggled,
  withCapacity,
  withChannelMembers,
} from './inbox-draft.ts';

describe('inbox settings draft helpers', () => {
  it('counts issues per part by the first path segment', () => {
    expect(
      inboxIssueCounts({
        'sla.policies.0.firstResponseMinutes': 'Too small',
        'businessHours.timeZone': 'Use an IANA time zone',
        'businessHours.weekly.mon.0': 'The end must be after the start',
        'templates.2.name': 'Enter a name',
        unknown: 'x',
      }),
    ).toEqual({ routing: 0, hours: 2, sla: 1, escalations: 0, queue: 0, templates: 1 });
  });

  it('new policies and templates get unique ids and pass the schema', () => {
    const policy = newSlaPolicy(DEFAULT_INBOX_SETTINGS.sla.policies);
    expect(policy.id).not.toBe('standard');
    const t1 = newTemplate([]);
    const t2 = newTemplate([t1]);
    expect(t2.id).not.toBe(t1.id);
    const settings = {
      ...DEFAULT_INBOX_SETTINGS,
      sla: {
        ...DEFAULT_INBOX_SETTINGS.sla,
        policies: [...DEFAULT_INBOX_SETTINGS.sla.policies, policy],
      },
      templates: [t1, t2],
    };
    expect(InboxSettings.safeParse(settings).success).toBe(true);
  });

  it('per-channel lists and capacities drop empty entries', () => {
    const one = withChannelMembers(undefined, 'sms', ['u1']);
    expect(one).toEqual({ sms: ['u1'] });
    expect(withChannelMembers(one, 'sms', [])).toBeUndefined();
    expect(withChannelMembers(one, 'email', ['u2'])).toEqual({ sms: ['u1'], email: ['u2'] });
    expect(withCapacity({ a: 3 }, 'b', 5)).toEqual({ a: 3, b: 5 });
    expect(withCapacity({ a: 3 }, 'a', null)).toEqual({});
    expect(toggled(['x'], 'y', true)).toEqual(['x', 'y']);
    expect(toggled(['x', 'y'], 'x', false)).toEqual(['y']);
  });

  it('searches time zones by words in any order, UTC first', () => {
    const zones = timeZones();
    expect(zones[0]).toBe('UTC');
    expect(searchTimeZones(zones, 'berl')).toContain('Europe/Berlin');
    expect(searchTimeZones(zones, 'new york')).toContain('America/New_York');
    expect(searchTimeZones(zones, 'york america')).toContain('America/New_York');
    expect(searchTimeZones(zones, 'nowhere-at-all')).toEqual([]);
  });
});

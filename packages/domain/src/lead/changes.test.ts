import { describe, expect, it } from 'vitest';
import { normaliseLeadChanges } from './changes.ts';

describe('normaliseLeadChanges', () => {
  it.each([
    [
      { phone: '(415) 555-0132' },
      { country: 'US' },
      { phone: '+14155550132', timezone: 'America/New_York' },
    ],
    [{ phone: '+44 20 7946 0958' }, {}, { phone: '+442079460958', timezone: 'Europe/London' }],
    [{ country: 'France' }, {}, { country: 'FR', timezone: 'Europe/Paris' }],
    [
      { country: 'Germany', phone: '030 1234567' },
      {},
      { country: 'DE', phone: '+49301234567', timezone: 'Europe/Berlin' },
    ],
    [{ email: '  Ada@Example.COM ' }, {}, { email: 'ada@example.com' }],
    [{ firstName: 'Ada' }, {}, { firstName: 'Ada' }],
    // A zone the lead already has is kept; one typed wins over derivation.
    [{ phone: '+33 1 42 68 53 00' }, { timezone: 'America/New_York' }, { phone: '+33142685300' }],
    [
      { phone: '+33 1 42 68 53 00', timezone: 'Europe/Berlin' },
      {},
      { phone: '+33142685300', timezone: 'Europe/Berlin' },
    ],
    [{ phone: '' }, {}, { phone: '' }],
  ])('%j on %j → %j', (input, current, expected) => {
    const r = normaliseLeadChanges(input, current);
    expect(r).toEqual({ ok: true, changes: expect.objectContaining(expected) as unknown });
    if (r.ok && !('timezone' in expected)) expect(r.changes.timezone).toBeUndefined();
  });

  it.each([
    [{ phone: '555-0132' }, 'phone'],
    [{ phone: 'call me' }, 'phone'],
    [{ country: 'Atlantis' }, 'country'],
    [{ email: 'not an email' }, 'email'],
    [{ timezone: 'Mars/Base' }, 'timezone'],
  ])('%j is refused on %s with a message', (input, field) => {
    const r = normaliseLeadChanges(input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.field)).toEqual([field]);
      expect(r.issues[0]!.message.length).toBeGreaterThan(5);
    }
  });
});

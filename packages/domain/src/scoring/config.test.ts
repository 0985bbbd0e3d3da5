import { describe, expect, it } from 'vitest';
import { ScoringConfig } from '@sdr/schema';
import { scoreLead } from './score.ts';

const fitRule = { id: 'f1', label: 'Germany', kind: 'country', anyOf: [' de '], points: 5 };
const engagementRule = {
  id: 'e1',
  label: 'Replies',
  event: 'reply',
  windowDays: 30,
  pointsPerEvent: 5,
  maxPoints: 20,
};

describe('ScoringConfig (boundary validation)', () => {
  it('accepts a valid configuration and normalises country codes', () => {
    const parsed = ScoringConfig.parse({ fit: [fitRule], engagement: [engagementRule] });
    expect(parsed.fit[0]).toMatchObject({ anyOf: ['DE'] });
    expect(scoreLead({ country: 'de' }, [], parsed, { now: 0 }).score).toBe(5);
  });

  it.each([
    {
      name: 'duplicate rule ids',
      config: { fit: [fitRule], engagement: [{ ...engagementRule, id: 'f1' }] },
    },
    { name: 'unknown fit kind', config: { fit: [{ ...fitRule, kind: 'age' }], engagement: [] } },
    {
      name: 'bad country code',
      config: { fit: [{ ...fitRule, anyOf: ['Germany'] }], engagement: [] },
    },
    {
      name: 'fractional fit points',
      config: { fit: [{ ...fitRule, points: 1.5 }], engagement: [] },
    },
    {
      name: 'size band without bounds',
      config: { fit: [{ id: 's', label: 'S', kind: 'companySize', points: 1 }], engagement: [] },
    },
    {
      name: 'size band min > max',
      config: {
        fit: [{ id: 's', label: 'S', kind: 'companySize', min: 500, max: 50, points: 1 }],
        engagement: [],
      },
    },
    {
      name: 'empty title terms',
      config: {
        fit: [{ id: 't', label: 'T', kind: 'title', match: 'word', anyOf: [], points: 1 }],
        engagement: [],
      },
    },
    {
      name: 'unknown event kind',
      config: { fit: [], engagement: [{ ...engagementRule, event: 'tweet' }] },
    },
    {
      name: 'zero window',
      config: { fit: [], engagement: [{ ...engagementRule, windowDays: 0 }] },
    },
    { name: 'zero cap', config: { fit: [], engagement: [{ ...engagementRule, maxPoints: 0 }] } },
    {
      name: 'non-positive half-life',
      config: { fit: [], engagement: [{ ...engagementRule, decay: { halfLifeDays: 0 } }] },
    },
    { name: 'blank label', config: { fit: [{ ...fitRule, label: '  ' }], engagement: [] } },
  ])('refuses $name', ({ config }) => {
    expect(ScoringConfig.safeParse(config).success).toBe(false);
  });
});

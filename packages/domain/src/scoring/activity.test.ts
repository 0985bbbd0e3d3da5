import type { ScoringConfig } from '@sdr/schema';
import { describe, expect, it } from 'vitest';
import { engagementEventsOf, type EngagementMessage } from './activity.ts';
import { DAY_MS } from './engagement.ts';
import { scoreLead } from './score.ts';

const NOW = Date.UTC(2026, 10, 21, 12);
const msg = (over: Partial<EngagementMessage> & { id: string }): EngagementMessage => ({
  direction: 'in',
  kind: 'message',
  createdAt: NOW - DAY_MS,
  openedAt: null,
  clickedAt: null,
  ...over,
});

describe('engagement events from messages', () => {
  it('counts replies, calls, opens and clicks; not notes, our messages, auto-replies or bounces', () => {
    const events = engagementEventsOf([
      msg({ id: 'm1' }),
      msg({ id: 'm2', kind: 'auto_reply' }),
      msg({ id: 'm3', kind: 'bounce' }),
      msg({ id: 'm4', direction: 'internal', kind: 'note' }),
      msg({ id: 'm5', direction: 'out', createdAt: NOW - 3 * DAY_MS }),
      msg({ id: 'm6', direction: 'out', openedAt: NOW - 2 * DAY_MS, clickedAt: NOW - DAY_MS }),
      msg({ id: 'm7', direction: 'out', kind: 'call', createdAt: NOW - 5 * DAY_MS }),
    ]);
    expect(events).toEqual([
      { id: 'm1:reply', kind: 'reply', at: NOW - DAY_MS },
      { id: 'm6:open', kind: 'open', at: NOW - 2 * DAY_MS },
      { id: 'm6:click', kind: 'click', at: NOW - DAY_MS },
      { id: 'm7:call', kind: 'call', at: NOW - 5 * DAY_MS },
    ]);
  });

  it('feeds the engagement rules: the same message twice counts once', () => {
    const config: ScoringConfig = {
      fit: [],
      engagement: [
        {
          id: 'r',
          label: 'Replied',
          event: 'reply',
          pointsPerEvent: 10,
          maxPoints: 50,
          windowDays: 7,
        },
        {
          id: 'o',
          label: 'Opened',
          event: 'open',
          pointsPerEvent: 2,
          maxPoints: 10,
          windowDays: 30,
        },
      ],
    };
    const m = msg({ id: 'm1' });
    const opened = msg({ id: 'm2', direction: 'out', openedAt: NOW - 40 * DAY_MS });
    const { score, breakdown } = scoreLead(
      { title: '', industry: '', companySize: null, country: '' },
      engagementEventsOf([m, m, opened]),
      config,
      { now: NOW },
    );
    expect(score).toBe(10);
    expect(breakdown.map((l) => l.ruleId)).toEqual(['r']);
  });
});

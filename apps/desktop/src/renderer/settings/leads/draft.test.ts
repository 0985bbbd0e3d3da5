import { describe, expect, it } from 'vitest';
import { DEFAULT_LEAD_SETTINGS, LeadSettings } from '@sdr/schema';
import {
  issueCounts,
  issuesByPath,
  issuesUnder,
  keyFromLabel,
  move,
  newCustomField,
  newFitRule,
  newStage,
  routingOf,
  withType,
} from './draft.ts';

describe('lead settings draft', () => {
  it.each([
    ['Deal size (€)', [], 'deal_size'],
    ['  Émile’s score ', [], 'emile_s_score'],
    ['2024 budget', [], 'budget'],
    ['!!!', [], 'field'],
    ['Deal size', ['deal_size'], 'deal_size_2'],
    ['Deal size', ['deal_size', 'deal_size_2'], 'deal_size_3'],
  ])('derives the key of %j', (label, taken, key) => {
    expect(keyFromLabel(label, taken)).toBe(key);
  });

  it('keeps derived keys within the length and pattern the schema allows', () => {
    const long = 'A very long label that goes on and on beyond forty characters';
    const key = keyFromLabel(long, [keyFromLabel(long, [])]);
    expect(key.length).toBeLessThanOrEqual(40);
    expect(key).toMatch(/^[a-z][a-z0-9_]{0,39}$/);
    expect(key.endsWith('_2')).toBe(true);
  });

  it('builds new stages, fields and rules the schema accepts', () => {
    const stage = newStage('Meeting booked', DEFAULT_LEAD_SETTINGS.pipeline.stages);
    const select = newCustomField('Plan', 'select', [], ['Free', 'Pro']);
    const settings = {
      ...DEFAULT_LEAD_SETTINGS,
      pipeline: { stages: [...DEFAULT_LEAD_SETTINGS.pipeline.stages, stage] },
      customFields: [select, newCustomField('Budget', 'number', [select])],
      scoring: {
        fit: [{ ...newFitRule('title', []), anyOf: ['VP'] }],
        engagement: [],
      },
    };
    expect(stage).toEqual({
      key: 'meeting_booked',
      label: 'Meeting booked',
      kind: 'open',
      reasons: [],
    });
    expect(LeadSettings.safeParse(settings).success).toBe(true);
    expect(withType(select, 'text')).toEqual({ key: 'plan', label: 'Plan', type: 'text' });
    expect(withType(withType(select, 'text'), 'multiselect')).toMatchObject({ options: [] });
  });

  it('moves items within bounds', () => {
    expect(move(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(move(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
    expect(move(['a', 'b', 'c'], 1, -5)).toEqual(['b', 'a', 'c']);
  });

  it('carries the chosen members between routing kinds', () => {
    const rr = routingOf('round-robin', { kind: 'unassigned' });
    expect(rr).toEqual({ kind: 'round-robin', sdrIds: [] });
    const territory = routingOf('territory', { kind: 'round-robin', sdrIds: ['u1', 'u2'] });
    expect(territory).toEqual({
      kind: 'territory',
      territories: [],
      fallback: { kind: 'pool', sdrIds: ['u1', 'u2'] },
    });
    expect(routingOf('round-robin', territory)).toEqual({
      kind: 'round-robin',
      sdrIds: ['u1', 'u2'],
    });
  });

  it('places issues by path and counts them per part', () => {
    // The engine's own answer to an invalid save.
    const parsed = LeadSettings.safeParse({
      ...DEFAULT_LEAD_SETTINGS,
      pipeline: {
        stages: [
          { key: 'new', label: ' ', kind: 'open' },
          { key: 'new', label: 'B', kind: 'won' },
        ],
      },
      scoring: {
        fit: [{ id: 'x', label: 'T', kind: 'title', match: 'word', anyOf: [], points: 1 }],
        engagement: [],
      },
    });
    expect(parsed.success).toBe(false);
    const issues = issuesByPath(
      parsed.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
    expect(issues['pipeline.stages.0.label']).toBe('Give it a name');
    expect(issues['scoring.fit.0.anyOf']).toBeDefined();
    expect(issues.pipeline).toBe('Stage keys must be unique');
    expect(issueCounts(issues)).toEqual({ pipeline: 2, scoring: 1, customFields: 0, routing: 0 });
    expect(
      issuesUnder(
        { pipeline: 'Stage keys must be unique', 'pipeline.stages.0.label': 'x' },
        'pipeline',
        ['pipeline.stages.0.label'],
      ),
    ).toEqual(['Stage keys must be unique']);
  });
});

import { col, defineEntity } from '../define.ts';

/**
 * A lead's score as the desktop engine last computed it (client only, derived data): the total, the
 * explanation (`ScoreLine[]` of @sdr/domain's scoring: one line per rule that contributed) and the
 * key of the scoring configuration it was computed with. The engine keeps it up to date from the
 * lead rows (docs/adr/0004-scores-computed-locally.md); it is never synced. A lead's row goes with
 * the lead (cascade).
 */
export const leadScore = defineEntity(
  'leadScore',
  {
    leadId: col.id().references('lead'),
    workspaceId: col.text().notNull(),
    score: col.integer().notNull(),
    breakdown: col
      .json<{ ruleId: string; label: string; points: number; reason: string }[]>()
      .notNull(),
    /** A short hash of the scoring configuration's key (`scoringConfigKey` in @sdr/domain). */
    configKey: col.text().notNull(),
  },
  {
    placement: 'client',
    indexes: [{ name: 'lead_score_ws_score_ix', columns: ['workspaceId', 'score'] }],
  },
);

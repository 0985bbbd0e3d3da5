/**
 * A lead's score and why: a badge with the total and one line per scoring rule that matched
 * (`leads:score`, computed by the engine from the workspace's rules). Reloads when the lead or the
 * lead settings change. `ScoreBreakdown` is the list alone (Settings' preview uses it too).
 */
import { useEffect, useState } from 'react';
import { Alert, Skeleton } from '@sdr/ui';
import type { LeadScoreDto, ScoreLineDto } from '../../../shared/contract.ts';
import { engine } from '../../engine.ts';
import { errorMessage } from '../../errors.ts';
import './score.css';

/** The score as a small pill; its tone says roughly how good it is. `label` is read before it. */
export function ScoreBadge({ score, label = 'Score' }: { score: number | null; label?: string }) {
  const tone =
    score === null
      ? 'none'
      : score >= 50
        ? 'high'
        : score >= 20
          ? 'mid'
          : score < 0
            ? 'neg'
            : 'low';
  const text = score === null ? '—' : String(score);
  return (
    <span className={`score-badge score-badge--${tone}`}>
      <span className="ui-visually-hidden">{label} </span>
      {text}
    </span>
  );
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The rules that contributed, with their points and the reason. */
export function ScoreBreakdown({ lines }: { lines: readonly ScoreLineDto[] }) {
  if (lines.length === 0) {
    return <p className="score-empty">No scoring rule matches this lead.</p>;
  }
  return (
    <ul className="score-lines" aria-label="Why this score">
      {lines.map((line) => (
        <li key={line.ruleId} className="score-line">
          <span
            className={
              line.points < 0 ? 'score-line__points score-line__points--neg' : 'score-line__points'
            }
          >
            {signed(line.points)}
          </span>
          <span className="score-line__text">
            <span className="score-line__label">{line.label}</span>
            <span className="score-line__reason">{line.reason}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

export function ScoreExplanation({ leadId }: { leadId: string }) {
  const [score, setScore] = useState<LeadScoreDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    void engine.invoke('leads:score', { id: leadId }).then((result) => {
      if (!current) return;
      if (result.ok) {
        setScore(result.data);
        setError(null);
      } else setError(errorMessage(result.error));
    });
    return () => {
      current = false;
    };
  }, [leadId, version]);

  useEffect(() => {
    const reload = () => setVersion((v) => v + 1);
    const offLeads = engine.on('leads:changed', ({ ids }) => {
      if (ids === null || ids.includes(leadId)) reload();
    });
    const offSettings = engine.on('leadSettings:changed', reload);
    return () => {
      offLeads();
      offSettings();
    };
  }, [leadId]);

  return (
    <section className="lead-detail__section score-explanation" aria-label="Score">
      <div className="score-explanation__head">
        <h3 className="lead-detail__h3">Score</h3>
        {score ? <ScoreBadge score={score.score} /> : null}
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {!score && !error ? <Skeleton width="50%" /> : null}
      {score ? <ScoreBreakdown lines={score.breakdown} /> : null}
    </section>
  );
}

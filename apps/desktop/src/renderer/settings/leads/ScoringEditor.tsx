/**
 * Scoring rules: fit rules of each kind (title contains / has the word, seniority levels,
 * industry, company size range, country) with their points, and a live preview: pick a lead and
 * see its score and the reasons under the rules being edited (`scoreLead` of @sdr/domain, the
 * same function the engine scores with).
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Icon, SelectField, TagInput, TextField } from '@sdr/ui';
import { normaliseCountry, scoreLead } from '@sdr/domain';
import { SENIORITY_LEVELS, type FitRule, type ScoringConfig } from '@sdr/schema';
import type { LeadDto } from '../../../shared/contract.ts';
import { engine } from '../../engine.ts';
import { ScoreBadge, ScoreBreakdown } from '../../leads/score/ScoreExplanation.tsx';
import {
  FIT_KINDS,
  fitRuleOf,
  issueAt,
  issuesUnder,
  move,
  newFitRule,
  removeAt,
  replaceAt,
  type Issues,
} from './draft.ts';

const LEVEL_LABELS: Record<(typeof SENIORITY_LEVELS)[number], string> = {
  'c-level': 'C-level, founders',
  vp: 'VP',
  director: 'Director, head of',
  manager: 'Manager, lead',
  individual: 'Individual contributor',
};

export type ScoringEditorProps = {
  value: ScoringConfig;
  onChange: (next: ScoringConfig) => void;
  issues: Issues;
  readOnly: boolean;
};

export function ScoringEditor({ value, onChange, issues, readOnly }: ScoringEditorProps) {
  const [kind, setKind] = useState<FitRule['kind']>('title');
  const rules = value.fit;
  const set = (fit: FitRule[]) => onChange({ ...value, fit });
  // Rule-level issues show under their rule; the rest (e.g. repeated ids) at the top.
  const banner = issuesUnder(
    issues,
    'scoring',
    Object.keys(issues).filter((p) => p.startsWith('scoring.fit.')),
  );

  return (
    <div className="lead-settings__part">
      {banner.map((message) => (
        <Alert key={message}>{message}</Alert>
      ))}
      <p className="lead-settings__muted">
        A lead’s score is the sum of the points of every rule it matches. Engagement rules (opens,
        replies, calls, meetings) come with the inbox
        {value.engagement.length > 0
          ? `; the ${value.engagement.length} set up are kept and count from then on`
          : ''}
        .
      </p>
      {rules.length === 0 ? (
        <p className="lead-settings__muted">No fit rules yet: every lead scores 0.</p>
      ) : null}
      <ul className="lead-settings__list" aria-label="Fit rules">
        {rules.map((rule, i) => (
          <FitRuleEditor
            key={rule.id}
            rule={rule}
            index={i}
            count={rules.length}
            issues={issues}
            readOnly={readOnly}
            onChange={(next) => set(replaceAt(rules, i, next))}
            onMove={(by) => set(move(rules, i, by))}
            onRemove={() => set(removeAt(rules, i))}
          />
        ))}
      </ul>
      {readOnly ? null : (
        <div className="lead-settings__add" role="group" aria-label="New rule">
          <SelectField
            label="New rule on"
            value={kind}
            options={FIT_KINDS}
            onChange={(e) => setKind(e.target.value as FitRule['kind'])}
          />
          <Button
            icon={<Icon name="plus" size={14} />}
            onClick={() => set([...rules, newFitRule(kind, rules)])}
          >
            Add rule
          </Button>
        </div>
      )}
      <ScorePreview config={value} />
    </div>
  );
}

function FitRuleEditor({
  rule,
  index,
  count,
  issues,
  readOnly,
  onChange,
  onMove,
  onRemove,
}: {
  rule: FitRule;
  index: number;
  count: number;
  issues: Issues;
  readOnly: boolean;
  onChange: (next: FitRule) => void;
  onMove: (by: number) => void;
  onRemove: () => void;
}) {
  const path = `scoring.fit.${index}`;
  const at = (field: string) => issueAt(issues, `${path}.${field}`);
  const below = (field: string) => issuesUnder(issues, `${path}.${field}`, [])[0];

  return (
    <li className="lead-settings__item" role="group" aria-label={`Rule ${rule.label || rule.id}`}>
      <div className="lead-settings__row">
        <TextField
          label="Rule name"
          value={rule.label}
          disabled={readOnly}
          error={at('label') ?? at('id')}
          onChange={(e) => onChange({ ...rule, label: e.target.value })}
        />
        <SelectField
          label="Matches on"
          value={rule.kind}
          options={FIT_KINDS}
          disabled={readOnly}
          onChange={(e) =>
            onChange(
              fitRuleOf(e.target.value as FitRule['kind'], {
                id: rule.id,
                label: rule.label,
                points: rule.points,
              }),
            )
          }
        />
        <NumberField
          className="lead-settings__points"
          label="Points"
          value={rule.points}
          readOnly={readOnly}
          error={at('points')}
          onChange={(points) => {
            if (points !== undefined) onChange({ ...rule, points });
          }}
        />
        {readOnly ? null : (
          <div className="lead-settings__actions">
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Move ${rule.label} up`}
              disabled={index === 0}
              onClick={() => onMove(-1)}
            >
              ↑
            </Button>
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Move ${rule.label} down`}
              disabled={index === count - 1}
              onClick={() => onMove(1)}
            >
              ↓
            </Button>
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Remove rule ${rule.label}`}
              onClick={onRemove}
            >
              <Icon name="trash" size={14} />
            </Button>
          </div>
        )}
      </div>
      <RuleCondition
        rule={rule}
        readOnly={readOnly}
        onChange={onChange}
        error={(field) => at(field) ?? below(field) ?? issueAt(issues, path)}
      />
    </li>
  );
}

function RuleCondition({
  rule,
  readOnly,
  onChange,
  error,
}: {
  rule: FitRule;
  readOnly: boolean;
  onChange: (next: FitRule) => void;
  error: (field: string) => string | undefined;
}) {
  switch (rule.kind) {
    case 'title':
      return (
        <div className="lead-settings__row">
          <SelectField
            label="Title"
            value={rule.match}
            disabled={readOnly}
            options={[
              { value: 'word', label: 'has the word' },
              { value: 'contains', label: 'contains' },
            ]}
            onChange={(e) => onChange({ ...rule, match: e.target.value as 'word' | 'contains' })}
          />
          <TagInput
            label="Any of these terms"
            values={rule.anyOf}
            disabled={readOnly}
            placeholder="e.g. VP, Head of"
            error={error('anyOf')}
            onChange={(anyOf) => onChange({ ...rule, anyOf })}
          />
        </div>
      );
    case 'seniority':
      return (
        <fieldset className="lead-settings__checks">
          <legend className="ui-field__label">Seniority from the title</legend>
          {SENIORITY_LEVELS.map((level) => (
            <Checkbox
              key={level}
              label={LEVEL_LABELS[level]}
              checked={rule.levels.includes(level)}
              disabled={readOnly}
              onChange={(e) =>
                onChange({
                  ...rule,
                  levels: e.target.checked
                    ? SENIORITY_LEVELS.filter((l) => l === level || rule.levels.includes(l))
                    : rule.levels.filter((l) => l !== level),
                })
              }
            />
          ))}
          {error('levels') ? <p className="ui-field__error">{error('levels')}</p> : null}
        </fieldset>
      );
    case 'industry':
      return (
        <TagInput
          label="Industry is any of"
          values={rule.anyOf}
          disabled={readOnly}
          placeholder="e.g. Software"
          error={error('anyOf')}
          onChange={(anyOf) => onChange({ ...rule, anyOf })}
        />
      );
    case 'companySize':
      return (
        <div className="lead-settings__row">
          <NumberField
            label="At least (employees)"
            value={rule.min}
            readOnly={readOnly}
            error={error('min')}
            onChange={(min) => {
              const { min: _m, ...rest } = rule;
              onChange(min === undefined ? rest : { ...rest, min });
            }}
          />
          <NumberField
            label="At most (employees)"
            value={rule.max}
            readOnly={readOnly}
            error={error('max')}
            onChange={(max) => {
              const { max: _m, ...rest } = rule;
              onChange(max === undefined ? rest : { ...rest, max });
            }}
          />
        </div>
      );
    case 'country':
      return (
        <TagInput
          label="Country is any of"
          values={rule.anyOf}
          disabled={readOnly}
          placeholder="e.g. DE, France"
          error={error('anyOf')}
          onChange={(anyOf) =>
            onChange({
              ...rule,
              anyOf: [
                ...new Set(
                  anyOf.map((c) => {
                    const r = normaliseCountry(c);
                    return r.ok && r.value ? r.value : c;
                  }),
                ),
              ],
            })
          }
        />
      );
  }
}

/**
 * A number input that keeps what is typed (an empty box, a lone "-") while passing on only numbers
 * (undefined: empty); it shows the value again when it changes from outside.
 */
function NumberField({
  label,
  value,
  readOnly,
  error,
  className,
  onChange,
}: {
  label: string;
  value: number | undefined;
  readOnly: boolean;
  error: string | undefined;
  className?: string;
  onChange: (value: number | undefined) => void;
}) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setText(value === undefined ? '' : String(value));
  }
  return (
    <TextField
      label={label}
      className={className}
      type="number"
      inputMode="numeric"
      step={1}
      value={text}
      disabled={readOnly}
      error={error}
      onChange={(e) => {
        const next = e.target.value;
        setText(next);
        const n = Number(next);
        const parsed = next.trim() === '' ? undefined : Number.isFinite(n) ? n : null;
        if (parsed !== null) {
          setShown(parsed);
          onChange(parsed);
        }
      }}
    />
  );
}

/** Pick a lead (searched in the local replica) and see its score under the rules being edited. */
function ScorePreview({ config }: { config: ScoringConfig }) {
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<LeadDto[]>([]);
  // The lead picked, and when (the clock engagement rules would read).
  const [picked, setPicked] = useState<{ lead: LeadDto; at: number } | null>(null);
  const lead = picked?.lead ?? null;

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      void engine
        .invoke('leads:query', {
          ...(search.trim() ? { search: search.trim() } : {}),
          sort: [{ field: 'updatedAt', dir: 'desc' }],
          limit: 6,
        })
        .then((r) => {
          if (current && r.ok) setFound(r.data.items);
        });
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [search]);

  const preview = picked ? scoreLead(picked.lead, [], config, { now: picked.at }) : null;
  const name = (l: LeadDto) =>
    [l.firstName, l.lastName].filter(Boolean).join(' ') || l.company || 'Unnamed lead';

  return (
    <section className="lead-settings__preview" aria-label="Score preview">
      <h3 className="lead-settings__h3">Preview</h3>
      <TextField
        label="Find a lead"
        type="search"
        placeholder="Name or company"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {found.length > 0 ? (
        <ul className="lead-settings__picks" aria-label="Leads to preview">
          {found.map((l) => (
            <li key={l.id}>
              <Button
                size="sm"
                variant={lead?.id === l.id ? 'primary' : 'secondary'}
                aria-pressed={lead?.id === l.id}
                onClick={() => setPicked({ lead: l, at: Date.now() })}
              >
                {name(l)}
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="lead-settings__muted">No leads to preview.</p>
      )}
      {lead && preview ? (
        <div className="lead-settings__preview-result" aria-live="polite">
          <p className="lead-settings__preview-head">
            <strong>{name(lead)}</strong>
            {[lead.title, lead.industry, lead.country].filter(Boolean).join(' · ')}
            <ScoreBadge score={preview.score} label="Preview score" />
          </p>
          <ScoreBreakdown lines={preview.breakdown} />
        </div>
      ) : null}
    </section>
  );
}

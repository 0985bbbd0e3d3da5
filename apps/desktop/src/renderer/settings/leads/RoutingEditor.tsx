/**
 * Who gets a new lead: nobody (unassigned), a round-robin over chosen members, or territories by
 * country and/or time zone (first match wins) with a fallback. The server routes; this edits the
 * rule (`RoutingRule` of @sdr/schema).
 */
import {
  Alert,
  Button,
  Checkbox,
  Icon,
  SegmentedControl,
  SelectField,
  TagInput,
  TextField,
} from '@sdr/ui';
import { normaliseCountry } from '@sdr/domain';
import type { MemberDto, RoutingRule, RoutingTarget, Territory } from '@sdr/schema';
import { ROLE_LABELS } from '../../roles.ts';
import {
  issueAt,
  issuesUnder,
  move,
  newTerritory,
  removeAt,
  replaceAt,
  routingOf,
  type Issues,
} from './draft.ts';

type Fallback = Extract<RoutingRule, { kind: 'territory' }>['fallback'];

const KIND_OPTIONS = [
  { value: 'unassigned', label: 'Unassigned' },
  { value: 'round-robin', label: 'Round-robin' },
  { value: 'territory', label: 'By territory' },
] as const;

export type RoutingEditorProps = {
  value: RoutingRule;
  onChange: (next: RoutingRule) => void;
  issues: Issues;
  readOnly: boolean;
  /** The workspace's members (null while unknown, e.g. offline). */
  members: readonly MemberDto[] | null;
};

export function RoutingEditor({ value, onChange, issues, readOnly, members }: RoutingEditorProps) {
  const shown = Object.keys(issues).filter((p) => p.startsWith('routing.territories.'));
  const banner = issuesUnder(issues, 'routing', [...shown, 'routing.sdrIds', 'routing.fallback']);
  return (
    <div className="lead-settings__part">
      {banner.map((message) => (
        <Alert key={message}>{message}</Alert>
      ))}
      <SegmentedControl
        label="New leads without an owner go to"
        options={KIND_OPTIONS}
        value={value.kind}
        disabled={readOnly}
        onChange={(kind) => onChange(routingOf(kind, value))}
      />
      {value.kind === 'unassigned' ? (
        <p className="lead-settings__muted">
          New leads stay unassigned until someone takes them or a manager assigns them.
        </p>
      ) : null}
      {value.kind === 'round-robin' ? (
        <MemberPicker
          legend="Take turns among"
          chosen={value.sdrIds}
          members={members}
          readOnly={readOnly}
          error={issuesUnder(issues, 'routing.sdrIds', [])[0]}
          onChange={(sdrIds) => onChange({ ...value, sdrIds })}
        />
      ) : null}
      {value.kind === 'territory' ? (
        <>
          <ul className="lead-settings__list" aria-label="Territories">
            {value.territories.map((t, i) => (
              <TerritoryEditor
                key={t.id}
                territory={t}
                index={i}
                count={value.territories.length}
                issues={issues}
                readOnly={readOnly}
                members={members}
                onChange={(next) =>
                  onChange({ ...value, territories: replaceAt(value.territories, i, next) })
                }
                onMove={(by) => onChange({ ...value, territories: move(value.territories, i, by) })}
                onRemove={() => onChange({ ...value, territories: removeAt(value.territories, i) })}
              />
            ))}
          </ul>
          {readOnly ? null : (
            <Button
              icon={<Icon name="plus" size={14} />}
              onClick={() =>
                onChange({
                  ...value,
                  territories: [...value.territories, newTerritory(value.territories)],
                })
              }
            >
              Add territory
            </Button>
          )}
          <TargetEditor
            label="When no territory matches (or nobody there is available)"
            target={value.fallback}
            allowUnassigned
            members={members}
            readOnly={readOnly}
            error={issuesUnder(issues, 'routing.fallback', [])[0]}
            onChange={(fallback) => onChange({ ...value, fallback })}
          />
        </>
      ) : null}
    </div>
  );
}

function TerritoryEditor({
  territory: t,
  index,
  count,
  issues,
  readOnly,
  members,
  onChange,
  onMove,
  onRemove,
}: {
  territory: Territory;
  index: number;
  count: number;
  issues: Issues;
  readOnly: boolean;
  members: readonly MemberDto[] | null;
  onChange: (next: Territory) => void;
  onMove: (by: number) => void;
  onRemove: () => void;
}) {
  const path = `routing.territories.${index}`;
  const below = (field: string) => issuesUnder(issues, `${path}.${field}`, [])[0];
  return (
    <li className="lead-settings__item" role="group" aria-label={`Territory ${t.label || t.id}`}>
      <div className="lead-settings__row">
        <TextField
          label="Territory name"
          value={t.label}
          disabled={readOnly}
          error={issueAt(issues, `${path}.label`) ?? issueAt(issues, `${path}.id`)}
          onChange={(e) => onChange({ ...t, label: e.target.value })}
        />
        {readOnly ? null : (
          <div className="lead-settings__actions">
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Move ${t.label} up`}
              disabled={index === 0}
              onClick={() => onMove(-1)}
            >
              ↑
            </Button>
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Move ${t.label} down`}
              disabled={index === count - 1}
              onClick={() => onMove(1)}
            >
              ↓
            </Button>
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Remove territory ${t.label}`}
              onClick={onRemove}
            >
              <Icon name="trash" size={14} />
            </Button>
          </div>
        )}
      </div>
      <div className="lead-settings__row">
        <TagInput
          label="Countries"
          values={t.countries ?? []}
          disabled={readOnly}
          placeholder="e.g. DE, Austria"
          error={below('countries') ?? issueAt(issues, path)}
          onChange={(list) =>
            onChange({
              ...t,
              countries: [
                ...new Set(
                  list.map((c) => {
                    const r = normaliseCountry(c);
                    return r.ok && r.value ? r.value : c;
                  }),
                ),
              ],
            })
          }
        />
        <TagInput
          label="Time zones"
          values={t.timeZones ?? []}
          disabled={readOnly}
          placeholder="e.g. Europe/Berlin, America/*"
          error={below('timeZones')}
          onChange={(timeZones) => onChange({ ...t, timeZones })}
        />
      </div>
      <TargetEditor
        label="Assign to"
        target={t.assignTo}
        members={members}
        readOnly={readOnly}
        error={below('assignTo')}
        onChange={(assignTo) => {
          if (assignTo.kind !== 'unassigned') onChange({ ...t, assignTo });
        }}
      />
    </li>
  );
}

/** A routing target: one person, a round-robin pool of chosen members (or unassigned). */
function TargetEditor({
  label,
  target,
  allowUnassigned = false,
  members,
  readOnly,
  error,
  onChange,
}: {
  label: string;
  target: RoutingTarget | Fallback;
  allowUnassigned?: boolean;
  members: readonly MemberDto[] | null;
  readOnly: boolean;
  error: string | undefined;
  onChange: (next: Fallback) => void;
}) {
  const options = [
    ...(allowUnassigned ? [{ value: 'unassigned', label: 'Leave unassigned' }] : []),
    { value: 'pool', label: 'Round-robin among…' },
    { value: 'user', label: 'One person' },
    ...(target.kind === 'team' ? [{ value: 'team', label: `Team ${target.teamId}` }] : []),
  ];
  const firstMember = members?.[0]?.userId ?? '';
  return (
    <div className="lead-settings__target">
      <SelectField
        label={label}
        value={target.kind}
        options={options}
        disabled={readOnly}
        error={target.kind === 'pool' ? undefined : error}
        onChange={(e) => {
          const kind = e.target.value;
          if (kind === 'unassigned') onChange({ kind: 'unassigned' });
          else if (kind === 'pool') onChange({ kind: 'pool', sdrIds: [] });
          else if (kind === 'user') onChange({ kind: 'user', userId: firstMember });
        }}
      />
      {target.kind === 'user' ? (
        <SelectField
          label="Person"
          value={target.userId}
          disabled={readOnly}
          options={memberOptions(members, [target.userId])}
          onChange={(e) => onChange({ kind: 'user', userId: e.target.value })}
        />
      ) : null}
      {target.kind === 'pool' ? (
        <MemberPicker
          legend="Members"
          chosen={target.sdrIds}
          members={members}
          readOnly={readOnly}
          error={error}
          onChange={(sdrIds) => onChange({ kind: 'pool', sdrIds })}
        />
      ) : null}
    </div>
  );
}

export function memberOptions(members: readonly MemberDto[] | null, ids: readonly string[]) {
  const known = (members ?? []).map((m) => ({ value: m.userId, label: m.name }));
  const unknown = ids
    .filter((id) => id && !known.some((o) => o.value === id))
    .map((id) => ({ value: id, label: `${id} (not a member)` }));
  return [...known, ...unknown];
}

/** Checkboxes of the members, in the chosen order first (round-robin order). */
export function MemberPicker({
  legend,
  chosen,
  members,
  readOnly,
  error,
  onChange,
}: {
  legend: string;
  chosen: readonly string[];
  members: readonly MemberDto[] | null;
  readOnly: boolean;
  error: string | undefined;
  onChange: (ids: string[]) => void;
}) {
  const options = memberOptions(members, chosen);
  const roles = new Map((members ?? []).map((m) => [m.userId, m.role]));
  return (
    <fieldset className="lead-settings__checks">
      <legend className="ui-field__label">{legend}</legend>
      {members === null ? (
        <p className="lead-settings__muted">Members are listed when the server can be reached.</p>
      ) : null}
      {options.map((o) => (
        <Checkbox
          key={o.value}
          label={o.label}
          hint={roles.has(o.value) ? ROLE_LABELS[roles.get(o.value)!] : undefined}
          checked={chosen.includes(o.value)}
          disabled={readOnly}
          onChange={(e) =>
            onChange(
              e.target.checked ? [...chosen, o.value] : chosen.filter((id) => id !== o.value),
            )
          }
        />
      ))}
      {error ? <p className="ui-field__error">{error}</p> : null}
    </fieldset>
  );
}

/**
 * Who gets a new conversation (`InboxRouting` of @sdr/schema; the server routes with
 * `chooseAssignee`): round-robin, least-loaded or manual over the chosen people, each with a
 * capacity (max open conversations; the default for the others), the lead's owner first when
 * asked, and narrower lists per channel and per territory (countries).
 */
import { Alert, Button, Checkbox, Icon, SegmentedControl, TagInput } from '@sdr/ui';
import { normaliseCountry } from '@sdr/domain';
import type { InboxSettings, MemberDto } from '@sdr/schema';
import { issueAt, issuesUnder, removeAt, replaceAt, type Issues } from '../leads/draft.ts';
import { MemberPicker } from '../leads/RoutingEditor.tsx';
import { NumberField } from './fields.tsx';
import { withCapacity, withChannelMembers } from './inbox-draft.ts';

type Routing = InboxSettings['routing'];

const RULES = [
  { value: 'round_robin', label: 'Round-robin' },
  { value: 'least_loaded', label: 'Least loaded' },
  { value: 'manual', label: 'Manual' },
] as const;

const CHANNELS = [
  { value: 'email', label: 'Email' },
  { value: 'sms', label: 'SMS' },
  { value: 'whatsapp', label: 'WhatsApp' },
] as const;

export function InboxRoutingEditor({
  value,
  onChange,
  issues,
  readOnly,
  members,
}: {
  value: Routing;
  onChange: (next: Routing) => void;
  issues: Issues;
  readOnly: boolean;
  members: readonly MemberDto[] | null;
}) {
  const name = (id: string) => members?.find((m) => m.userId === id)?.name ?? id;
  const banner = issuesUnder(issues, 'routing', [
    'routing.sdrIds',
    'routing.defaultCapacity',
    ...Object.keys(issues).filter(
      (p) =>
        p.startsWith('routing.capacity.') ||
        p.startsWith('routing.byChannel') ||
        p.startsWith('routing.byTerritory.'),
    ),
  ]);
  const territories = value.byTerritory ?? [];
  return (
    <div className="lead-settings__part">
      {banner.map((message) => (
        <Alert key={message}>{message}</Alert>
      ))}
      <SegmentedControl
        label="New conversations go to"
        options={RULES}
        value={value.rule}
        disabled={readOnly}
        onChange={(rule) => onChange({ ...value, rule })}
      />
      <p className="lead-settings__muted">
        {value.rule === 'round_robin'
          ? 'Each new conversation goes to the next person in turn who is under their capacity.'
          : value.rule === 'least_loaded'
            ? 'Each new conversation goes to the person with the fewest open conversations (under their capacity).'
            : 'New conversations stay unassigned until someone takes them or a manager assigns them.'}
      </p>
      <MemberPicker
        legend="Chosen SDRs"
        chosen={value.sdrIds}
        members={members}
        readOnly={readOnly}
        error={issuesUnder(issues, 'routing.sdrIds', [])[0]}
        onChange={(sdrIds) => onChange({ ...value, sdrIds })}
      />
      <Checkbox
        label="Give a conversation to the lead's owner first (when they have room)"
        checked={value.preferLeadOwner}
        disabled={readOnly}
        onChange={(e) => onChange({ ...value, preferLeadOwner: e.target.checked })}
      />
      <h3 className="lead-settings__h3">Capacity (max open conversations)</h3>
      <div className="lead-settings__row">
        <NumberField
          label="Default capacity"
          value={value.defaultCapacity}
          readOnly={readOnly}
          error={issueAt(issues, 'routing.defaultCapacity')}
          onChange={(n) => onChange({ ...value, defaultCapacity: n ?? 0 })}
        />
        {value.sdrIds.map((id) => (
          <NumberField
            key={id}
            label={`${name(id)}`}
            nullable
            hint="Empty: the default"
            value={value.capacity[id] ?? null}
            readOnly={readOnly}
            error={issueAt(issues, `routing.capacity.${id}`)}
            onChange={(n) => onChange({ ...value, capacity: withCapacity(value.capacity, id, n) })}
          />
        ))}
      </div>
      <h3 className="lead-settings__h3">By channel</h3>
      <p className="lead-settings__muted">
        Only these people take conversations on the channel (nobody ticked: the chosen SDRs).
      </p>
      {CHANNELS.map((c) => (
        <MemberPicker
          key={c.value}
          legend={c.label}
          chosen={value.byChannel?.[c.value] ?? []}
          members={members}
          readOnly={readOnly}
          error={issuesUnder(issues, `routing.byChannel.${c.value}`, [])[0]}
          onChange={(ids) =>
            onChange({ ...value, byChannel: withChannelMembers(value.byChannel, c.value, ids) })
          }
        />
      ))}
      <h3 className="lead-settings__h3">By territory</h3>
      <p className="lead-settings__muted">
        The first territory listing the lead&apos;s country decides who may take it.
      </p>
      <ul className="lead-settings__list" aria-label="Inbox territories">
        {territories.map((t, i) => {
          const path = `routing.byTerritory.${i}`;
          const set = (next: typeof t) =>
            onChange({ ...value, byTerritory: replaceAt(territories, i, next) });
          return (
            <li
              key={i}
              className="lead-settings__item"
              role="group"
              aria-label={`Territory ${i + 1}`}
            >
              <div className="lead-settings__row">
                <TagInput
                  label="Countries"
                  values={t.countries}
                  disabled={readOnly}
                  placeholder="e.g. DE, Austria"
                  error={issuesUnder(issues, `${path}.countries`, [])[0]}
                  onChange={(list) =>
                    set({
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
                {readOnly ? null : (
                  <div className="lead-settings__actions">
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Remove territory ${i + 1}`}
                      onClick={() => {
                        const rest = removeAt(territories, i);
                        onChange({ ...value, byTerritory: rest.length > 0 ? rest : undefined });
                      }}
                    >
                      <Icon name="trash" size={14} />
                    </Button>
                  </div>
                )}
              </div>
              <MemberPicker
                legend="People"
                chosen={t.userIds}
                members={members}
                readOnly={readOnly}
                error={issuesUnder(issues, `${path}.userIds`, [])[0]}
                onChange={(userIds) => set({ ...t, userIds })}
              />
            </li>
          );
        })}
      </ul>
      {readOnly ? null : (
        <Button
          icon={<Icon name="plus" size={14} />}
          onClick={() =>
            onChange({ ...value, byTerritory: [...territories, { countries: [], userIds: [] }] })
          }
        >
          Add territory
        </Button>
      )}
    </div>
  );
}

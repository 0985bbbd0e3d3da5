/**
 * The duplicates screen: likely duplicate groups (same email, same phone, or same name + company)
 * in pages, and for the group opened a side-by-side compare where each differing field's value is
 * chosen per lead, then merged (`leads:merge`, managers and admins). A merge can be undone from
 * the message that follows (`leads:undoBulk`).
 *
 * Mount it as a page of the Leads area:
 *   <DuplicatesScreen role={role} members={members} onOpenLead={openDetail} onDone={refresh} />
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { fieldWriteCheck } from '@sdr/domain';
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  Icon,
  PageHeader,
  SegmentedControl,
  Spinner,
} from '@sdr/ui';
import type {
  BulkProgress,
  DuplicateGroup,
  DuplicateKind,
  LeadDto,
  MergeField,
  OutputOf,
  Result,
} from '../../../shared/contract.ts';
import { MERGE_FIELDS } from '../../../shared/contract.ts';
import { engine } from '../../engine.ts';
import { errorMessage } from '../../errors.ts';
import type { Role } from '../../roles.ts';
import {
  defaultChoices,
  differingFields,
  groupReason,
  MERGE_FIELD_LABELS,
  mergedPreview,
  mergeRequest,
  pickWinner,
  showValue,
  type Choices,
} from './merge-model.ts';
import './duplicates.css';

export type DuplicatesScreenProps = {
  /** The signed-in role: merging is for managers and admins. */
  role: Role;
  /** Owner names for the compare table. */
  members?: readonly { id: string; name: string }[];
  /** Opens a lead (e.g. the lead detail panel). */
  onOpenLead?: (id: string) => void;
  /** A merge (or its undo) finished: refresh what the host shows. */
  onDone?: () => void;
};

type Page = OutputOf<'leads:duplicates'>;
type Kinds = 'all' | DuplicateKind;

const KIND_OPTIONS: { value: Kinds; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'name', label: 'Name + company' },
];

const fetchPage = (kinds: Kinds, cursor: string | null): Promise<Result<Page>> =>
  engine.invoke('leads:duplicates', {
    ...(kinds === 'all' ? {} : { kinds: [kinds] }),
    ...(cursor ? { cursor } : {}),
    limit: 50,
  });

const leadName = (l: LeadDto) =>
  `${l.firstName} ${l.lastName}`.trim() || l.email || l.phone || 'Unnamed lead';

export function DuplicatesScreen({
  role,
  members = [],
  onOpenLead,
  onDone,
}: DuplicatesScreenProps) {
  const [kinds, setKinds] = useState<Kinds>('all');
  const [groups, setGroups] = useState<DuplicateGroup[]>([]);
  const [counts, setCounts] = useState<Page['counts']>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<DuplicateGroup | null>(null);
  const [notice, setNotice] = useState<{ text: string; jobId: string | null } | null>(null);
  const canMerge = fieldWriteCheck(role, 'lead')('mergedInto');

  const [version, setVersion] = useState(0);
  const onDoneRef = useRef(onDone);
  useEffect(() => {
    onDoneRef.current = onDone;
  });

  const apply = useCallback((result: Result<Page>, append: boolean) => {
    setLoading(false);
    if (!result.ok) {
      setError(errorMessage(result.error));
      return;
    }
    setError(null);
    setGroups((before) => (append ? [...before, ...result.data.groups] : result.data.groups));
    if (!append) setCounts(result.data.counts);
    setCursor(result.data.nextCursor);
  }, []);

  // The first page, again whenever the kinds change or after a merge (answers of an older
  // request are dropped).
  useEffect(() => {
    let current = true;
    void fetchPage(kinds, null).then((result) => {
      if (current) apply(result, false);
    });
    return () => {
      current = false;
    };
  }, [kinds, version, apply]);

  const reload = () => {
    setLoading(true);
    setVersion((v) => v + 1);
  };

  async function more(after: string) {
    setLoading(true);
    apply(await fetchPage(kinds, after), true);
  }

  // The undo of a merge finishes in the background.
  useEffect(
    () =>
      engine.on('leads:bulkProgress', (p: BulkProgress) => {
        if (p.kind !== 'merge' || p.state !== 'undone') return;
        setNotice({ text: 'The merge was undone.', jobId: null });
        onDoneRef.current?.();
        setLoading(true);
        setVersion((v) => v + 1);
      }),
    [],
  );

  async function undo(jobId: string) {
    setNotice({ text: 'Undoing the merge…', jobId: null });
    const result = await engine.invoke('leads:undoBulk', { jobId });
    if (!result.ok) setNotice({ text: errorMessage(result.error), jobId: null });
  }

  const total = counts ? counts.email + counts.phone + counts.name : null;
  return (
    <div className="page duplicates">
      <PageHeader
        title="Duplicates"
        description="Leads that share an email, a phone, or a name and company."
      />
      <SegmentedControl
        label="Match on"
        options={KIND_OPTIONS}
        value={kinds}
        onChange={(value) => {
          setOpen(null);
          setLoading(true);
          setKinds(value);
        }}
      />
      {notice ? (
        <div className="duplicates-notice" role="status">
          <span>{notice.text}</span>
          {notice.jobId ? (
            <Button size="sm" onClick={() => void undo(notice.jobId!)}>
              Undo
            </Button>
          ) : null}
          <Button
            size="sm"
            variant="ghost"
            aria-label="Dismiss"
            icon={<Icon name="x" size={14} />}
            onClick={() => setNotice(null)}
          />
        </div>
      ) : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      <div className="duplicates-body">
        <section className="duplicates-groups" aria-label="Duplicate groups">
          {total !== null ? (
            <p className="duplicates-muted">
              {total.toLocaleString('en')} group{total === 1 ? '' : 's'}
            </p>
          ) : null}
          {groups.length === 0 && !loading && !error ? (
            <EmptyState icon="check" title="No duplicates found" text="Nothing to merge here." />
          ) : null}
          <ul className="duplicates-list">
            {groups.map((g) => (
              <li key={`${g.kind}:${g.key}`}>
                <button
                  type="button"
                  className={`duplicates-group${open?.kind === g.kind && open.key === g.key ? ' is-open' : ''}`}
                  aria-current={open?.kind === g.kind && open.key === g.key ? 'true' : undefined}
                  onClick={() => setOpen(g)}
                >
                  <span className="duplicates-group__reason">{groupReason(g.kind, g.key)}</span>
                  <span className="duplicates-muted">{g.leads.map(leadName).join(' · ')}</span>
                  <Badge>{g.count}</Badge>
                </button>
              </li>
            ))}
          </ul>
          {loading ? <Spinner label="Looking for duplicates" /> : null}
          {cursor && !loading ? (
            <Button size="sm" onClick={() => void more(cursor)}>
              More groups
            </Button>
          ) : null}
        </section>
        {open ? (
          <Compare
            key={`${open.kind}:${open.key}`}
            group={open}
            canMerge={canMerge}
            members={members}
            onOpenLead={onOpenLead}
            onMerged={(winner, jobId, merged) => {
              setOpen(null);
              setNotice({
                text: `Merged ${merged} lead${merged === 1 ? '' : 's'} into ${leadName(winner)}.`,
                jobId,
              });
              onDone?.();
              reload();
            }}
          />
        ) : null}
      </div>
    </div>
  );
}

function Compare({
  group,
  canMerge,
  members,
  onOpenLead,
  onMerged,
}: {
  group: DuplicateGroup;
  canMerge: boolean;
  members: readonly { id: string; name: string }[];
  onOpenLead: ((id: string) => void) | undefined;
  onMerged: (winner: LeadDto, jobId: string, merged: number) => void;
}) {
  const leads = group.leads;
  const [winnerId, setWinnerId] = useState(() => pickWinner(leads).id);
  const [included, setIncluded] = useState<Set<string>>(() => new Set(leads.map((l) => l.id)));
  const winner = leads.find((l) => l.id === winnerId)!;
  const losers = leads.filter((l) => l.id !== winnerId && included.has(l.id));
  const [choices, setChoices] = useState<Choices>(() => defaultChoices(winner, losers));
  const [showAll, setShowAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const memberName = (id: string) => members.find((m) => m.id === id)?.name ?? id;

  const fields: MergeField[] = showAll ? [...MERGE_FIELDS] : differingFields([winner, ...losers]);
  const preview = mergedPreview(winner, losers, choices);

  function chooseWinner(id: string) {
    const next = leads.find((l) => l.id === id)!;
    setWinnerId(id);
    setIncluded((s) => new Set(s).add(id));
    setChoices(
      defaultChoices(
        next,
        leads.filter((l) => l.id !== id && included.has(l.id)),
      ),
    );
  }

  async function merge() {
    setBusy(true);
    setError(null);
    const result = await engine.invoke('leads:merge', mergeRequest(winner, losers, choices));
    setBusy(false);
    if (!result.ok) setError(errorMessage(result.error));
    else onMerged(result.data.winner, result.data.jobId, losers.length);
  }

  const value = (l: LeadDto, f: MergeField) => (l as unknown as Record<string, unknown>)[f];
  return (
    <section className="duplicates-compare" aria-label="Compare and merge">
      <h2 className="duplicates-compare__title">{groupReason(group.kind, group.key)}</h2>
      {group.count > leads.length ? (
        <p className="duplicates-muted">
          Showing {leads.length} of {group.count} leads; merge these first.
        </p>
      ) : null}
      <div className="duplicates-scroll">
        <table className="duplicates-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              {leads.map((l) => (
                <th scope="col" key={l.id}>
                  <div className="duplicates-lead">
                    {onOpenLead ? (
                      <button
                        type="button"
                        className="duplicates-link"
                        onClick={() => onOpenLead(l.id)}
                      >
                        {leadName(l)}
                      </button>
                    ) : (
                      <span>{leadName(l)}</span>
                    )}
                    <label className="duplicates-choice">
                      <input
                        type="radio"
                        name="winner"
                        checked={l.id === winnerId}
                        onChange={() => chooseWinner(l.id)}
                      />
                      Keep this one
                    </label>
                    {l.id !== winnerId ? (
                      <label className="duplicates-choice">
                        <input
                          type="checkbox"
                          checked={included.has(l.id)}
                          onChange={(event) => {
                            const next = new Set(included);
                            if (event.target.checked) next.add(l.id);
                            else next.delete(l.id);
                            setIncluded(next);
                          }}
                        />
                        Merge it
                      </label>
                    ) : null}
                  </div>
                </th>
              ))}
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => (
              <tr key={f}>
                <th scope="row">{MERGE_FIELD_LABELS[f]}</th>
                {leads.map((l) => {
                  const takes = l.id === winnerId ? choices[f] === undefined : choices[f] === l.id;
                  const usable = l.id === winnerId || included.has(l.id);
                  return (
                    <td key={l.id} className={takes ? 'is-chosen' : undefined}>
                      <label className="duplicates-choice">
                        <input
                          type="radio"
                          name={`field-${f}`}
                          checked={takes}
                          disabled={!usable}
                          onChange={() =>
                            setChoices((c) => {
                              const next = { ...c };
                              if (l.id === winnerId) delete next[f];
                              else next[f] = l.id;
                              return next;
                            })
                          }
                        />
                        {showValue(f, value(l, f), memberName)}
                      </label>
                    </td>
                  );
                })}
                <td>{showValue(f, preview[f], memberName)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">Tags</th>
              {leads.map((l) => (
                <td key={l.id}>{l.tags.join(', ') || '—'}</td>
              ))}
              <td>{preview.tags.join(', ') || '—'}</td>
            </tr>
            <tr>
              <th scope="row">Notes</th>
              <td colSpan={leads.length + 1} className="duplicates-muted">
                The merged leads’ notes are added under the kept lead’s notes. Tasks and list
                memberships move to the kept lead.
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <div className="duplicates-actions">
        <label className="duplicates-choice">
          <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
          Show all fields
        </label>
        {error ? <Alert tone="error">{error}</Alert> : null}
        {!canMerge ? (
          <p className="duplicates-muted">Only managers and admins can merge leads.</p>
        ) : null}
        <Button
          variant="primary"
          loading={busy}
          disabled={!canMerge || losers.length === 0}
          onClick={() => void merge()}
        >
          Merge {losers.length} into {leadName(winner)}
        </Button>
      </div>
    </section>
  );
}

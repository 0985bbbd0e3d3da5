/**
 * The live queue: my work items in priority order (the domain's `compareQueueItems`, computed by
 * the engine), each with its SLA / due timer counting down and the reasons for its place on hover
 * (`explainPriority` lines as the title tooltip). "Next" (or `n`) takes the top item: the server
 * decides who gets it, so until it answers the claim shows as unconfirmed (offline too); a claim
 * the server refuses shows why. Managers switch to the team's queue, reorder items by drag and
 * drop (pins) and see each member's load against their capacity, claimed items and SLA breaches
 * (the server's `GET /queue/team` when online, computed from the local copies offline).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Badge, Button, EmptyState, Kbd, PageHeader, SegmentedControl, useToast } from '@sdr/ui';
import type { QueueItemDto, TeamView } from '../../shared/contract.ts';
import { engine } from '../engine.ts';
import { errorMessage } from '../errors.ts';
import { useInboxChanged, useNow } from '../inbox/hooks.ts';
import { CHANNEL_LABELS, slaText } from '../inbox/model.ts';
import { useInbox } from '../inbox/store.ts';
import { memberName, useMembers } from '../inbox/useMembers.ts';
import { isTypingTarget } from '../shortcuts.ts';
import { useSignedIn } from '../stores/auth.ts';
import { moveItem } from './reorder.ts';
import '../inbox/inbox.css';

const KIND_LABELS: Record<QueueItemDto['kind'], string> = {
  inbound_message: 'New message',
  assigned_lead: 'Assigned lead',
  sla_breach: 'SLA breach',
  task_due: 'Task due',
};

const CLAIM_LABELS: Record<QueueItemDto['claim'], string | null> = {
  open: null,
  mine: 'Claimed by me',
  other: 'Claimed',
  unconfirmed: 'Claim unconfirmed',
  refused: 'Claim refused',
};

export function QueueArea() {
  const { me } = useSignedIn();
  const toast = useToast();
  const members = useMembers();
  const now = useNow(1000);
  const manager = me.role === 'manager' || me.role === 'admin';
  const [team, setTeam] = useState(false);
  const [items, setItems] = useState<QueueItemDto[] | null>(null);
  const [loads, setLoads] = useState<TeamView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragId, setDragId] = useState<string | null>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    const r = await engine.invoke('queue:list', { team });
    const l = team ? await engine.invoke('queue:team', {}) : null;
    if (mine !== seq.current) return;
    if (r.ok) {
      setItems(r.data);
      setError(null);
    } else setError(errorMessage(r.error));
    if (l?.ok) setLoads(l.data);
  }, [team]);
  useEffect(() => {
    const t = window.setTimeout(() => void load(), 0);
    return () => window.clearTimeout(t);
  }, [load, me.workspace.id]);
  useInboxChanged((change) => {
    if (!change || change.queue || change.conversationIds === null) void load();
  });

  const next = useCallback(async () => {
    const r = await engine.invoke('queue:next', {});
    if (!r.ok) return toast(errorMessage(r.error), 'error');
    if (!r.data.commandId) toast('Nothing to take right now', 'info');
  }, [toast]);

  // `n` takes the next item (not while typing, not right after `g`).
  useEffect(() => {
    let gAt: number | null = null;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target) || document.querySelector('dialog[open]')) return;
      const afterG = gAt !== null && event.timeStamp - gAt <= 1500;
      gAt = event.key === 'g' ? event.timeStamp : null;
      if (afterG || event.key !== 'n') return;
      event.preventDefault();
      void next();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [next]);

  async function act(action: 'queue:claim' | 'queue:release' | 'queue:complete', id: string) {
    const r = await engine.invoke(action, { id });
    if (!r.ok) toast(errorMessage(r.error), 'error');
  }

  async function drop(targetId: string) {
    if (!items || !dragId || dragId === targetId) return;
    const order = moveItem(
      items.map((i) => i.id),
      dragId,
      targetId,
    );
    setDragId(null);
    setItems(order.map((id) => items.find((i) => i.id === id)!));
    const r = await engine.invoke('queue:reorder', { itemIds: order });
    if (!r.ok) toast(errorMessage(r.error), 'error');
  }

  const open = (item: QueueItemDto) => {
    if (item.conversationId)
      useInbox.getState().openConversation(item.conversationId, { reply: true });
  };

  return (
    <div className="page queue">
      <PageHeader
        title="Queue"
        description="The most urgent work first. Hover an item to see why it is where it is."
        actions={
          <>
            {manager ? (
              <SegmentedControl
                label="Whose queue"
                value={team ? 'team' : 'mine'}
                onChange={(v) => setTeam(v === 'team')}
                options={[
                  { value: 'mine', label: 'Mine' },
                  { value: 'team', label: 'Team' },
                ]}
              />
            ) : null}
            <Button variant="primary" onClick={() => void next()}>
              Next <Kbd>n</Kbd>
            </Button>
          </>
        }
      />
      {team && loads && loads.members.length > 0 ? (
        <table className="queue__team">
          <caption>
            Team load{' '}
            {loads.source === 'local' ? (
              <Badge tone="warning">Offline: computed from this device&apos;s copy</Badge>
            ) : null}
          </caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Open conversations</th>
              <th scope="col">Unread</th>
              <th scope="col">Queue items</th>
              <th scope="col">Claimed</th>
              <th scope="col">SLA breaches</th>
            </tr>
          </thead>
          <tbody>
            {loads.members.map((l) => {
              const full = l.capacity !== null && l.openConversations >= l.capacity;
              return (
                <tr key={l.userId ?? '-'}>
                  <td>
                    {l.userId === null
                      ? 'Unassigned'
                      : l.userId === me.user.id
                        ? 'Me'
                        : (l.name ?? memberName(members, l.userId, me.user.id))}
                  </td>
                  <td className={full ? 'queue__breach' : ''}>
                    {l.capacity !== null && l.userId !== null
                      ? `${l.openConversations} / ${l.capacity}`
                      : l.openConversations}
                  </td>
                  <td>{l.unread}</td>
                  <td>{l.queueItems}</td>
                  <td>{l.claimedItems ?? '–'}</td>
                  <td className={l.breaches > 0 ? 'queue__breach' : ''}>{l.breaches}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {error ? <p className="inbox__error">{error}</p> : null}
      {items && items.length === 0 ? (
        <EmptyState
          icon="queue"
          title="Nothing in your queue"
          text="New replies, leads assigned to you, SLAs about to breach and due tasks line up here, most urgent first."
        />
      ) : (
        <ol className="queue__list" aria-label="Queue items">
          {(items ?? []).map((item, index) => {
            const timer = slaText(item.dueAt, now);
            const claim = CLAIM_LABELS[item.claim];
            return (
              <li
                key={item.id}
                className={`queue__item${dragId === item.id ? ' queue__item--drag' : ''}`}
                data-id={item.id}
                title={item.explanation.join('\n')}
                draggable={manager && team}
                onDragStart={(e) => {
                  setDragId(item.id);
                  e.dataTransfer.effectAllowed = 'move';
                  e.dataTransfer.setData('text/plain', item.id);
                }}
                onDragOver={(e) => {
                  if (dragId) e.preventDefault();
                }}
                onDrop={(e) => {
                  e.preventDefault();
                  void drop(item.id);
                }}
                onDragEnd={() => setDragId(null)}
              >
                <span className="queue__rank">{index + 1}</span>
                <div className="queue__body">
                  <button type="button" className="queue__title" onClick={() => open(item)}>
                    {item.leadName || item.title}
                  </button>
                  <span className="queue__sub">
                    {KIND_LABELS[item.kind]}
                    {item.channel ? ` · ${CHANNEL_LABELS[item.channel]}` : ''}
                    {item.leadName && item.title ? ` · ${item.title}` : ''}
                    {team ? ` · ${memberName(members, item.assigneeId, me.user.id)}` : ''}
                  </span>
                  <span className="ui-visually-hidden">{item.explanation.join('. ')}</span>
                </div>
                <div className="queue__meta">
                  {item.pinnedRank !== null ? <Badge>{`Pinned #${item.pinnedRank}`}</Badge> : null}
                  {timer ? (
                    <span className={`inbox__sla inbox__sla--${timer.tone}`}>{timer.text}</span>
                  ) : null}
                  {claim ? (
                    <Badge
                      tone={
                        item.claim === 'mine'
                          ? 'success'
                          : item.claim === 'unconfirmed' || item.claim === 'refused'
                            ? 'warning'
                            : 'neutral'
                      }
                    >
                      {item.claim === 'refused' && item.claimError
                        ? `${claim}: ${item.claimError}`
                        : claim}
                    </Badge>
                  ) : null}
                </div>
                <div className="queue__actions">
                  {item.claim === 'open' || item.claim === 'refused' ? (
                    <Button size="sm" onClick={() => void act('queue:claim', item.id)}>
                      Claim
                    </Button>
                  ) : null}
                  {item.claim === 'mine' ? (
                    <>
                      <Button size="sm" onClick={() => void act('queue:release', item.id)}>
                        Release
                      </Button>
                      <Button
                        size="sm"
                        variant="primary"
                        onClick={() => void act('queue:complete', item.id)}
                      >
                        Done
                      </Button>
                    </>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

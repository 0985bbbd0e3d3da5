/**
 * The bulk bar: shown while leads are selected (picked rows, or every lead of the view). Assign,
 * status, tags, add to list and delete run as engine jobs (`leads:bulk`); the bar shows their
 * progress with Cancel, then the result with Undo (`leads:undoBulk`). Actions a role may not do
 * (SDRs: assign, delete) are not offered; the engine refuses them anyway.
 *
 * Mount it above the lead table:
 *   <BulkBar selection={{ ids }} count={ids.length} role={role} onDone={() => refresh()} />
 *   <BulkBar selection={{ selection: { filter, search, listId }, except }} count={n} ... />
 */
import { useEffect, useReducer, useRef, useState } from 'react';
import { fieldWriteCheck } from '@sdr/domain';
import { Button, Dialog, FormActions, Icon, Popover, TagInput, TextField } from '@sdr/ui';
import type { BulkProgress } from '../../../shared/contract.ts';
import { engine } from '../../engine.ts';
import { errorMessage } from '../../errors.ts';
import type { Role } from '../../roles.ts';
import {
  actionLabel,
  bulkReducer,
  canUndo,
  IDLE,
  isBusy,
  percent,
  progressText,
  resultText,
  targetOf,
  type BulkActionInput,
  type BulkSelection,
} from './bulk-model.ts';
import './bulk.css';

export type { BulkSelection } from './bulk-model.ts';

export type BulkBarProps = {
  /** Picked lead ids, or every lead of the view (its filter/search/list) minus `except`. */
  selection: BulkSelection;
  /** How many leads that is (shown on the bar; 0 hides the actions). */
  count: number;
  /** The signed-in role: SDRs are not offered Assign and Delete. */
  role: Role;
  /** People leads can be assigned to. */
  members?: readonly { id: string; name: string }[];
  /** Pipeline stages for "Status" (key → label). */
  stages?: readonly { key: string; label: string }[];
  /** Static lists for "Add to list". */
  lists?: readonly { id: string; name: string }[];
  /** A job (or its undo) finished: refresh the table, clear the selection. */
  onDone?: (progress: BulkProgress) => void;
  /** Offers "Clear selection". */
  onClear?: () => void;
};

export function BulkBar({
  selection,
  count,
  role,
  members = [],
  stages = [],
  lists = [],
  onDone,
  onClear,
}: BulkBarProps) {
  const [state, dispatch] = useReducer(bulkReducer, IDLE);
  const latest = useRef(new Map<string, BulkProgress>());
  const [confirmDelete, setConfirmDelete] = useState(false);
  const canWrite = fieldWriteCheck(role, 'lead');

  useEffect(
    () =>
      engine.on('leads:bulkProgress', (progress) => {
        latest.current.set(progress.jobId, progress);
        dispatch({ type: 'progress', progress });
      }),
    [],
  );

  // Tell the host once per finished job and once per finished undo.
  const reported = useRef<string | null>(null);
  useEffect(() => {
    if (state.phase !== 'finished' && state.phase !== 'undone') return;
    const key = `${state.jobId}:${state.phase}`;
    if (reported.current === key) return;
    reported.current = key;
    onDone?.(state.progress);
  }, [state, onDone]);

  const names = {
    member: (id: string) => members.find((m) => m.id === id)?.name ?? id,
    stage: (key: string) => stages.find((s) => s.key === key)?.label ?? key,
    list: (id: string) => lists.find((l) => l.id === id)?.name ?? 'list',
  };

  async function run(action: BulkActionInput) {
    dispatch({ type: 'start', label: actionLabel(action, names) });
    const result = await engine.invoke('leads:bulk', { target: targetOf(selection), action });
    if (!result.ok) {
      dispatch({ type: 'failed', message: errorMessage(result.error) });
      return;
    }
    const { jobId, total } = result.data;
    dispatch({ type: 'started', jobId, total, kind: action.kind });
    // Events that arrived before the answer (a small job may already be done).
    const early = latest.current.get(jobId);
    if (early) dispatch({ type: 'progress', progress: early });
  }

  async function cancel(jobId: string) {
    dispatch({ type: 'cancel' });
    const result = await engine.invoke('leads:cancelBulk', { jobId });
    if (!result.ok) dispatch({ type: 'failed', message: errorMessage(result.error) });
  }

  async function undo(jobId: string) {
    dispatch({ type: 'undo' });
    const result = await engine.invoke('leads:undoBulk', { jobId });
    if (!result.ok) dispatch({ type: 'failed', message: errorMessage(result.error) });
  }

  const busy = isBusy(state);
  return (
    <div className="bulk-bar" role="region" aria-label="Bulk actions">
      {count > 0 && !busy ? (
        <div className="bulk-bar__actions">
          <strong className="bulk-bar__count">
            {count.toLocaleString('en')} selected
            {'selection' in selection ? ' (every lead in this view)' : ''}
          </strong>
          {canWrite('ownerId') ? (
            <AssignMenu
              members={members}
              onPick={(ownerId) => void run({ kind: 'assign', ownerId })}
            />
          ) : null}
          <StatusMenu
            stages={stages}
            onPick={(status, statusReason) =>
              void run({ kind: 'status', status, ...(statusReason ? { statusReason } : {}) })
            }
          />
          <TagsMenu
            onAdd={(tags) => void run({ kind: 'addTags', tags })}
            onRemove={(tags) => void run({ kind: 'removeTags', tags })}
          />
          {lists.length > 0 ? (
            <Popover
              label="Add to list"
              trigger={
                <>
                  <Icon name="list" size={14} /> Add to list
                </>
              }
            >
              {(close) => (
                <ul className="bulk-menu" aria-label="Lists">
                  {lists.map((list) => (
                    <li key={list.id}>
                      <button
                        type="button"
                        className="bulk-menu__item"
                        onClick={() => {
                          close();
                          void run({ kind: 'addToList', listId: list.id });
                        }}
                      >
                        {list.name}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </Popover>
          ) : null}
          {canWrite('deleted') ? (
            <Button
              size="sm"
              variant="danger"
              icon={<Icon name="trash" size={14} />}
              onClick={() => setConfirmDelete(true)}
            >
              Delete
            </Button>
          ) : null}
          {onClear ? (
            <Button size="sm" variant="ghost" onClick={onClear}>
              Clear selection
            </Button>
          ) : null}
        </div>
      ) : null}

      {state.phase === 'starting' ? (
        <p className="bulk-bar__status" role="status">
          {state.label}…
        </p>
      ) : null}

      {state.phase === 'running' || state.phase === 'undoing' ? (
        <div className="bulk-bar__progress" role="status">
          <span>
            {state.phase === 'undoing' ? `Undoing “${state.label}”` : state.label}:{' '}
            {progressText(state.progress)}
          </span>
          <progress
            aria-label={state.phase === 'undoing' ? 'Undo progress' : 'Progress'}
            value={percent(state.progress)}
            max={100}
          />
          {state.phase === 'running' ? (
            <Button
              size="sm"
              variant="ghost"
              disabled={state.cancelling}
              onClick={() => void cancel(state.jobId)}
            >
              {state.cancelling ? 'Stopping…' : 'Cancel'}
            </Button>
          ) : null}
        </div>
      ) : null}

      {state.phase === 'finished' || state.phase === 'undone' || state.phase === 'error' ? (
        <div
          className={`bulk-toast${state.phase === 'error' ? ' bulk-toast--error' : ''}`}
          role={state.phase === 'error' ? 'alert' : 'status'}
        >
          <Icon name={state.phase === 'error' ? 'alert' : 'check'} size={16} />
          <span>
            {state.phase === 'error'
              ? state.message
              : `${state.label}: ${resultText(state.progress)}`}
          </span>
          {state.phase === 'finished' && canUndo(state.progress) ? (
            <Button size="sm" onClick={() => void undo(state.jobId)}>
              Undo
            </Button>
          ) : null}
          <Button
            size="sm"
            variant="ghost"
            aria-label="Dismiss"
            icon={<Icon name="x" size={14} />}
            onClick={() => dispatch({ type: 'dismiss' })}
          />
        </div>
      ) : null}

      <Dialog open={confirmDelete} title="Delete leads" onClose={() => setConfirmDelete(false)}>
        <p>
          Delete {count.toLocaleString('en')} lead{count === 1 ? '' : 's'}? You can undo this right
          after.
        </p>
        <FormActions>
          <Button variant="ghost" onClick={() => setConfirmDelete(false)}>
            Keep them
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              setConfirmDelete(false);
              void run({ kind: 'delete' });
            }}
          >
            Delete
          </Button>
        </FormActions>
      </Dialog>
    </div>
  );
}

function AssignMenu({
  members,
  onPick,
}: {
  members: readonly { id: string; name: string }[];
  onPick: (ownerId: string | null) => void;
}) {
  return (
    <Popover label="Assign" trigger={<>Assign</>}>
      {(close) => (
        <ul className="bulk-menu" aria-label="Owners">
          {members.map((m) => (
            <li key={m.id}>
              <button
                type="button"
                className="bulk-menu__item"
                onClick={() => {
                  close();
                  onPick(m.id);
                }}
              >
                {m.name}
              </button>
            </li>
          ))}
          <li>
            <button
              type="button"
              className="bulk-menu__item"
              onClick={() => {
                close();
                onPick(null);
              }}
            >
              Unassign
            </button>
          </li>
        </ul>
      )}
    </Popover>
  );
}

function StatusMenu({
  stages,
  onPick,
}: {
  stages: readonly { key: string; label: string }[];
  onPick: (status: string, reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <Popover label="Status" trigger={<>Status</>}>
      {(close) => (
        <div className="bulk-menu">
          <TextField
            label="Reason (optional)"
            value={reason}
            maxLength={500}
            onChange={(event) => setReason(event.target.value)}
          />
          <ul aria-label="Stages">
            {stages.map((s) => (
              <li key={s.key}>
                <button
                  type="button"
                  className="bulk-menu__item"
                  onClick={() => {
                    close();
                    onPick(s.key, reason.trim());
                    setReason('');
                  }}
                >
                  {s.label}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Popover>
  );
}

function TagsMenu({
  onAdd,
  onRemove,
}: {
  onAdd: (tags: string[]) => void;
  onRemove: (tags: string[]) => void;
}) {
  const [tags, setTags] = useState<string[]>([]);
  return (
    <Popover
      label="Tags"
      trigger={
        <>
          <Icon name="tag" size={14} /> Tags
        </>
      }
    >
      {(close) => (
        <div className="bulk-menu">
          <TagInput label="Tags" values={tags} onChange={setTags} />
          <div className="bulk-menu__row">
            <Button
              size="sm"
              variant="primary"
              disabled={tags.length === 0}
              onClick={() => {
                close();
                onAdd(tags);
                setTags([]);
              }}
            >
              Add tags
            </Button>
            <Button
              size="sm"
              disabled={tags.length === 0}
              onClick={() => {
                close();
                onRemove(tags);
                setTags([]);
              }}
            >
              Remove tags
            </Button>
          </div>
        </div>
      )}
    </Popover>
  );
}

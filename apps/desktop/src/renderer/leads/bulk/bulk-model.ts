/**
 * The bulk bar's logic, pure: what the engine is asked (`targetOf`, the action), the state of the
 * job on screen (a reducer fed by calls and `leads:bulkProgress` events), and the sentences shown.
 */
import type { BulkProgress, InputOf, LeadSelection } from '../../../shared/contract.ts';

/** What is selected in the table: picked leads, or every lead of the view but the unticked ones. */
export type BulkSelection =
  { ids: readonly string[] } | { selection: Partial<LeadSelection>; except?: readonly string[] };

export type BulkActionInput = InputOf<'leads:bulk'>['action'];
export type BulkTargetInput = InputOf<'leads:bulk'>['target'];

export function targetOf(selection: BulkSelection): BulkTargetInput {
  if ('ids' in selection) return { ids: [...selection.ids] };
  const except = selection.except?.length ? { except: [...selection.except] } : {};
  return { selection: selection.selection, ...except };
}

export type BulkState =
  | { phase: 'idle' }
  | { phase: 'starting'; label: string }
  | { phase: 'running'; jobId: string; label: string; progress: BulkProgress; cancelling: boolean }
  | { phase: 'finished'; jobId: string; label: string; progress: BulkProgress }
  | { phase: 'undoing'; jobId: string; label: string; progress: BulkProgress }
  | { phase: 'undone'; jobId: string; label: string; progress: BulkProgress }
  | { phase: 'error'; message: string; jobId: string | null; label: string };

export type BulkEvent =
  | { type: 'start'; label: string }
  | { type: 'started'; jobId: string; total: number; kind: BulkProgress['kind'] }
  | { type: 'progress'; progress: BulkProgress }
  | { type: 'cancel' }
  | { type: 'undo' }
  | { type: 'failed'; message: string }
  | { type: 'dismiss' };

export const IDLE: BulkState = { phase: 'idle' };

const FINISHED: ReadonlySet<BulkProgress['state']> = new Set(['done', 'cancelled', 'failed']);

function emptyProgress(jobId: string, kind: BulkProgress['kind'], total: number): BulkProgress {
  return {
    jobId,
    kind,
    state: 'running',
    total,
    done: 0,
    changed: 0,
    failed: 0,
    restored: 0,
    skipped: 0,
  };
}

export function bulkReducer(state: BulkState, event: BulkEvent): BulkState {
  switch (event.type) {
    case 'start':
      return { phase: 'starting', label: event.label };
    case 'started':
      if (state.phase !== 'starting') return state;
      return {
        phase: 'running',
        jobId: event.jobId,
        label: state.label,
        progress: emptyProgress(event.jobId, event.kind, event.total),
        cancelling: false,
      };
    case 'progress': {
      const p = event.progress;
      if (!('jobId' in state) || state.jobId !== p.jobId) return state;
      const label = state.label;
      if (p.state === 'running') {
        return state.phase === 'running' ? { ...state, progress: p } : state;
      }
      if (FINISHED.has(p.state)) return { phase: 'finished', jobId: p.jobId, label, progress: p };
      if (p.state === 'undoing') return { phase: 'undoing', jobId: p.jobId, label, progress: p };
      return { phase: 'undone', jobId: p.jobId, label, progress: p };
    }
    case 'cancel':
      return state.phase === 'running' ? { ...state, cancelling: true } : state;
    case 'undo':
      if (state.phase !== 'finished' && state.phase !== 'running') return state;
      return {
        phase: 'undoing',
        jobId: state.jobId,
        label: state.label,
        progress: { ...state.progress, state: 'undoing', done: 0, total: state.progress.changed },
      };
    case 'failed':
      return {
        phase: 'error',
        message: event.message,
        jobId: 'jobId' in state ? state.jobId : null,
        label: 'label' in state ? state.label : '',
      };
    case 'dismiss':
      return state.phase === 'running' || state.phase === 'undoing' || state.phase === 'starting'
        ? state
        : IDLE;
  }
}

/** Whether the bar is busy (no new action until this one is done). */
export const isBusy = (s: BulkState): boolean =>
  s.phase === 'starting' || s.phase === 'running' || s.phase === 'undoing';

/** 0..100 for the progress bar. */
export function percent(p: BulkProgress): number {
  return p.total === 0 ? 100 : Math.min(100, Math.round((p.done / p.total) * 100));
}

const n = (x: number) => x.toLocaleString('en');
const leads = (x: number) => `${n(x)} lead${x === 1 ? '' : 's'}`;

export function progressText(p: BulkProgress): string {
  return `${n(p.done)} of ${leads(p.total)}`;
}

/** The sentence once a job (or its undo) finished. */
export function resultText(p: BulkProgress): string {
  const failed = p.failed > 0 ? `; ${n(p.failed)} could not be changed` : '';
  switch (p.state) {
    case 'done': {
      const same = p.total - p.changed - p.failed;
      return `Changed ${leads(p.changed)}${same > 0 ? ` (${n(same)} already were)` : ''}${failed}.`;
    }
    case 'cancelled':
      return `Stopped after ${n(p.done)} of ${leads(p.total)}: ${n(p.changed)} changed${failed}.`;
    case 'failed':
      return `Stopped by a problem after ${n(p.done)} of ${leads(p.total)}: ${n(p.changed)} changed.`;
    case 'undone':
      return p.skipped > 0
        ? `Undone for ${leads(p.restored)}; ${n(p.skipped)} left as they are (changed since).`
        : `Undone for ${leads(p.restored)}.`;
    case 'running':
    case 'undoing':
      return progressText(p);
  }
}

/** Whether "Undo" is offered for a finished job. */
export const canUndo = (p: BulkProgress): boolean =>
  (p.state === 'done' || p.state === 'cancelled' || p.state === 'failed') && p.changed > 0;

/** What the action does, for the bar ("Set status to Qualified"). */
export function actionLabel(
  action: BulkActionInput,
  names: {
    member?: (id: string) => string;
    stage?: (key: string) => string;
    list?: (id: string) => string;
  } = {},
): string {
  switch (action.kind) {
    case 'assign':
      return action.ownerId === null
        ? 'Unassign'
        : `Assign to ${names.member?.(action.ownerId) ?? action.ownerId}`;
    case 'status':
      return `Set status to ${names.stage?.(action.status) ?? action.status}`;
    case 'addTags':
      return `Tag with ${action.tags.join(', ')}`;
    case 'removeTags':
      return `Remove tag${action.tags.length === 1 ? '' : 's'} ${action.tags.join(', ')}`;
    case 'delete':
      return 'Delete';
    case 'addToList':
      return `Add to ${names.list?.(action.listId) ?? 'list'}`;
  }
}

import { describe, expect, it } from 'vitest';
import type { BulkProgress } from '../../../shared/contract.ts';
import {
  actionLabel,
  bulkReducer,
  canUndo,
  IDLE,
  isBusy,
  percent,
  resultText,
  targetOf,
  type BulkState,
} from './bulk-model.ts';

const p = (over: Partial<BulkProgress>): BulkProgress => ({
  jobId: 'J',
  kind: 'status',
  state: 'running',
  total: 5000,
  done: 0,
  changed: 0,
  failed: 0,
  restored: 0,
  skipped: 0,
  ...over,
});

describe('bulk bar model', () => {
  it('turns a selection into the engine target', () => {
    expect(targetOf({ ids: ['a', 'b'] })).toEqual({ ids: ['a', 'b'] });
    expect(targetOf({ selection: { search: 'acme' } })).toEqual({ selection: { search: 'acme' } });
    expect(targetOf({ selection: { listId: 'L' }, except: ['x'] })).toEqual({
      selection: { listId: 'L' },
      except: ['x'],
    });
  });

  it('follows a job from start to finish, then its undo', () => {
    let s: BulkState = bulkReducer(IDLE, { type: 'start', label: 'Set status to Won' });
    expect(isBusy(s)).toBe(true);
    s = bulkReducer(s, { type: 'started', jobId: 'J', total: 5000, kind: 'status' });
    expect(s).toMatchObject({ phase: 'running', progress: { done: 0, total: 5000 } });
    // Events of other jobs are ignored.
    expect(bulkReducer(s, { type: 'progress', progress: p({ jobId: 'other', done: 9 }) })).toBe(s);
    s = bulkReducer(s, { type: 'progress', progress: p({ done: 2500, changed: 2500 }) });
    expect(s.phase === 'running' && percent(s.progress)).toBe(50);
    s = bulkReducer(s, { type: 'cancel' });
    expect(s).toMatchObject({ phase: 'running', cancelling: true });
    s = bulkReducer(s, {
      type: 'progress',
      progress: p({ state: 'cancelled', done: 3000, changed: 3000 }),
    });
    expect(s.phase).toBe('finished');
    expect(isBusy(s)).toBe(false);
    s = bulkReducer(s, { type: 'undo' });
    expect(s).toMatchObject({ phase: 'undoing', progress: { done: 0, total: 3000 } });
    expect(bulkReducer(s, { type: 'dismiss' })).toBe(s);
    s = bulkReducer(s, {
      type: 'progress',
      progress: p({ state: 'undone', done: 3000, total: 3000, restored: 2999, skipped: 1 }),
    });
    expect(s.phase).toBe('undone');
    expect(bulkReducer(s, { type: 'dismiss' })).toBe(IDLE);
  });

  it('words results and actions', () => {
    expect(resultText(p({ state: 'done', done: 5000, changed: 4998 }))).toBe(
      'Changed 4,998 leads (2 already were).',
    );
    expect(resultText(p({ state: 'done', total: 1, done: 1, changed: 1 }))).toBe('Changed 1 lead.');
    expect(resultText(p({ state: 'cancelled', done: 1500, changed: 1500 }))).toBe(
      'Stopped after 1,500 of 5,000 leads: 1,500 changed.',
    );
    expect(resultText(p({ state: 'undone', restored: 4, skipped: 1 }))).toBe(
      'Undone for 4 leads; 1 left as they are (changed since).',
    );
    expect(canUndo(p({ state: 'done', changed: 1 }))).toBe(true);
    expect(canUndo(p({ state: 'done', changed: 0 }))).toBe(false);
    expect(canUndo(p({ state: 'undone', changed: 3 }))).toBe(false);
    expect(actionLabel({ kind: 'assign', ownerId: 'u1' }, { member: () => 'Ada' })).toBe(
      'Assign to Ada',
    );
    expect(actionLabel({ kind: 'assign', ownerId: null })).toBe('Unassign');
    expect(actionLabel({ kind: 'removeTags', tags: ['a', 'b'] })).toBe('Remove tags a, b');
  });
});

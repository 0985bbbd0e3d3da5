/**
 * The replicator's last-writer-wins rules on a real SQLite replica, with the server's answers
 * scripted (the real server is exercised in workspace-data.test.ts): a pulled row never overwrites
 * an unsent newer local edit nor a newer server change already applied; `row: null` deletes; a
 * push answer replaces the local row only if it was not edited meanwhile; a refused write takes
 * the server's copy.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ReplicationItem, SavedViewRow } from '@sdr/schema';
import { DEFAULT_LEAD_SETTINGS } from '@sdr/schema';
import { openDb } from '../db.ts';
import { EngineFailure } from '../errors.ts';
import { tempDir, testLog } from '../test/harness.ts';
import type { DataApi } from './data-api.ts';
import { Replicator, type Applied } from './replicator.ts';
import { createWorkspaceDataStore } from './store.ts';

const WS = 'ws1';
const FILTER = { kind: 'and' as const, children: [] };

const viewRow = (o: Partial<SavedViewRow> = {}): SavedViewRow => ({
  id: 'v1',
  ownerId: 'u1',
  name: 'View',
  scope: 'shared',
  filter: FILTER,
  columns: [{ field: 'firstName' }],
  sort: [],
  search: '',
  listId: null,
  pinned: false,
  deleted: false,
  updatedAt: 1_000,
  updatedBy: 'u1',
  seq: 1,
  ...o,
});

function setup(api: Partial<DataApi>) {
  const opened = openDb(tempDir());
  const store = createWorkspaceDataStore(opened.sqlite);
  const applied: Applied[] = [];
  const replicator = new Replicator({
    store,
    api: {
      leadSettings: async () => ({ settings: DEFAULT_LEAD_SETTINGS, updatedAt: null }),
      rows: async () => ({ items: [], nextAfter: 0, done: true }),
      ...api,
    } as DataApi,
    authed: (fn) => fn('token'),
    log: testLog,
    onApplied: (_ws, a) => applied.push(a),
    onLeadSettings: () => undefined,
    onError: () => undefined,
  });
  replicator.follow(WS);
  return { store, replicator, applied, close: opened.close };
}

const page = (items: ReplicationItem[]) => ({
  items,
  nextAfter: items.at(-1)?.seq ?? 0,
  done: true,
});

describe('replicator rules', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((c) => c()));

  it('pull: a page never overwrites a newer unsent local edit or an applied newer change; row: null deletes', async () => {
    let pages: ReturnType<typeof page>[] = [];
    let whileFetching: (() => void) | null = null;
    const { store, replicator, close } = setup({
      rows: async () => {
        // A local edit lands while the page is on its way (the real race).
        whileFetching?.();
        whileFetching = null;
        return pages.shift() ?? page([]);
      },
      putView: async (_t, id, body) => viewRow({ id, ...body, seq: 30 }),
    });
    closers.push(close);
    store.putView(WS, viewRow({ id: 'b', name: 'applied seq 9', seq: 9 }));
    store.putView(WS, viewRow({ id: 'c', name: 'to hide', seq: 2 }));
    whileFetching = () => {
      store.putView(WS, viewRow({ id: 'a', name: 'local newer', updatedAt: 5_000, seq: 0 }));
      store.mark(WS, 'view', 'a', 5_000);
    };
    pages = [
      page([
        {
          entity: 'view',
          seq: 10,
          id: 'a',
          row: viewRow({ id: 'a', name: 'server older', updatedAt: 4_000, seq: 10 }),
        },
        { entity: 'view', seq: 11, id: 'b', row: viewRow({ id: 'b', name: 'stale page', seq: 8 }) },
        { entity: 'view', seq: 12, id: 'c', row: null },
        { entity: 'view', seq: 13, id: 'd', row: viewRow({ id: 'd', name: 'new', seq: 13 }) },
      ]),
    ];
    await replicator.syncNow();
    expect(store.view(WS, 'a')).toMatchObject({ name: 'local newer', seq: 0 });
    expect(store.isDirty('view', 'a')).toBe(true);
    expect(store.view(WS, 'b')?.name).toBe('applied seq 9');
    expect(store.view(WS, 'c')).toBeNull();
    expect(store.view(WS, 'd')?.name).toBe('new');
    expect(store.cursor(WS)).toBe(13);

    // Next pass: the edit is pushed (answer stored); then a newer server row replaces it, even
    // over another local edit made meanwhile with an older clock.
    whileFetching = () => {
      store.putView(WS, viewRow({ id: 'a', name: 'local again', updatedAt: 5_500, seq: 30 }));
      store.mark(WS, 'view', 'a', 5_500);
    };
    pages = [
      page([
        {
          entity: 'view',
          seq: 40,
          id: 'a',
          row: viewRow({ id: 'a', name: 'server newer', updatedAt: 6_000, seq: 40 }),
        },
      ]),
    ];
    await replicator.syncNow();
    expect(store.view(WS, 'a')).toMatchObject({ name: 'server newer', seq: 40 });
    expect(store.isDirty('view', 'a')).toBe(false);
    expect(store.cursor(WS)).toBe(40);
  });

  it('push: the answer replaces the row unless it was edited meanwhile; a refused write takes the server copy', async () => {
    let edit: (() => void) | null = null;
    const sent: string[] = [];
    const { store, replicator, close } = setup({
      putView: async (_t, id, body) => {
        sent.push(`${id}:${body.name}`);
        edit?.();
        edit = null;
        if (id === 'refused') throw new EngineFailure('forbidden', 'no');
        return viewRow({ id, name: body.name, updatedAt: body.updatedAt, seq: 50 });
      },
      getView: async (_t, id) => viewRow({ id, name: 'server copy', seq: 7 }),
    });
    closers.push(close);
    store.putView(WS, viewRow({ id: 'x', name: 'first', updatedAt: 2_000, seq: 0 }));
    store.mark(WS, 'view', 'x', 2_000);
    // Edited again while the first version is in flight.
    edit = () => {
      store.putView(WS, viewRow({ id: 'x', name: 'second', updatedAt: 3_000, seq: 0 }));
      store.mark(WS, 'view', 'x', 3_000);
    };
    await replicator.syncNow();
    expect(sent).toEqual(['x:first']);
    expect(store.view(WS, 'x')).toMatchObject({ name: 'second', seq: 0 });
    expect(store.isDirty('view', 'x')).toBe(true);
    await replicator.syncNow();
    expect(sent).toEqual(['x:first', 'x:second']);
    expect(store.view(WS, 'x')).toMatchObject({ name: 'second', seq: 50 });
    expect(store.isDirty('view', 'x')).toBe(false);

    store.putView(WS, viewRow({ id: 'refused', name: 'mine', updatedAt: 9_000, seq: 0 }));
    store.mark(WS, 'view', 'refused', 9_000);
    await replicator.syncNow();
    expect(store.view(WS, 'refused')).toMatchObject({ name: 'server copy', seq: 7 });
    expect(store.isDirty('view', 'refused')).toBe(false);
  });
});

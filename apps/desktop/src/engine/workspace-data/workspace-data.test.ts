/**
 * Views, lists, tasks and lead settings in the engine against the REAL sync server (in-process,
 * PGlite, loopback): offline writes replicate on reconnect to another member's engine, concurrent
 * edits resolve last-writer-wins on both replicas, big list batches, refused writes are reverted,
 * lead settings, and task reminders that fire once across restarts. Engines are cut off the
 * network with a TCP proxy in front of the one server.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEAD_SETTINGS, type LeadSettings, type RoleName } from '@sdr/schema';
import type {
  AuthState,
  LeadListDto,
  SavedViewDto,
  SyncStatus,
  TaskDto,
} from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { newAccount, openEngine, recordEvents, startTestServer, tempDir } from '../test/harness.ts';
import { invitationToken, restClient, type TestServer } from '../sync/test/sync-harness.ts';
import { startTcpProxy, type TcpProxy } from '../sync/test/tcp-proxy.ts';
import { waitFor } from '../sync/test/wait.ts';

const FILTER = {
  kind: 'and',
  children: [{ kind: 'condition', field: 'status', op: 'is', value: 'new' }],
};
const view = (o: Record<string, unknown> = {}) => ({
  name: 'Hot leads',
  scope: 'shared',
  filter: FILTER,
  columns: [{ field: 'firstName' }, { field: 'company', width: 200 }],
  sort: [{ field: 'updatedAt', dir: 'desc' }],
  pinned: false,
  ...o,
});

const SHORT = { pushDelayMs: 20, pullIntervalMs: 150 };

/** An engine with its own connection pool and short replication timings. */
function open(
  serverUrl: string,
  dataDir = tempDir(),
  notify?: (title: string, body: string) => void,
  timing: { pushDelayMs: number; pullIntervalMs: number } = SHORT,
): Promise<Engine> {
  const dispatcher = new Agent();
  return openEngine({
    dataDir,
    serverUrl,
    fetch: ((url: string, init?: RequestInit) =>
      undiciFetch(url, { ...(init as object), dispatcher })) as unknown as typeof fetch,
    sync: { backoff: { baseMs: 40, capMs: 300 }, gapFillDelayMs: 50 },
    workspaceData: timing,
    ...(notify ? { notify } : {}),
  });
}

async function call<T>(engine: Engine, channel: string, input: unknown = {}): Promise<T> {
  const r = await engine.dispatch(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

async function failure(engine: Engine, channel: string, input: unknown) {
  const r = await engine.dispatch(channel, input);
  if (r.ok) throw new Error(`${channel} succeeded`);
  return r.error;
}

const connection = async (engine: Engine) =>
  (await call<SyncStatus>(engine, 'sync:status')).connection;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the engine whose events these are announced exactly these lead settings. */
const settingsReached = (
  events: ReturnType<typeof recordEvents>,
  settings: LeadSettings,
  timeoutMs?: number,
) =>
  waitFor(
    () =>
      events.find(
        (e) =>
          e.event === 'leadSettings:changed' &&
          JSON.stringify(e.payload) === JSON.stringify(settings),
      ),
    { what: 'leadSettings:changed on B', ...(timeoutMs ? { timeoutMs } : {}) },
  );

describe('workspace data in the engine against the real server', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  const proxies: TcpProxy[] = [];
  const track = (e: Engine) => (engines.push(e), e);

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const e of engines) e.close();
    for (const p of proxies) await p.close();
    await server.close();
  });

  async function proxied() {
    const proxy = await startTcpProxy(server.url);
    proxies.push(proxy);
    return proxy;
  }

  async function signUp(engine: Engine, label: string) {
    const account = newAccount(label);
    const state = await call<AuthState>(engine, 'auth:signup', account);
    if (state.status !== 'signed-in') throw new Error('sign-up failed');
    return { me: state.me, ...account };
  }

  /** Invites a member into the admin's workspace and signs them in on a new engine. */
  async function member(
    admin: Engine,
    role: RoleName,
    label: string,
    url = server.url,
    dir = tempDir(),
    timing = SHORT,
  ) {
    const account = newAccount(label);
    await call(admin, 'members:invite', { email: account.email, role });
    const token = await invitationToken(server.env.dataDir, account.email);
    const res = await fetch(`${server.url}/api/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: account.password, name: account.name }),
    });
    if (res.status !== 200) throw new Error(`accept: ${res.status}`);
    const engine = track(await open(url, dir, undefined, timing));
    const state = await call<AuthState>(engine, 'auth:login', {
      email: account.email,
      password: account.password,
    });
    if (state.status !== 'signed-in') throw new Error('login failed');
    return { engine, me: state.me, ...account };
  }

  const online = (engine: Engine) =>
    waitFor(async () => (await connection(engine)) === 'online', { what: 'online' });
  const offline = (engine: Engine) =>
    waitFor(async () => (await connection(engine)) !== 'online', { what: 'offline' });
  const viewNames = async (engine: Engine) =>
    (await call<SavedViewDto[]>(engine, 'views:list')).map((v) => v.name);

  it('a view made offline reaches another member’s engine after reconnect; personal views stay private', async () => {
    const proxy = await proxied();
    const dir = tempDir();
    let a = track(await open(proxy.url, dir));
    const admin = await signUp(a, 'views-admin');
    const b = await member(a, 'sdr', 'views-sdr');
    await online(a);
    await online(b.engine);

    proxy.cut();
    await offline(a);
    const events = recordEvents(a);
    // A view keeps a search and a list scope with its filter, columns and sort.
    const shared = await call<SavedViewDto>(
      a,
      'views:save',
      view({ name: 'Team view', search: 'pricing call', listId: 'list-q4' }),
    );
    await call<SavedViewDto>(
      a,
      'views:save',
      view({ name: 'Only mine', scope: 'personal', pinned: true }),
    );
    expect(shared).toMatchObject({
      ownerId: admin.me.user.id,
      scope: 'shared',
      search: 'pricing call',
      listId: 'list-q4',
    });
    // Visible at once, offline, pinned first.
    expect(await viewNames(a)).toEqual(['Only mine', 'Team view']);
    await waitFor(() => events.some((e) => e.event === 'views:changed'), { what: 'views:changed' });

    // Still there after a restart while offline; sent once the network is back.
    a.close();
    a = track(await open(proxy.url, dir));
    expect(await viewNames(a)).toEqual(['Only mine', 'Team view']);
    const bEvents = recordEvents(b.engine);
    proxy.heal();
    await waitFor(async () => (await viewNames(b.engine)).includes('Team view'), {
      what: 'the shared view reaches B',
    });
    expect(await viewNames(b.engine)).toEqual(['Team view']);
    await waitFor(() => bEvents.some((e) => e.event === 'views:changed'), {
      what: 'views:changed on B',
    });
    const fromB = (await call<SavedViewDto[]>(b.engine, 'views:list'))[0];
    expect(fromB).toEqual(shared); // search and list included, through the server

    // The server has both, and shows the personal one to its owner only.
    const restA = await restClient(server.url, admin.email, admin.password);
    const restB = await restClient(server.url, b.email, b.password);
    const onServer = await restA<{ items: { name: string; seq: number }[] }>(
      'GET',
      '/api/v1/views',
    );
    expect(onServer.body.items.map((v) => v.name)).toEqual(['Only mine', 'Team view']);
    expect(onServer.body.items.every((v) => v.seq > 0)).toBe(true);
    const forB = await restB<{ items: { name: string }[] }>('GET', '/api/v1/views');
    expect(forB.body.items.map((v) => v.name)).toEqual(['Team view']);

    // An SDR cannot change the admin's shared view, even offline; deleting replicates.
    const refused = await failure(b.engine, 'views:save', view({ id: shared.id, name: 'Mine' }));
    expect(refused.code).toBe('forbidden');
    await call(a, 'views:delete', { id: shared.id });
    await waitFor(async () => (await viewNames(b.engine)).length === 0, {
      what: 'delete reaches B',
    });
  });

  it('concurrent offline edits of one view: the later edit wins on both engines and the server', async () => {
    const proxyA = await proxied();
    const proxyB = await proxied();
    const a = track(await open(proxyA.url));
    const admin = await signUp(a, 'lww-admin');
    const b = await member(a, 'manager', 'lww-manager', proxyB.url);
    await online(a);
    await online(b.engine);
    const v = await call<SavedViewDto>(a, 'views:save', view({ name: 'Original' }));
    await waitFor(async () => (await viewNames(b.engine)).includes('Original'), {
      what: 'B has it',
    });

    proxyA.cut();
    proxyB.cut();
    await offline(a);
    await offline(b.engine);
    await call(a, 'views:save', view({ id: v.id, name: 'From A', pinned: true }));
    await sleep(5);
    await call(b.engine, 'views:save', view({ id: v.id, name: 'From B' }));
    // B comes back first: the server has B's edit when A sends its older one.
    proxyB.heal();
    const rest = await restClient(server.url, admin.email, admin.password);
    await waitFor(
      async () =>
        (await rest<{ name: string }>('GET', `/api/v1/views/${v.id}`)).body.name === 'From B',
      { what: 'B’s edit on the server' },
    );
    proxyA.heal();
    for (const engine of [a, b.engine]) {
      await waitFor(async () => (await viewNames(engine)).join() === 'From B', {
        what: 'both engines converge on the later edit',
      });
    }
    const final = await rest<{ name: string; pinned: boolean; updatedBy: string }>(
      'GET',
      `/api/v1/views/${v.id}`,
    );
    expect(final.body).toMatchObject({ name: 'From B', pinned: false, updatedBy: b.me.user.id });
  });

  it('lists: static members in big batches, dynamic lists, and role checks', async () => {
    const a = track(await open(server.url));
    const admin = await signUp(a, 'lists-admin');
    const bDir = tempDir();
    const b = await member(a, 'sdr', 'lists-sdr', server.url, bDir);
    await online(a);
    const list = await call<LeadListDto>(a, 'lists:save', { name: 'Call today', kind: 'static' });
    const dynamic = await call<LeadListDto>(a, 'lists:save', {
      name: 'All new',
      kind: 'dynamic',
      filter: FILTER,
    });
    const leads = Array.from({ length: 10_050 }, (_, i) => `lead-${String(i).padStart(5, '0')}`);
    expect(await call(a, 'lists:addLeads', { listId: list.id, leadIds: leads })).toEqual({
      added: 10_050,
    });
    expect(
      await call(a, 'lists:addLeads', { listId: list.id, leadIds: ['lead-00000', 'extra'] }),
    ).toEqual({ added: 1 });
    expect(
      await call(a, 'lists:removeLeads', { listId: list.id, leadIds: ['lead-00001', 'nope'] }),
    ).toEqual({ removed: 1 });
    const bad = await failure(a, 'lists:addLeads', { listId: dynamic.id, leadIds: ['x'] });
    expect(bad.code).toBe('conflict');
    const flip = await failure(a, 'lists:save', {
      id: list.id,
      name: 'x',
      kind: 'dynamic',
      filter: FILTER,
    });
    expect(flip.code).toBe('invalid_input');

    const rest = await restClient(server.url, admin.email, admin.password);
    const members = async () => {
      const ids: string[] = [];
      let after: string | null = null;
      do {
        const page: { body: { items: { leadId: string }[]; nextAfter: string | null } } =
          await rest(
            'GET',
            `/api/v1/lists/${list.id}/members?limit=5000${after ? `&after=${after}` : ''}`,
          );
        ids.push(...page.body.items.map((m) => m.leadId));
        after = page.body.nextAfter;
      } while (after);
      return ids;
    };
    await waitFor(async () => (await members()).length === 10_050, {
      what: 'every member on the server',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const onServer = await members();
    expect(onServer).toContain('extra');
    expect(onServer).not.toContain('lead-00001');

    await waitFor(async () => (await call<LeadListDto[]>(b.engine, 'lists:list')).length === 2, {
      what: 'lists reach B',
    });
    expect((await call<LeadListDto[]>(b.engine, 'lists:list')).map((l) => l.name)).toEqual([
      'All new',
      'Call today',
    ]);
    const rename = await failure(b.engine, 'lists:save', {
      id: list.id,
      name: 'Mine',
      kind: 'static',
    });
    expect(rename.code).toBe('forbidden');
    // Any member changes a static list's members (once B has pulled them, it counts the removal).
    const bDb = new Database(path.join(bDir, 'engine.sqlite'), { readonly: true });
    await waitFor(
      () =>
        bDb
          .prepare(`SELECT count(*) FROM lead_list_member WHERE list_id = ? AND deleted = 0`)
          .pluck()
          .get(list.id) === 10_050,
      { what: 'B pulled the members', timeoutMs: 30_000, intervalMs: 100 },
    );
    bDb.close();
    expect(
      await call(b.engine, 'lists:removeLeads', { listId: list.id, leadIds: ['extra'] }),
    ).toEqual({
      removed: 1,
    });
    await waitFor(async () => !(await members()).includes('extra'), { what: 'B’s removal' });
  });

  it('a task write the server refuses is replaced by the server’s copy (here: removed)', async () => {
    const a = track(await open(server.url));
    const admin = await signUp(a, 'tasks-admin');
    const b = await member(a, 'sdr', 'tasks-sdr');
    const rest = await restClient(server.url, admin.email, admin.password);
    expect(
      (await rest('PUT', '/api/v1/workspace/settings', { leadVisibility: 'own' })).status,
    ).toBe(200);
    await online(b.engine);
    const events = recordEvents(b.engine);
    const mine = await call<TaskDto>(b.engine, 'tasks:save', {
      leadId: 'L1',
      title: 'My follow-up',
      dueAt: null,
      assigneeId: b.me.user.id,
    });
    // The engine does not know the workspace's lead visibility; the server refuses this one.
    const theirs = await call<TaskDto>(b.engine, 'tasks:save', {
      leadId: 'L1',
      title: 'For the admin',
      dueAt: null,
      assigneeId: admin.me.user.id,
    });
    expect((await call<TaskDto[]>(b.engine, 'tasks:list', { leadId: 'L1' })).length).toBe(2);
    await waitFor(
      async () =>
        (await call<TaskDto[]>(b.engine, 'tasks:list', { leadId: 'L1' }))
          .map((t) => t.id)
          .join() === mine.id,
      { what: 'the refused task is gone' },
    );
    expect(
      events.some(
        (e) =>
          e.event === 'tasks:changed' &&
          (e.payload as { leadIds: string[] }).leadIds?.includes('L1'),
      ),
    ).toBe(true);
    expect((await rest('GET', `/api/v1/tasks/${theirs.id}`)).status).toBe(404);
    await waitFor(
      async () => (await call<TaskDto[]>(a, 'tasks:list', {})).some((t) => t.id === mine.id),
      {
        what: 'B’s own task reaches the admin',
      },
    );
  });

  it('a visibility policy or role change adds and removes the tasks an SDR’s engine holds', async () => {
    const a = track(await open(server.url));
    const admin = await signUp(a, 'vis-admin');
    const b = await member(a, 'sdr', 'vis-sdr');
    const rest = await restClient(server.url, admin.email, admin.password);
    const save = (title: string, assigneeId: string | null) =>
      call<TaskDto>(a, 'tasks:save', { leadId: 'L5', title, dueAt: null, assigneeId });
    const theirs = await save('The admin’s', admin.me.user.id);
    const mine = await save('The SDR’s', b.me.user.id);
    const unassigned = await save('Nobody’s', null);
    await online(b.engine);
    const holds = (ids: string[]) =>
      waitFor(
        async () =>
          (await call<TaskDto[]>(b.engine, 'tasks:list', { leadId: 'L5' }))
            .map((t) => t.id)
            .sort()
            .join() === [...ids].sort().join(),
        { what: `B holds ${ids.length} tasks`, timeoutMs: 15_000 },
      );
    const all = [theirs.id, mine.id, unassigned.id];
    await holds(all);
    const setPolicy = async (leadVisibility: string) =>
      expect((await rest('PUT', '/api/v1/workspace/settings', { leadVisibility })).status).toBe(
        200,
      );
    const setRole = async (role: RoleName) =>
      expect((await rest('PATCH', `/api/v1/members/${b.me.user.id}`, { role })).status).toBe(200);
    await setPolicy('own');
    await holds([mine.id, unassigned.id]);
    await setRole('manager');
    await holds(all);
    await setRole('sdr');
    await holds([mine.id, unassigned.id]);
    await setPolicy('all');
    await holds(all);
  });

  it('another member’s task, view and lead settings arrive at once, not at the next poll', async () => {
    // Polls every 10 minutes: only the server's push (a `workspaceData` fact) can bring them.
    const slow = { pushDelayMs: 20, pullIntervalMs: 600_000 };
    const a = track(await open(server.url, tempDir(), undefined, slow));
    await signUp(a, 'push-admin');
    const b = await member(a, 'sdr', 'push-sdr', server.url, tempDir(), slow);
    await online(a);
    await online(b.engine);
    const events = recordEvents(b.engine);
    const t0 = Date.now();
    const task = await call<TaskDto>(a, 'tasks:save', {
      leadId: 'L7',
      title: 'Call back',
      dueAt: null,
      assigneeId: b.me.user.id,
    });
    await waitFor(
      async () =>
        (await call<TaskDto[]>(b.engine, 'tasks:list', { leadId: 'L7' })).some(
          (t) => t.id === task.id,
        ),
      { what: 'the task on B', timeoutMs: 10_000 },
    );
    await call(a, 'views:save', view({ name: 'Pushed view' }));
    await waitFor(async () => (await viewNames(b.engine)).includes('Pushed view'), {
      what: 'the view on B',
      timeoutMs: 10_000,
    });
    const next: LeadSettings = {
      ...DEFAULT_LEAD_SETTINGS,
      customFields: [{ key: 'tier', label: 'Tier', type: 'number' }],
    };
    await call(a, 'leadSettings:save', next);
    await settingsReached(events, next, 10_000);
    // Far sooner than any poll.
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('lead settings: defaults offline, saved by managers and admins online, replicated to members', async () => {
    const proxy = await proxied();
    const a = track(await open(proxy.url));
    await signUp(a, 'settings-admin');
    const b = await member(a, 'sdr', 'settings-sdr');
    expect(await call(b.engine, 'leadSettings:get')).toEqual(DEFAULT_LEAD_SETTINGS);
    const next: LeadSettings = {
      ...DEFAULT_LEAD_SETTINGS,
      pipeline: {
        stages: [
          { key: 'new', label: 'New', kind: 'open', reasons: [] },
          { key: 'won', label: 'Won', kind: 'won', reasons: [] },
        ],
      },
      customFields: [{ key: 'plan', label: 'Plan', type: 'select', options: ['Free', 'Pro'] }],
    };
    expect((await failure(b.engine, 'leadSettings:save', next)).code).toBe('forbidden');
    await online(b.engine);
    const events = recordEvents(b.engine);
    expect(await call(a, 'leadSettings:save', next)).toEqual(next);
    expect(await call(a, 'leadSettings:get')).toEqual(next);
    await settingsReached(events, next);
    expect(await call(b.engine, 'leadSettings:get')).toEqual(next);

    proxy.cut();
    await offline(a);
    expect((await failure(a, 'leadSettings:save', DEFAULT_LEAD_SETTINGS)).code).toBe(
      'server_unreachable',
    );
    expect(await call(a, 'leadSettings:get')).toEqual(next);
  });

  it('a task reminder fires once, survives a restart, and fires again when moved later', async () => {
    const dir = tempDir();
    const notes: string[] = [];
    const notify = (title: string, body: string) => notes.push(`${title}: ${body}`);
    let a = track(await open(server.url, dir, notify));
    const admin = await signUp(a, 'remind');
    let events = recordEvents(a);
    const due = (list: typeof events, id: string) =>
      list.filter((e) => e.event === 'tasks:due' && (e.payload as TaskDto).id === id);
    const save = (input: Record<string, unknown>) =>
      call<TaskDto>(a, 'tasks:save', { leadId: 'L9', dueAt: null, ...input });

    const soon = await save({
      title: 'Call Ada',
      dueAt: Date.now() + 300,
      assigneeId: admin.me.user.id,
    });
    const unassigned = await save({ title: 'Mine by default', dueAt: Date.now() + 300 });
    const doneTask = await save({ title: 'Already done', dueAt: Date.now() + 100, done: true });
    await save({ title: 'No reminder' });
    await waitFor(
      () => due(events, soon.id).length === 1 && due(events, unassigned.id).length === 1,
      {
        what: 'two reminders',
      },
    );
    expect(due(events, soon.id)[0]?.payload).toMatchObject({ title: 'Call Ada', done: false });
    await sleep(400);
    expect(events.filter((e) => e.event === 'tasks:due')).toHaveLength(2);
    expect(due(events, doneTask.id)).toHaveLength(0);
    expect(notes.sort()).toEqual(['Task due: Call Ada', 'Task due: Mine by default']);

    // Due while the engine is closed: fires at the next start, and the fired ones do not again.
    const whileClosed = await save({ title: 'While closed', dueAt: Date.now() + 200 });
    a.close();
    await sleep(400);
    a = track(await open(server.url, dir, notify));
    events = recordEvents(a);
    await waitFor(() => due(events, whileClosed.id).length === 1, { what: 'missed reminder' });
    await sleep(300);
    expect(events.filter((e) => e.event === 'tasks:due')).toHaveLength(1);

    // Moved to a later time: fires again, once.
    await save({
      id: soon.id,
      title: 'Call Ada again',
      dueAt: Date.now() + 250,
      assigneeId: admin.me.user.id,
    });
    await waitFor(() => due(events, soon.id).length === 1, { what: 'rescheduled reminder' });
    await sleep(300);
    expect(due(events, soon.id)).toHaveLength(1);
    expect(events.filter((e) => e.event === 'tasks:due')).toHaveLength(2);
  });
});

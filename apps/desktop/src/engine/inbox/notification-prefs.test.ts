/**
 * Notification preferences follow the user across devices, against the REAL sync server
 * (in-process on PGlite): two engines signed in as the same user, each behind a TCP proxy to cut
 * it off. A change on one (online, or offline through the command outbox) reaches the server and
 * shows on the other live (pushed on its sync socket as a `notificationPrefs` fact), when it reads
 * them, and when it comes back online (fetch on connect, with a `notifications:prefsChanged`
 * event); a copy from the server never replaces a change still waiting to be sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationPrefs } from '@sdr/schema';
import type { AuthState } from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { recordEvents, startTestServer, tempDir } from '../test/harness.ts';
import {
  call,
  openSyncEngine,
  restClient,
  signUp,
  syncStatus,
  waitOnline,
  type TestServer,
} from '../sync/test/sync-harness.ts';
import { startTcpProxy, type TcpProxy } from '../sync/test/tcp-proxy.ts';
import { waitFor } from '../sync/test/wait.ts';

async function waitOffline(engine: Engine) {
  await waitFor(async () => (await syncStatus(engine)).connection !== 'online', {
    what: 'engine offline',
  });
}

const prefsOf = (engine: Engine) => call<NotificationPrefs>(engine, 'notifications:getPrefs');

describe('notification preferences across two engines of one user (real server)', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  }, 90_000);
  afterAll(async () => {
    for (const engine of engines) engine.close();
    for (const p of proxies) await p.close();
    await server?.close();
  });

  async function device() {
    const proxy = await startTcpProxy(server.url);
    proxies.push(proxy);
    const engine = await openSyncEngine(proxy.url, tempDir());
    engines.push(engine);
    return { proxy, engine };
  }

  it('a change on one device appears on the other; offline changes are queued and sent', async () => {
    const a = await device();
    const b = await device();
    const user = await signUp(a.engine, 'prefs');
    const state = await call<AuthState>(b.engine, 'auth:login', {
      email: user.email,
      password: user.password,
    });
    expect(state.status).toBe('signed-in');
    await waitOnline(a.engine);
    await waitOnline(b.engine);
    const rest = await restClient(server.url, user.email, user.password);
    const onServer = async () =>
      (await rest<{ prefs: NotificationPrefs }>('GET', '/api/v1/me/notification-preferences')).body
        .prefs;

    // Online on A: stored on the server, read by B.
    const defaults = await prefsOf(a.engine);
    expect(defaults.categories.reply.sound).toBe(true);
    const quiet: NotificationPrefs = {
      ...defaults,
      categories: { ...defaults.categories, reply: { inApp: true, os: true, sound: false } },
      quietHours: { start: '21:00', end: '07:30', timeZone: 'Europe/Paris' },
    };
    expect(await call(a.engine, 'notifications:setPrefs', quiet)).toEqual(quiet);
    await waitFor(async () => (await onServer()).quietHours?.start === '21:00', {
      what: 'the preferences on the server',
    });
    expect(
      await waitFor(
        async () => {
          const p = await prefsOf(b.engine);
          return p.quietHours?.start === '21:00' ? p : null;
        },
        { what: 'the change on device B', timeoutMs: 15_000 },
      ),
    ).toEqual(quiet);

    // Offline on A: applied there at once, kept in the outbox; the server and B do not have it.
    a.proxy.cut();
    await waitOffline(a.engine);
    const dnd: NotificationPrefs = { ...quiet, doNotDisturbUntil: Date.now() + 3_600_000 };
    await call(a.engine, 'notifications:setPrefs', dnd);
    expect(await prefsOf(a.engine)).toEqual(dnd);
    expect((await onServer()).doNotDisturbUntil).toBeNull();

    // B is offline too when A comes back: B learns of it when it reconnects, without asking.
    b.proxy.cut();
    await waitOffline(b.engine);
    const bEvents = recordEvents(b.engine);
    a.proxy.heal();
    await waitOnline(a.engine);
    await waitFor(async () => (await onServer()).doNotDisturbUntil === dnd.doNotDisturbUntil, {
      what: 'the queued change on the server',
    });
    // A keeps its own value (the server's answer is the same).
    expect(await prefsOf(a.engine)).toEqual(dnd);
    b.proxy.heal();
    const changed = await waitFor(
      () =>
        bEvents.find((e) => e.event === 'notifications:prefsChanged')?.payload as
          NotificationPrefs | undefined,
      { what: 'notifications:prefsChanged on device B', timeoutMs: 15_000 },
    );
    expect(changed).toEqual(dnd);
    expect(await prefsOf(b.engine)).toEqual(dnd);
  }, 120_000);

  it('a change on one online device reaches the other live, without it reading', async () => {
    const a = await device();
    const b = await device();
    const user = await signUp(a.engine, 'prefs-live');
    await call<AuthState>(b.engine, 'auth:login', { email: user.email, password: user.password });
    await waitOnline(a.engine);
    await waitOnline(b.engine);
    const base = await prefsOf(a.engine);
    // B's reads (on connect, and this one) are over before A saves: a read cannot bring it.
    await prefsOf(b.engine);
    await new Promise((r) => setTimeout(r, 500));
    const bEvents = recordEvents(b.engine);
    const muted: NotificationPrefs = {
      ...base,
      categories: { ...base.categories, mention: { inApp: true, os: false, sound: false } },
      doNotDisturbUntil: Date.now() + 7_200_000,
    };
    await call(a.engine, 'notifications:setPrefs', muted);
    // B does not ask (its periodic read is minutes away): the server pushes it on B's socket.
    const changed = await waitFor(
      () =>
        bEvents.find((e) => e.event === 'notifications:prefsChanged')?.payload as
          | NotificationPrefs
          | undefined,
      { what: 'notifications:prefsChanged pushed to device B', timeoutMs: 15_000 },
    );
    expect(changed).toEqual(muted);
    // A's own echo changes nothing there (the same value).
    expect(await prefsOf(a.engine)).toEqual(muted);
  }, 120_000);

  it('a change waiting in the outbox is not replaced by an older server copy', async () => {
    const a = await device();
    const user = await signUp(a.engine, 'prefs-wait');
    await waitOnline(a.engine);
    const rest = await restClient(server.url, user.email, user.password);
    const base = await prefsOf(a.engine);
    a.proxy.cut();
    await waitOffline(a.engine);
    const mine: NotificationPrefs = {
      ...base,
      categories: { ...base.categories, task: { inApp: false, os: false, sound: false } },
    };
    await call(a.engine, 'notifications:setPrefs', mine);
    // Meanwhile another device saved something else.
    const theirs = { ...base, quietHours: { start: '12:00', end: '13:00', timeZone: 'UTC' } };
    expect((await rest('PUT', '/api/v1/me/notification-preferences', theirs)).status).toBe(200);
    a.proxy.heal();
    await waitOnline(a.engine);
    // Mine is sent after the reconnect's read, so it is what holds everywhere (last write wins).
    await waitFor(
      async () =>
        (await rest<{ prefs: NotificationPrefs }>('GET', '/api/v1/me/notification-preferences'))
          .body.prefs.categories.task.inApp === false,
      { what: 'my change on the server' },
    );
    expect(await prefsOf(a.engine)).toEqual(mine);
  }, 120_000);
});

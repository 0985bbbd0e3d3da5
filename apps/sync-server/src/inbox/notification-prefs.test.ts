/**
 * Per-user notification preferences over real HTTP (`/api/v1/me/notification-preferences`) and the
 * inbox settings saved as an outbox command (`PUT /api/v1/inbox/settings?commandId=`): defaults
 * before any save, replaced whole, private to the user, issues by path, a resend with the same
 * commandId changing nothing, 401 without a token, OpenAPI entries; a change pushed live to the
 * user's open sync sockets on every instance as a `notificationPrefs` fact.
 */
import { describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../test/harness.ts';
import type { Frame, FrameOf } from '@sdr/schema/sync';
import { SyncTestClient } from '../sync/test/sync-client.ts';
import { useSyncSuite, type SyncTestServer } from '../sync/test/sync-harness.ts';
import { team } from './test/inbox-kit.ts';

const PATH = '/api/v1/me/notification-preferences';

describe.each(testDatabaseKinds())(
  'notification preferences and settings commands (%s)',
  (kind) => {
    const suite = useSyncSuite(kind);

    it('reads the defaults, stores them per user, validates, and is idempotent by commandId', async () => {
      const s = suite.server;
      const t = await team(s);
      const token = t.sdr1.accessToken;

      const first = await s.api.get(PATH, { token });
      expect(first.status).toBe(200);
      expect(first.body.updatedAt).toBeNull();
      expect(first.body.prefs).toMatchObject({
        quietHours: null,
        doNotDisturbUntil: null,
        categories: { reply: { inApp: true, os: true, sound: true } },
      });

      const wanted = {
        categories: { reply: { inApp: true, os: false, sound: false } },
        quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
        doNotDisturbUntil: null,
      };
      const put = await s.api.put(`${PATH}?commandId=cmd-prefs-1`, wanted, { token });
      expect(put.status).toBe(200);
      expect(put.body.prefs.categories.reply).toEqual({ inApp: true, os: false, sound: false });
      // Omitted categories take their defaults.
      expect(put.body.prefs.categories.sla).toMatchObject({ inApp: true });
      expect(put.body.updatedAt).toBeGreaterThan(0);

      // A resend of the same command answers the first answer and changes nothing.
      const again = await s.api.put(
        `${PATH}?commandId=cmd-prefs-1`,
        { ...wanted, quietHours: null },
        { token },
      );
      expect(again.status).toBe(200);
      expect(again.body).toEqual(put.body);
      const read = await s.api.get(PATH, { token });
      expect(read.body.prefs.quietHours).toEqual(wanted.quietHours);

      // Another member's preferences are their own.
      const other = await s.api.get(PATH, { token: t.sdr2.accessToken });
      expect(other.body.updatedAt).toBeNull();
      expect(other.body.prefs.quietHours).toBeNull();

      // Issues name the field; nothing is stored.
      const bad = await s.api.put(
        PATH,
        { quietHours: { start: '25:00', end: '07:00', timeZone: 'Mars/Olympus' } },
        { token },
      );
      expect(bad.status).toBe(400);
      expect((bad.body.error.issues as { path: string }[]).map((i) => i.path)).toEqual(
        expect.arrayContaining(['quietHours.start', 'quietHours.timeZone']),
      );
      expect((await s.api.get(PATH, { token })).body.prefs.quietHours).toEqual(wanted.quietHours);

      // The same command id for another kind of command is a conflict.
      const reused = await s.api.post(
        `/api/v1/notifications/read`,
        { all: true, commandId: 'cmd-prefs-1' },
        { token },
      );
      expect(reused.status).toBe(409);

      expect((await s.api.get(PATH)).status).toBe(401);
      expect((await s.api.put(PATH, wanted)).status).toBe(401);
    });

    it('saves inbox settings once per commandId (a resend after a lost answer changes nothing)', async () => {
      const s = suite.server;
      const t = await team(s);
      const first = await s.api.put(
        '/api/v1/inbox/settings?commandId=cmd-settings-1',
        { sla: { warnBeforeMinutes: 7 } },
        { token: t.manager.accessToken },
      );
      expect(first.status).toBe(200);
      expect(first.body.settings.sla.warnBeforeMinutes).toBe(7);
      // Someone else saves meanwhile; the resend of the first command does not overwrite it.
      const other = await s.api.put(
        '/api/v1/inbox/settings',
        { sla: { warnBeforeMinutes: 9 } },
        { token: t.admin.accessToken },
      );
      expect(other.status).toBe(200);
      const resend = await s.api.put(
        '/api/v1/inbox/settings?commandId=cmd-settings-1',
        { sla: { warnBeforeMinutes: 7 } },
        { token: t.manager.accessToken },
      );
      expect(resend.status).toBe(200);
      expect(resend.body).toEqual(first.body);
      const now = await s.api.get('/api/v1/inbox/settings', { token: t.sdr1.accessToken });
      expect(now.body.settings.sla.warnBeforeMinutes).toBe(9);
      // SDRs are refused whatever the command id.
      const sdr = await s.api.put(
        '/api/v1/inbox/settings?commandId=cmd-settings-2',
        {},
        { token: t.sdr1.accessToken },
      );
      expect(sdr.status).toBe(403);
    });

    it("a change reaches the user's connected sockets live, on every instance; no one else's", async () => {
      const s1 = suite.server;
      const s2 = await suite.start();
      const t = await team(s1);
      const connect = async (s: SyncTestServer, token: string) => {
        const c = await SyncTestClient.connect(s.wsUrl, token);
        await c.hello();
        await c.catchup(0);
        return c;
      };
      const mine = [await connect(s1, t.sdr1.accessToken), await connect(s2, t.sdr1.accessToken)];
      const other = await connect(s2, t.sdr2.accessToken);
      const prefsFact = (f: Frame): f is FrameOf<'change'> =>
        f.type === 'change' && f.change.kind === 'fact' && f.change.entity === 'notificationPrefs';

      const wanted = {
        categories: { mention: { inApp: true, os: false, sound: false } },
        quietHours: null,
        doNotDisturbUntil: 1_900_000_000_000,
      };
      const put = await s1.api.put(`${PATH}?commandId=cmd-live-1`, wanted, {
        token: t.sdr1.accessToken,
      });
      expect(put.status).toBe(200);
      for (const c of mine) {
        const f = await c.waitFor(prefsFact);
        expect(f.change).toMatchObject({
          id: t.sdr1.userId,
          data: { userId: t.sdr1.userId, prefs: put.body.prefs, updatedAt: put.body.updatedAt },
        });
      }
      // Another member's socket gets the seq (one cursor for the workspace) but not the data.
      const seen = await other.waitFor(prefsFact);
      expect(seen.change).toMatchObject({ id: t.sdr1.userId, data: null });
      // A resend of the same command stores nothing and pushes nothing.
      const frames = mine[0]!.frames.length;
      expect(
        (await s1.api.put(`${PATH}?commandId=cmd-live-1`, wanted, { token: t.sdr1.accessToken }))
          .status,
      ).toBe(200);
      const probe = await s1.api.put(PATH, {}, { token: t.sdr1.accessToken });
      const next = await mine[0]!.waitFor(prefsFact, { from: frames });
      expect(next.change).toMatchObject({ data: { updatedAt: probe.body.updatedAt } });
      for (const c of [...mine, other]) c.close();
    });

    it('documents the endpoints in the OpenAPI document', async () => {
      const doc = await suite.server.api.get('/openapi.json');
      expect(doc.body.paths[PATH]).toMatchObject({ get: {}, put: {} });
      const put = doc.body.paths['/api/v1/inbox/settings'].put;
      expect((put.parameters as { name: string }[]).map((p) => p.name)).toContain('commandId');
    });
  },
);

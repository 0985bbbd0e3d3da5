/**
 * Leads created in the app (offline-capable) are routed by the workspace's rule when they reach
 * the server: the server assigns the owner and the assignment comes back to every replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadSettings } from '@sdr/schema';
import type { LeadDto } from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { startTestServer, tempDir } from '../test/harness.ts';
import {
  addMember,
  call,
  getLead,
  openSyncEngine,
  restClient,
  signUp,
  waitOnline,
  type TestServer,
} from '../sync/test/sync-harness.ts';
import { waitFor } from '../sync/test/wait.ts';

describe('routing of leads created in the app', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  beforeAll(async () => {
    server = await startTestServer({ dataDir: tempDir('sdr-server-') });
  });
  afterAll(async () => {
    for (const e of engines) e.close();
    await server.close();
  });

  it('assigns new unowned leads round-robin as they sync; an explicit owner is kept', async () => {
    const engine = await openSyncEngine(server.url);
    engines.push(engine);
    const admin = await signUp(engine, 'routing-admin');
    const a = await addMember(server, engine, 'sdr', 'routing-a');
    const b = await addMember(server, engine, 'sdr', 'routing-b');
    engines.push(a.engine, b.engine);
    const rest = await restClient(server.url, admin.email, admin.password);
    const settings = (
      await rest<{ settings: LeadSettings }>('GET', '/api/v1/workspace/lead-settings')
    ).body.settings;
    const saved = await rest('PUT', '/api/v1/workspace/lead-settings', {
      ...settings,
      routing: { kind: 'round-robin', sdrIds: [a.me.user.id, b.me.user.id] },
    });
    expect(saved.status).toBe(200);
    await waitOnline(engine);

    const made: LeadDto[] = [];
    for (let i = 0; i < 4; i++) {
      made.push(await call<LeadDto>(engine, 'leads:create', { fields: { firstName: `Rt${i}` } }));
    }
    const kept = await call<LeadDto>(engine, 'leads:create', {
      fields: { firstName: 'Kept', ownerId: admin.me.user.id },
    });
    await waitFor(
      async () => {
        const owners = await Promise.all(
          made.map(async (l) => (await getLead(engine, l.id))?.ownerId),
        );
        return owners.every((o) => o !== null);
      },
      { what: 'routed owners back on the engine' },
    );
    const owners = await Promise.all(made.map(async (l) => (await getLead(engine, l.id))!.ownerId));
    expect(owners).toEqual([a.me.user.id, b.me.user.id, a.me.user.id, b.me.user.id]);
    expect((await getLead(engine, kept.id))?.ownerId).toBe(admin.me.user.id);
    // The assignee's own engine has it too.
    await waitFor(async () => (await getLead(b.engine, made[1]!.id))?.ownerId === b.me.user.id, {
      what: 'routed lead on the assignee engine',
    });
  });
});

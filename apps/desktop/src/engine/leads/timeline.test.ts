/** A lead's timeline through the engine: from the server online, the last loaded copy offline. */
import { afterAll, describe, expect, it } from 'vitest';
import type { LeadDto, TimelinePage } from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { startTestServer, tempDir } from '../test/harness.ts';
import { call, openSyncEngine, signUp, waitOnline, getLead } from '../sync/test/sync-harness.ts';
import { waitFor } from '../sync/test/wait.ts';

type Timeline = TimelinePage & { offline: boolean; loadedAt: number | null };

describe('leads:timeline', () => {
  const engines: Engine[] = [];
  afterAll(() => {
    for (const e of engines) e.close();
  });

  it('shows who changed what; offline it answers the last loaded page', async () => {
    const server = await startTestServer({ dataDir: tempDir('sdr-server-') });
    const engine = await openSyncEngine(server.url);
    engines.push(engine);
    await signUp(engine, 'timeline');
    await waitOnline(engine);
    const lead = await call<LeadDto>(engine, 'leads:create', { fields: { firstName: 'Tim' } });
    await call(engine, 'leads:update', { id: lead.id, changes: { title: 'CFO' } });
    await waitFor(async () => (await getLead(engine, lead.id))?.pending === false, {
      what: 'edits synced',
    });
    const online = await call<Timeline>(engine, 'leads:timeline', { id: lead.id });
    expect(online.offline).toBe(false);
    expect(online.items.map((i) => i.kind)).toEqual(['changed', 'created']);
    expect(online.items[0]!.changes).toEqual([{ field: 'title', from: '', to: 'CFO' }]);
    expect(online.items[0]!.userName).toMatch(/timeline/i);

    await server.close();
    const offline = await call<Timeline>(engine, 'leads:timeline', { id: lead.id });
    expect(offline).toMatchObject({ offline: true, items: online.items });
    expect(offline.loadedAt).toBeGreaterThan(0);
  });
});

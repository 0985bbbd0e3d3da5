/**
 * Collaborative notes through the real engine and the real sync server: two people type into the
 * same lead's notes at the same time (one of them offline); both edits survive on both replicas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadDto } from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { startTestServer, tempDir } from '../test/harness.ts';
import {
  addMember,
  call,
  getLead,
  openSyncEngine,
  signUp,
  waitOnline,
  type TestServer,
} from '../sync/test/sync-harness.ts';
import { waitFor } from '../sync/test/wait.ts';

type LeadWithNotes = LeadDto & { notes: string };

describe('collaborative notes (leads:editNotes)', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  beforeAll(async () => {
    server = await startTestServer({ dataDir: tempDir('sdr-server-') });
  });
  afterAll(async () => {
    for (const e of engines) e.close();
    await server.close();
  });

  it('merges two people’s concurrent notes edits on both replicas', async () => {
    const a = await openSyncEngine(server.url);
    engines.push(a);
    await signUp(a, 'notes-a');
    const b = await addMember(server, a, 'sdr', 'notes-b');
    engines.push(b.engine);
    await waitOnline(a);
    await waitOnline(b.engine);

    const lead = await call<LeadDto>(a, 'leads:create', { fields: { firstName: 'Notes' } });
    const first = await call<LeadWithNotes>(a, 'leads:editNotes', {
      id: lead.id,
      base: '',
      text: 'Met at the fair.',
    });
    expect(first.notes).toBe('Met at the fair.');
    const seen = async (e: Engine, text: string) =>
      (await call<LeadWithNotes>(e, 'leads:get', { id: lead.id })).notes === text;
    await waitFor(() => seen(b.engine, 'Met at the fair.'), { what: 'notes reach B' });

    // Both start from the same text; A appends, B inserts a name in the middle.
    await Promise.all([
      call(a, 'leads:editNotes', {
        id: lead.id,
        base: 'Met at the fair.',
        text: 'Met at the fair. Wants a demo.',
      }),
      call(b.engine, 'leads:editNotes', {
        id: lead.id,
        base: 'Met at the fair.',
        text: 'Met Ada at the fair.',
      }),
    ]);
    const merged = 'Met Ada at the fair. Wants a demo.';
    for (const e of [a, b.engine]) {
      await waitFor(() => seen(e, merged), { what: 'merged notes on both' });
    }

    // A stale base (B's screen still shows the old text) keeps what A wrote meanwhile.
    const stale = await call<LeadWithNotes>(b.engine, 'leads:editNotes', {
      id: lead.id,
      base: 'Met at the fair.',
      text: 'Met at the fair!',
    });
    expect(stale.notes).toBe('Met Ada at the fair! Wants a demo.');
    await waitFor(() => seen(a, 'Met Ada at the fair! Wants a demo.'), { what: 'stale edit → A' });
    expect((await getLead(a, lead.id))?.pending).toBe(false);
  });

  it('refuses notes over the limit with a clear error and changes nothing', async () => {
    const e = await openSyncEngine(server.url);
    engines.push(e);
    await signUp(e, 'notes-limit');
    const lead = await call<LeadDto>(e, 'leads:create', { fields: { firstName: 'Long' } });
    const r = await e.dispatch('leads:editNotes', {
      id: lead.id,
      base: '',
      text: 'x'.repeat(150_000),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect((await call<LeadWithNotes>(e, 'leads:get', { id: lead.id })).notes).toBe('');
  });
});

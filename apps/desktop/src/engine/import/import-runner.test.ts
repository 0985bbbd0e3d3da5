/**
 * Imports through the real engine (real SQLite, real sync server on loopback): a HubSpot export
 * end to end, dedupe modes, the per-row error report, and an import that survives the engine
 * closing half-way (resumed on the next start: every row once, none lost).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJobDto, ImportPreview, LeadDto, StoredFileDto } from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { openDb } from '../db.ts';
import { startTestServer, tempDir } from '../test/harness.ts';
import {
  call,
  openSyncEngine,
  signUp,
  waitOnline,
  type TestServer,
} from '../sync/test/sync-harness.ts';
import { waitFor } from '../sync/test/wait.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

async function stage(engine: Engine, file: string): Promise<StoredFileDto> {
  return call<StoredFileDto>(engine, 'files:stagePath', { path: file });
}

async function importDone(engine: Engine, jobId: string): Promise<ImportJobDto> {
  let job: ImportJobDto | undefined;
  await waitFor(
    async () => {
      const jobs = await call<ImportJobDto[]>(engine, 'import:jobs', {});
      job = jobs.find((j) => j.id === jobId);
      return job !== undefined && job.state !== 'running';
    },
    { what: 'import finished', timeoutMs: 60_000 },
  );
  return job!;
}

function leadsIn(dataDir: string): { email: string; phone: string; first_name: string }[] {
  const { sqlite, close } = openDb(dataDir);
  try {
    return sqlite.prepare('SELECT email, phone, first_name FROM lead WHERE deleted = 0').all() as {
      email: string;
      phone: string;
      first_name: string;
    }[];
  } finally {
    close();
  }
}

describe('lead import (engine + real server)', () => {
  let server: TestServer;
  const engines: Engine[] = [];
  beforeAll(async () => {
    server = await startTestServer({ dataDir: tempDir('sdr-server-') });
  });
  afterAll(async () => {
    for (const e of engines) e.close();
    await server.close();
  });
  const open = async (dir = tempDir()) => {
    const e = await openSyncEngine(server.url, dir);
    engines.push(e);
    return e;
  };

  it('imports a HubSpot export: suggested mapping, normalised values, problems reported per row', async () => {
    const engine = await open();
    await signUp(engine, 'import-hubspot');
    const file = await stage(engine, path.join(FIXTURES, 'hubspot-contacts.csv'));
    const preview = await call<ImportPreview>(engine, 'import:preview', {
      fileId: file.id,
      defaultCountry: 'US',
    });
    expect(preview.mapping).toMatchObject({
      'First Name': 'firstName',
      Email: 'email',
      'Phone Number': 'phone',
      'Company Name': 'company',
      'Record ID': 'ignore',
    });
    expect(preview.rows.length).toBeGreaterThan(0);

    const events: ImportJobDto[] = [];
    const off = engine.subscribe((event, payload) => {
      if (event === 'import:progress') events.push(payload as ImportJobDto);
    });
    const job = await call<ImportJobDto>(engine, 'import:start', {
      fileId: file.id,
      mapping: preview.mapping,
      options: { dedupe: 'skip', defaultCountry: 'US', tags: ['hubspot-2024'] },
    });
    const done = await importDone(engine, job.id);
    off();
    expect(done.state).toBe('done');
    expect(done.created + done.failed + done.skipped).toBe(done.rowsDone);
    expect(done.created).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ id: job.id, state: 'done' });

    const { items } = await call<{ items: LeadDto[] }>(engine, 'leads:list', { limit: 50 });
    const ada = items.find((l) => l.email === 'ada.lovelace@example.com');
    expect(ada).toMatchObject({
      firstName: 'Ada',
      phone: '+14155550123',
      country: 'US',
      timezone: 'America/Los_Angeles',
      companySize: 51,
      tags: expect.arrayContaining(['hubspot-2024']) as unknown,
    });

    // The same file again with `skip`: every readable row matches a lead by email or phone.
    const again = await call<ImportJobDto>(engine, 'import:start', {
      fileId: file.id,
      mapping: preview.mapping,
      options: { dedupe: 'skip', defaultCountry: 'US' },
    });
    const second = await importDone(engine, again.id);
    expect(second).toMatchObject({ created: 0, skipped: done.created });

    // The problems of the first run, as a downloadable CSV.
    if (done.failed + done.warnings > 0) {
      const report = await call<StoredFileDto>(engine, 'import:errorReport', { jobId: job.id });
      const csv = readFileSync(engine.files.pathOf(report.id), 'utf8').replace(/^\uFEFF/, '');
      const parsed = Papa.parse<string[]>(csv.trim());
      expect(parsed.data[0]).toEqual(['Row', 'Column', 'Value', 'Problem', 'Severity']);
      expect(parsed.data.length - 1).toBeGreaterThanOrEqual(done.failed);
    }
  });

  it('updates existing leads in `update` mode and creates duplicates only in `create` mode', async () => {
    const dataDir = tempDir();
    const engine = await open(dataDir);
    await signUp(engine, 'import-modes');
    await waitOnline(engine);
    await call(engine, 'leads:create', {
      fields: { firstName: 'Old', email: 'dup@example.com', tags: ['keep'] },
    });
    const dir = tempDir('sdr-csv-');
    const csv = path.join(dir, 'modes.csv');
    writeFileSync(csv, 'Email,First Name,Title,Tags\ndup@example.com,New,CTO,fresh\n');
    const file = await stage(engine, csv);
    const mapping = { Email: 'email', 'First Name': 'firstName', Title: 'title', Tags: 'tags' };
    const upd = await importDone(
      engine,
      (
        await call<ImportJobDto>(engine, 'import:start', {
          fileId: file.id,
          mapping,
          options: { dedupe: 'update' },
        })
      ).id,
    );
    expect(upd).toMatchObject({ updated: 1, created: 0 });
    const { items } = await call<{ items: LeadDto[] }>(engine, 'leads:list', {});
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ firstName: 'New', title: 'CTO' });
    expect(items[0]!.tags.sort()).toEqual(['fresh', 'keep']);

    // Without the dedupe lookups' indexes (catch-up mode drops them while a big catch-up is
    // stored; here another connection does), the lookups still find the lead.
    const other = openDb(dataDir);
    other.sqlite.exec('DROP INDEX lead_ws_email_ix; DROP INDEX lead_ws_phone_ix');
    const again = await importDone(
      engine,
      (
        await call<ImportJobDto>(engine, 'import:start', {
          fileId: file.id,
          mapping,
          options: { dedupe: 'update' },
        })
      ).id,
    );
    expect(again).toMatchObject({ updated: 1, created: 0 });
    other.sqlite.exec(
      'CREATE INDEX lead_ws_email_ix ON lead (workspace_id, email); CREATE INDEX lead_ws_phone_ix ON lead (workspace_id, phone)',
    );
    other.close();

    const dup = await importDone(
      engine,
      (
        await call<ImportJobDto>(engine, 'import:start', {
          fileId: file.id,
          mapping,
          options: { dedupe: 'create' },
        })
      ).id,
    );
    expect(dup).toMatchObject({ created: 1 });
    expect((await call<{ total: number }>(engine, 'leads:list', {})).total).toBe(2);
  });

  it('refuses a bad mapping and a binary file with clear errors, creating no job', async () => {
    const engine = await open();
    await signUp(engine, 'import-bad');
    const dir = tempDir('sdr-csv-');
    const csv = path.join(dir, 'ok.csv');
    writeFileSync(csv, 'Email\na@example.com\n');
    const file = await stage(engine, csv);
    const bad = await engine.dispatch('import:start', {
      fileId: file.id,
      mapping: { Email: 'shoeSize' },
      options: {},
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const junk = path.join(dir, 'junk.csv');
    writeFileSync(junk, Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 7, 8, 0, 0, 0, 1]));
    const junkFile = await stage(engine, junk);
    const r = await engine.dispatch('import:preview', { fileId: junkFile.id });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!r.ok) expect(r.error.message).toMatch(/not a CSV or Excel file/);
    expect(await call<ImportJobDto[]>(engine, 'import:jobs', {})).toEqual([]);
  });

  it('survives the engine closing half-way: resumed on the next start, every row exactly once', async () => {
    const dir = tempDir();
    let engine = await open(dir);
    await signUp(engine, 'import-resume');
    const rows = 3_500;
    const csvDir = tempDir('sdr-csv-');
    const csv = path.join(csvDir, 'big.csv');
    const lines = ['First Name,Last Name,Email,Phone'];
    for (let i = 0; i < rows; i++) {
      lines.push(`P${i},Person,p${i}@example.com,+1415${2_000_000 + i}`);
    }
    writeFileSync(csv, lines.join('\n'));
    const file = await stage(engine, csv);
    const mapping = {
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      Phone: 'phone',
    };
    let batches = 0;
    let closed = false;
    const job = await new Promise<ImportJobDto>((resolve, reject) => {
      engine.subscribe((event) => {
        // Close the engine (and its database) right after the second committed batch.
        if (event === 'import:progress' && ++batches === 2 && !closed) {
          closed = true;
          engine.close();
        }
      });
      call<ImportJobDto>(engine, 'import:start', { fileId: file.id, mapping, options: {} }).then(
        resolve,
        reject,
      );
    });
    await waitFor(async () => closed, { what: 'engine closed mid-import' });
    const partial = leadsIn(dir).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(rows);

    engine = await open(dir);
    const done = await importDone(engine, job.id);
    expect(done).toMatchObject({ state: 'done', created: rows, rowsDone: rows, failed: 0 });
    const leads = leadsIn(dir);
    expect(leads).toHaveLength(rows);
    expect(new Set(leads.map((l) => l.email)).size).toBe(rows);
  });
});

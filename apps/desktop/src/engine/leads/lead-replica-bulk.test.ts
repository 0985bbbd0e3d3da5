import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type OpenedDb } from '../db.ts';
import { createInstallation } from '../sync/installation.ts';
import { LeadReplica } from './lead-replica.ts';

const opened: { db: OpenedDb; dir: string }[] = [];
afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function replica(): LeadReplica {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imp4-replica-'));
  const db = openDb(dir);
  opened.push({ db, dir });
  return new LeadReplica(db.sqlite, createInstallation(db.sqlite), Date.now);
}

const seqs = (r: LeadReplica): number[] =>
  r.sqlite.prepare('SELECT client_seq FROM outbox ORDER BY client_seq').pluck().all() as number[];

describe('LeadReplica.bulkTransaction', () => {
  it('gives bulk inserts and edits consecutive outbox sequences, continued by later edits', () => {
    const r = replica();
    const a = r.create('W', { firstName: 'A' });
    const bulk = r.bulkTransaction(() => [
      r.insertLead('W', { firstName: 'B' }),
      r.insertLead('W', { firstName: 'C' }),
      r.write('W', a.lead.id, { lastName: 'Z' }),
      r.insertLead('W', { firstName: 'D' }),
    ]);
    expect(bulk.map((e) => e.entry!.clientSeq)).toEqual([2, 3, 4, 5]);
    expect(seqs(r)).toEqual([1, 2, 3, 4, 5]);
    r.sqlite.exec('DELETE FROM outbox'); // all acknowledged: the counter alone knows where it is
    expect(r.create('W', { firstName: 'E' }).entry!.clientSeq).toBe(6);
    const one = r.bulkTransaction(() => r.insertLead('W', { firstName: 'F' }));
    expect(one.entry!.clientSeq).toBe(7);
    expect(r.bulkTransaction(() => 'nothing written')).toBe('nothing written');
    expect(r.create('W', { firstName: 'G' }).entry!.clientSeq).toBe(8);
    expect(seqs(r)).toEqual([6, 7, 8]);
  });

  it('takes nothing from the counter when the transaction fails', () => {
    const r = replica();
    r.create('W', { firstName: 'A' });
    expect(() =>
      r.bulkTransaction(() => {
        r.insertLead('W', { firstName: 'B' });
        r.insertLead('W', { firstName: 'C' });
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(r.create('W', { firstName: 'D' }).entry!.clientSeq).toBe(2);
    expect(seqs(r)).toEqual([1, 2]);
  });
});

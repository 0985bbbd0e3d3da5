/**
 * The local replica of a workspace's leads: the `lead` rows (projected columns + the doc's merged
 * Yjs state), the outbox, and a small cache of decoded docs. Local edits live here: ONE SQLite
 * transaction each (load the doc → `applyFieldChanges` → outbox row → new state → re-projected
 * row). Remote changes are applied by `sync/remote-changes.ts` through the same stores.
 */
import type Database from 'better-sqlite3';
import { newId } from '../ids.ts';
import * as Y from 'yjs';
import { normaliseLeadChanges, type LeadPlace } from '@sdr/domain';
import {
  checkFieldChanges,
  docName as nameOf,
  LEAD_FIELD_NAMES,
  leadRecord,
  type LeadFields,
} from '@sdr/schema';
import {
  applyFieldChanges,
  applyNotesEdit,
  createRecordDoc,
  loadRecordDoc,
  notesOf,
  RecordError,
} from '@sdr/schema/sync';
import type { LeadFieldChanges } from '../../shared/contract.ts';
import { EngineFailure } from '../errors.ts';
import type { Installation } from '../sync/installation.ts';
import { createOutboxStore, type OutboxEntry } from '../sync/outbox-store.ts';
import { createSyncStateStore } from '../sync/sync-state-store.ts';
import { DocCache } from './doc-cache.ts';
import { columnsFromDoc, type StoredLead } from './lead-row.ts';
import { createLeadStore } from './lead-store.ts';
import { encodeNewLeadState } from './new-lead-state.ts';
import { FactStore } from '../inbox/fact-store.ts';

export interface LocalEdit {
  lead: StoredLead;
  /** The outbox entry to send; null when the edit changed nothing. */
  entry: OutboxEntry | null;
}

export const leadDocName = (id: string): string => nameOf('lead', id);

/** How often bulk inserts check the direct encoding of a new doc against Yjs (see checkDirect). */
const DIRECT_CHECK_EVERY = 1000;
const isLeadField = (key: string): boolean => Object.hasOwn(leadRecord.fields, key);

const LEAD_DEFAULTS = Object.fromEntries(
  LEAD_FIELD_NAMES.map((f) => [f, leadRecord.fields[f].default]),
) as LeadFields;

/**
 * Field changes as a person typed them → record values, or `invalid_input` with an issue per
 * field (normalisation first, then the record's own rules).
 */
export function checkedChanges(
  input: Readonly<Record<string, unknown>>,
  current?: LeadPlace,
  /** Where the fields are in the channel's input (issue paths match the router's). */
  at = 'changes',
): Record<string, unknown> {
  const n = normaliseLeadChanges(input, current);
  const issues = n.ok
    ? checkFieldChanges(leadRecord, n.changes).map((i) => ({ field: i.field, message: i.message }))
    : n.issues;
  if (!n.ok || issues.length > 0) {
    throw new EngineFailure('invalid_input', issues.map((i) => i.message).join('; '), {
      issues: issues.map((i) => ({ path: `${at}.${i.field}`, message: i.message })),
    });
  }
  return n.changes;
}

export class LeadReplica {
  readonly leads;
  readonly outbox;
  readonly syncState;
  /** Server-owned facts (conversations, messages, queue items, notifications). */
  readonly facts;
  readonly cache = new DocCache();
  private clientId: number;
  /** Bulk inserts so far, and whether their direct encoding still agrees with Yjs (`checkDirect`). */
  private directCount = 0;
  private directOk = true;
  /** The outbox sequences taken in the current `bulkTransaction` (null: none yet). */
  private seqRun: { first: number | null; last: number | null } | null = null;

  constructor(
    readonly sqlite: Database.Database,
    private readonly installation: Installation,
    readonly now: () => number,
  ) {
    this.leads = createLeadStore(sqlite);
    this.outbox = createOutboxStore(sqlite, now);
    this.syncState = createSyncStateStore(sqlite, now);
    this.facts = new FactStore(sqlite);
    this.clientId = installation.clientId();
  }

  get installationClientId(): number {
    return this.clientId;
  }

  /** Runs `fn` in one SQLite transaction; a failure drops the docs it may have touched. */
  transaction<T>(fn: () => T, touched: readonly string[] = []): T {
    try {
      return this.sqlite.transaction(fn)();
    } catch (err) {
      for (const name of touched) this.cache.delete(name);
      throw err;
    }
  }

  /**
   * `transaction` for bulk writers (imports): the outbox entries written in it take consecutive
   * sequences, the installation's counter read once before the first and stored once after the
   * last (instead of a max() over the outbox, a read and a write of the counter per entry).
   * Every outbox write goes through `enqueue`, so nothing else takes a sequence meanwhile.
   */
  bulkTransaction<T>(fn: () => T): T {
    if (this.seqRun) return this.transaction(fn);
    return this.transaction(() => {
      const run: { first: number | null; last: number | null } = { first: null, last: null };
      this.seqRun = run;
      try {
        const result = fn();
        // nextClientSeq(last - 1) stores `last` (the counter holds `first`, and last - 1 >= first).
        if (run.last !== null && run.last !== run.first) {
          this.installation.nextClientSeq(run.last - 1);
        }
        return result;
      } finally {
        this.seqRun = null;
      }
    });
  }

  /** The decoded doc of a stored lead (cached); null when the lead is not stored. */
  doc(name: string, lead?: StoredLead): Y.Doc | null {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const row = lead ?? this.leads.get(name.slice('lead:'.length));
    if (!row) return null;
    const doc = loadRecordDoc(name, row.yState ? [row.yState] : []);
    this.cache.set(name, doc);
    return doc;
  }

  create(workspaceId: string, input: LeadFieldChanges): LocalEdit {
    const fields = { ...checkedChanges(input, {}, 'fields'), createdAt: this.now() };
    return this.transaction(() => this.insertLead(workspaceId, fields, true));
  }

  /**
   * Writes a new lead from values already in record form and checked with the record's rules
   * (`checkedChanges`, imports' `checkFieldChanges`), inside the caller's
   * transaction. `cache: false` keeps the decoded doc out of the cache (bulk writers).
   */
  insertLead(
    workspaceId: string,
    fields: Readonly<Record<string, unknown>>,
    cache = false,
  ): LocalEdit {
    const id = newId();
    const name = leadDocName(id);
    let doc: Y.Doc | null = null;
    let update: Uint8Array;
    const direct = !cache && this.directOk && Object.keys(fields).every(isLeadField);
    if (direct && this.directCount++ % DIRECT_CHECK_EVERY !== 0) {
      update = encodeNewLeadState(fields, this.clientId);
    } else {
      ({ doc, update } = createRecordDoc(leadRecord, id, fields, this.clientId));
      if (direct) this.checkDirect(fields, update);
    }
    const entry = this.enqueue(name, update);
    const lead: StoredLead = {
      id,
      workspaceId,
      // The doc holds exactly these (already checked) values over the defaults: no projection.
      ...LEAD_DEFAULTS,
      ...(fields as Partial<LeadFields>),
      schemaVersion: leadRecord.version,
      seq: 0,
      // A new doc's first update is its whole state.
      yState: update,
      updatedAt: this.now(),
    };
    this.leads.put(lead);
    if (cache && doc) this.cache.set(name, doc);
    else doc?.destroy();
    return { lead, entry };
  }

  /**
   * Bulk inserts encode new docs directly (`encodeNewLeadState`, tested byte for byte against
   * Yjs); the first one and every DIRECT_CHECK_EVERY-th are built with Yjs and compared. On a
   * difference (a Yjs upgrade that changed its encoding) every later insert goes through Yjs.
   */
  private checkDirect(fields: Readonly<Record<string, unknown>>, update: Uint8Array): void {
    this.directOk = Buffer.compare(encodeNewLeadState(fields, this.clientId), update) === 0;
  }

  /** A person's edit: values are normalised (phone, country, zone...) and checked first. */
  update(workspaceId: string, id: string, input: Readonly<Record<string, unknown>>): LocalEdit {
    const lead = this.leads.get(id);
    const changes = checkedChanges(input, lead);
    return this.edit(workspaceId, id, (doc) => this.applyChanges(doc, changes));
  }

  /** An edit the engine itself makes (tombstones, merges): values are already in record form. */
  write(workspaceId: string, id: string, changes: Readonly<Record<string, unknown>>): LocalEdit {
    return this.edit(workspaceId, id, (doc) => this.applyChanges(doc, changes));
  }

  /**
   * A notes edit from a text box: `base` is what the user's screen showed, `next` what they made of
   * it; edits others made meanwhile are kept (see `applyNotesEdit`).
   */
  editNotes(workspaceId: string, id: string, base: string, next: string): LocalEdit {
    if (next.length > leadRecord.maxNotesLength) {
      throw new EngineFailure(
        'invalid_input',
        `Notes can hold at most ${leadRecord.maxNotesLength.toLocaleString('en')} characters`,
        { issues: [{ path: 'text', message: 'Notes are too long' }] },
      );
    }
    return this.edit(workspaceId, id, (doc) => {
      const update = applyNotesEdit(doc, base, next, this.clientId);
      if (update && notesOf(doc).length > leadRecord.maxNotesLength) {
        throw new EngineFailure(
          'invalid_input',
          'Merged with others’ edits the notes are too long',
        );
      }
      return update;
    });
  }

  /** The notes text of a stored lead ('' when it has none). */
  notes(lead: StoredLead): string {
    const doc = this.doc(leadDocName(lead.id), lead);
    return doc ? notesOf(doc).toJSON() : '';
  }

  private edit(
    workspaceId: string,
    id: string,
    write: (doc: Y.Doc) => Uint8Array | null,
  ): LocalEdit {
    const name = leadDocName(id);
    return this.transaction(() => {
      const lead = this.leads.get(id);
      if (!lead || lead.workspaceId !== workspaceId) {
        throw new EngineFailure('not_found', 'This lead is not in this workspace');
      }
      const doc = this.doc(name, lead)!;
      const update = write(doc);
      if (!update) return { lead, entry: null };
      const entry = this.enqueue(name, update);
      const next: StoredLead = {
        ...lead,
        ...columnsFromDoc(doc),
        yState: Y.encodeStateAsUpdate(doc),
        updatedAt: this.now(),
      };
      this.leads.put(next);
      return { lead: next, entry };
    }, [name]);
  }

  /** A small JSON value kept for offline reading (e.g. a lead's last loaded timeline). */
  cacheSet(key: string, value: unknown): void {
    this.sqlite
      .prepare(
        `INSERT INTO local_setting (key, value) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      )
      .run(`cache:${key}`, JSON.stringify(value));
  }

  cacheGet(key: string): unknown {
    const row = this.sqlite
      .prepare(`SELECT value FROM local_setting WHERE key = ?`)
      .get(`cache:${key}`) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  /** Deletes every local trace of these workspaces (rows, states, outbox, cursors). */
  wipe(workspaceIds: readonly string[]): void {
    this.transaction(() => {
      for (const ws of workspaceIds) {
        this.outbox.removeWorkspace(ws);
        this.leads.removeWorkspace(ws);
        this.syncState.remove(ws);
      }
      this.sqlite.prepare(`DELETE FROM local_setting WHERE key LIKE 'cache:%'`).run();
    });
    this.cache.clear();
    // The wiped docs held items under the old id: never reuse its clocks.
    this.clientId = this.installation.regenerateClientId();
  }

  private applyChanges(doc: Y.Doc, changes: Readonly<Record<string, unknown>>): Uint8Array | null {
    try {
      return applyFieldChanges(leadRecord, doc, changes, this.clientId);
    } catch (err) {
      if (!(err instanceof RecordError)) throw err;
      switch (err.code) {
        case 'outdated_doc':
          throw new EngineFailure(
            'conflict',
            'This lead is not fully synced yet (the server still has to update it). Try again once online.',
            { cause: err },
          );
        case 'newer_doc':
          throw new EngineFailure(
            'forbidden',
            'This lead was saved by a newer version of the app. Update the app to edit it.',
            { cause: err, serverCode: 'read_only' },
          );
        case 'unknown_field':
        case 'not_json':
          throw new EngineFailure('invalid_input', err.message, { cause: err });
        case 'invalid_client_id':
        case 'invalid_doc_name':
          throw err;
      }
    }
  }

  private enqueue(name: string, update: Uint8Array): OutboxEntry {
    const run = this.seqRun;
    const clientSeq =
      run?.last != null
        ? run.last + 1
        : this.installation.nextClientSeq(this.outbox.maxClientSeq());
    if (run) {
      run.first ??= clientSeq;
      run.last = clientSeq;
    }
    const entry = { clientSeq, docName: name, update };
    this.outbox.add(entry);
    return entry;
  }
}

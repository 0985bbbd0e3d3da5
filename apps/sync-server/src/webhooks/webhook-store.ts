/**
 * Durable intake of verified provider webhooks: `webhook_event` rows, unique per
 * `(provider, event_key)`, so a replayed or duplicated delivery is a no-op.
 *
 * Group commit: concurrent requests do not each run their own INSERT. Events are collected for
 * `windowMs` (or until `maxBatch`) and written in ONE multi-row
 * `INSERT … ON CONFLICT (provider, event_key) DO NOTHING RETURNING event_key`; every request's
 * promise resolves when the statement that holds its event has committed, so a 2xx still means
 * "stored". Up to `maxInFlight` batches are written at once. After each batch the in-process
 * processor is woken (`onWebhookStored`).
 *
 * The batch is ONE statement whatever its size, its rows one JSON parameter
 * (`db/insert-json.ts`: `json_populate_recordset`, prepared once per connection on Postgres; the
 * same on PGlite): no parameter per row and column, no array encoding of every payload.
 */
import { webhookEvent } from '@sdr/schema/pg';
import { insertJson } from '../db/insert-json.ts';
import type { Db } from '../db/schema.ts';
import { fastUlid } from '../fast-ulid.ts';

export type WebhookProvider = 'twilio_messaging' | 'twilio_status' | 'sendgrid';

export interface IncomingEvent {
  provider: WebhookProvider;
  eventKey: string;
  workspaceId: string | null;
  payload: unknown;
  receivedAt: number;
}

interface Pending {
  event: IncomingEvent;
  resolve(inserted: boolean): void;
  reject(err: unknown): void;
}

export interface WebhookStoreOptions {
  windowMs?: number;
  maxBatch?: number;
  maxInFlight?: number;
}

export interface WebhookStore {
  /** Resolves after commit: true when stored, false when it was a duplicate. */
  insert(event: IncomingEvent): Promise<boolean>;
  insertMany(events: IncomingEvent[]): Promise<boolean[]>;
}

const listeners = new WeakMap<object, Set<() => void>>();

/** Called after every committed batch of new events (the in-process processor's wake-up). */
export function onWebhookStored(db: Db, listener: () => void): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

const stores = new WeakMap<object, WebhookStore>();

/** One store per database (shared by every app instance on it in this process). */
export function webhookStoreFor(db: Db, o: WebhookStoreOptions = {}): WebhookStore {
  let s = stores.get(db);
  if (!s) stores.set(db, (s = createWebhookStore(db, o)));
  return s;
}

/** Inserts the rows; returns the (provider, event_key) of those that were new. */
function inserter(
  db: Db,
): (rows: IncomingEvent[]) => Promise<{ provider: string; event_key: string }[]> {
  return (rows) =>
    insertJson<{ provider: string; event_key: string }>(
      db,
      webhookEvent,
      rows.map((e) => ({
        id: fastUlid(),
        provider: e.provider,
        eventKey: e.eventKey,
        workspaceId: e.workspaceId,
        payload: e.payload as Record<string, unknown>,
        receivedAt: e.receivedAt,
      })),
      { onConflictDoNothing: true, returning: ['provider', 'event_key'] },
    );
}

export function createWebhookStore(db: Db, o: WebhookStoreOptions = {}): WebhookStore {
  const windowMs = o.windowMs ?? 2;
  const maxBatch = o.maxBatch ?? 500;
  const maxInFlight = o.maxInFlight ?? 4;
  const queue: Pending[] = [];
  let timer: NodeJS.Timeout | null = null;
  let inFlight = 0;
  const insertRows = inserter(db);

  async function write(batch: Pending[]): Promise<void> {
    // One row per key; later duplicates in the batch wait on the first.
    const first = new Map<string, Pending[]>();
    for (const p of batch) {
      const k = `${p.event.provider}\u0000${p.event.eventKey}`;
      const list = first.get(k);
      if (list) list.push(p);
      else first.set(k, [p]);
    }
    try {
      const rows = [...first.values()].map(([p]) => p!.event);
      const inserted = await insertRows(rows);
      const stored = new Set(inserted.map((r) => `${r.provider}\u0000${r.event_key}`));
      for (const [k, list] of first) {
        list.forEach((p, i) => p.resolve(i === 0 && stored.has(k)));
      }
      if (stored.size > 0) for (const l of listeners.get(db) ?? []) l();
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  function flush() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      void write(batch).finally(() => {
        inFlight--;
        if (queue.length > 0) schedule();
      });
    }
  }

  function schedule() {
    if (queue.length >= maxBatch) flush();
    else if (!timer) timer = setTimeout(flush, windowMs);
  }

  const insert = (event: IncomingEvent) =>
    new Promise<boolean>((resolve, reject) => {
      queue.push({ event, resolve, reject });
      schedule();
    });

  return { insert, insertMany: (events) => Promise.all(events.map(insert)) };
}

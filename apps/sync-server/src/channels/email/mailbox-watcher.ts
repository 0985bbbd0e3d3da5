/**
 * The mailbox watcher: for every active mailbox one IMAP connection (imapflow) on INBOX that
 * waits with IDLE (imapflow falls back to NOOP polling when the server lacks IDLE) and also polls
 * every `pollMs` as a safety net. New mail, i.e. UIDs above the mailbox's `imapLastUid`, is
 * fetched one message at a time (RFC822.SIZE first: normal sizes as a Buffer for `simpleParser`,
 * large ones streamed to `MailParser`), parsed and classified (inbound-parse.ts) and handed to
 * `ingestInbound` (inbox/inbox.service.ts); after each message `imapUidValidity`/`imapLastUid` are
 * stored. A crash therefore re-processes at most the message in hand, which `ingestInbound` then
 * sees as a duplicate (its providerId, the Message-ID, is unique per workspace).
 *
 * - Where it starts: a mailbox seen for the first time starts with the mail that arrived since it
 *   was connected (INTERNALDATE ≥ createdAt − 5 min), not the whole INBOX history. A changed
 *   UIDVALIDITY (the server rebuilt the folder: every UID is new) re-reads the last
 *   `resyncWindowMs` (default 7 days; duplicates are skipped by providerId).
 * - Skipped: our own outbound copies (the Message-ID of an outbound message we stored, e.g. a
 *   server that files sent mail in INBOX, or a Bcc to self) and mail from the mailbox's own address.
 * - Auto replies (RFC 3834) and DSN bounces are passed as `kind: 'auto_reply' | 'bounce'`; a
 *   bounce carries the original Message-ID as In-Reply-To/References, so the inbox finds the
 *   conversation and marks the original message `bounced`; its sender is the failed recipient.
 * - Connection trouble: reconnect with exponential backoff (1 s … 5 min, jittered); a refused
 *   login or TLS failure marks the mailbox `status: 'error'` with `lastError` (visible in
 *   `GET /api/v1/mailboxes`) and keeps retrying at the slow end; the next successful login
 *   clears it.
 * - Mailboxes added, changed (settings) or removed are noticed every `refreshMs`.
 * - Attachments up to `attachmentLimitBytes` (default 20 MB, the file store's limit) are put into
 *   the file store (files/) under an id derived from the message (a re-processed message stores
 *   nothing twice) and the message carries those file ids; larger ones keep metadata only, with
 *   an `imap:<mailbox>:<uidvalidity>:<uid>:<part>` fileId (the marker: not downloadable here).
 * - One watcher per mailbox: with several instances on one Postgres, each mailbox is watched only
 *   by the instance holding its advisory lock (`locks`, mailbox-lock.ts); when that instance dies
 *   the lock is freed and another instance takes the mailbox over at its next refresh. Without
 *   `locks` (PGlite, one instance) every mailbox is watched here.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { AttachmentValue } from '@sdr/schema';
import { mailbox, message } from '@sdr/schema/pg';
import type { SecretBox } from '../../crypto/secret-box.ts';
import type { Db } from '../../db/schema.ts';
import { ApiError } from '../../errors.ts';
import {
  attachmentOf,
  derivedFileId,
  FILE_LIMIT_BYTES,
  storeFile,
} from '../../files/files.service.ts';
import type { InboxDeps } from '../../inbox/inbox.deps.ts';
import { ingestInbound, type InboundInput, type InboundResult } from '../../inbox/inbox.service.ts';
import { loggableError, type Logger } from '../../logger.ts';
import { openSecrets, type MailboxRow } from '../../mailboxes/mailboxes.service.ts';
import { parseInboundBuffer, parseInboundStream, type InboundMail } from './inbound-parse.ts';
import { imapFailure } from './mail-errors.ts';
import { singleInstanceLocks, type MailboxLocks } from './mailbox-lock.ts';

export interface MailboxWatcherOptions {
  db: Db;
  box: SecretBox;
  /** For `ingestInbound` (its db, sync core, ids, clock). */
  inbox: InboxDeps;
  logger: Logger;
  /** Safety-net poll, and the NOOP interval on servers without IDLE (ms, default 60 s). */
  pollMs?: number;
  /** false: never IDLE, only poll every `pollMs` (servers whose IDLE misbehaves); default true. */
  useIdle?: boolean;
  /** How often the mailbox list is re-read (ms, default 15 s). */
  refreshMs?: number;
  /** Messages larger than this are streamed (bytes, default 2 MB). */
  largeMessageBytes?: number;
  /** Longest body stored (characters, default 100,000). */
  maxBodyChars?: number;
  /** Attachments up to this size go into the file store (bytes, default `FILE_LIMIT_BYTES`). */
  attachmentLimitBytes?: number;
  /** After a UIDVALIDITY change, mail of this period is read again (ms, default 7 days). */
  resyncWindowMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** Replaces `ingestInbound` (tests). */
  ingest?: (d: InboxDeps, input: InboundInput) => Promise<InboundResult>;
  /** Which mailboxes this instance may watch (default: all; Postgres: `postgresMailboxLocks`). */
  locks?: MailboxLocks;
}

export interface MailboxWatcher {
  /** Re-reads the mailbox list now (starts/stops/restarts sessions). */
  refresh(): Promise<void>;
  /** Mailbox ids with a session running. */
  watching(): string[];
  /** Resolves when every session has caught up with its INBOX once since the call. */
  idle(mailboxId: string): Promise<void>;
  stop(): Promise<void>;
}

const FIRST_SIGHT_MARGIN_MS = 5 * 60_000;
/** Ingest attempts of one message before it is skipped (logged as an error). */
const MAX_ATTEMPTS = 5;

export function startMailboxWatcher(o: MailboxWatcherOptions): MailboxWatcher {
  const sessions = new Map<string, MailboxSession>();
  const locks = o.locks ?? singleInstanceLocks();
  let stopped = false;
  let refreshing: Promise<void> | null = null;

  const refresh = async () => {
    if (stopped) return;
    const rows = await o.db
      .select()
      .from(mailbox)
      .where(inArray(mailbox.status, ['active', 'error']));
    if (stopped) return;
    const mine = await locks.claim(rows.map((r) => r.id));
    const live = new Map(rows.filter((r) => mine.has(r.id)).map((r) => [r.id, r]));
    for (const [id, s] of sessions) {
      const row = live.get(id);
      if (!row || settingsKey(row) !== s.key) {
        sessions.delete(id);
        void s.stop();
      }
    }
    for (const row of live.values()) {
      if (stopped || sessions.has(row.id)) continue;
      const s = new MailboxSession(o, row);
      sessions.set(row.id, s);
      s.start();
    }
  };
  const refreshSafely = () => {
    refreshing ??= refresh()
      .catch((err: unknown) =>
        o.logger.error({ err: loggableError(err) }, 'mailbox watcher refresh failed'),
      )
      .finally(() => (refreshing = null));
    return refreshing;
  };
  void refreshSafely();
  const timer = setInterval(() => void refreshSafely(), o.refreshMs ?? 15_000);
  timer.unref();

  return {
    refresh: refreshSafely,
    watching: () => [...sessions.keys()],
    async idle(mailboxId) {
      await refreshSafely();
      const s = sessions.get(mailboxId);
      if (!s) throw new Error(`mailbox ${mailboxId} is not watched`);
      await s.caughtUp();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await refreshing;
      await Promise.all([...sessions.values()].map((s) => s.stop()));
      sessions.clear();
      await locks.close();
    },
  };
}

/** A session restarts when any connection setting (or the password) changes. */
function settingsKey(r: MailboxRow): string {
  return [r.imapHost, r.imapPort, r.imapSecure, r.imapUser, r.secretEnc, r.address].join('\n');
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/** One mailbox: connect → catch up → wait (IDLE / poll) → catch up … ; reconnect on trouble. */
class MailboxSession {
  readonly key: string;
  private readonly abort = new AbortController();
  private client: ImapFlow | null = null;
  private loop: Promise<void> | null = null;
  private running = false;
  private again = false;
  private waiters: (() => void)[] = [];
  private syncs = 0;
  /** Failed ingest attempts per UID (see processOne). */
  private readonly failures = new Map<number, number>();

  constructor(
    private readonly o: MailboxWatcherOptions,
    private row: MailboxRow,
  ) {
    this.key = settingsKey(row);
  }

  private get log() {
    return this.o.logger.child({ mailboxId: this.row.id });
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.client?.close();
    await this.loop;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves after a full catch-up that started after this call. */
  caughtUp(): Promise<void> {
    const target = this.syncs + (this.running ? 2 : 1);
    return new Promise((resolve) => {
      const check = () => {
        if (this.syncs >= target || this.abort.signal.aborted) resolve();
        else this.waiters.push(check);
      };
      this.kick();
      check();
    });
  }

  private async run(): Promise<void> {
    const { initialMs, maxMs } = this.o.backoff ?? { initialMs: 1000, maxMs: 5 * 60_000 };
    let delay = initialMs;
    while (!this.abort.signal.aborted) {
      try {
        await this.connectAndWatch(() => (delay = initialMs));
      } catch (err) {
        if (this.abort.signal.aborted) break;
        const f = imapFailure(err, this.row.imapHost, this.row.imapPort);
        this.log.warn({ err: loggableError(err), kind: f.kind }, 'mailbox connection failed');
        await this.markError(f.kind === 'auth' || f.kind === 'tls' ? f.message : null, f.message);
      }
      if (this.abort.signal.aborted) break;
      const wait = Math.round(delay * (0.75 + Math.random() * 0.5));
      await sleep(wait, this.abort.signal);
      delay = Math.min(maxMs, delay * 2);
    }
  }

  private async connectAndWatch(connected: () => void): Promise<void> {
    const { imapPassword } = openSecrets(this.o.box, this.row);
    const pollMs = this.o.pollMs ?? 60_000;
    const client = new ImapFlow({
      host: this.row.imapHost,
      port: this.row.imapPort,
      secure: this.row.imapSecure,
      auth: { user: this.row.imapUser, pass: imapPassword },
      logger: false,
      // Restart IDLE now and then (some servers drop long IDLEs); also the NOOP interval without IDLE.
      maxIdleTime: Math.min(pollMs, 5 * 60_000),
      missingIdleCommand: 'NOOP',
      autoIdleDelay: 500,
      disableAutoIdle: this.o.useIdle === false,
    });
    this.client = client;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', (err: unknown) => this.log.warn({ err: loggableError(err) }, 'IMAP error'));
    try {
      await client.connect();
      if (this.abort.signal.aborted) return;
      await client.mailboxOpen('INBOX');
      connected();
      await this.clearError();
      this.log.info(
        { idle: this.o.useIdle !== false && client.capabilities.has('IDLE') },
        'watching mailbox',
      );
      client.on('exists', () => this.kick());
      const poll = setInterval(() => this.kick(), pollMs);
      try {
        this.kick();
        await Promise.race([
          closed,
          new Promise<void>((r) => this.abort.signal.addEventListener('abort', () => r())),
        ]);
      } finally {
        clearInterval(poll);
      }
      if (!this.abort.signal.aborted)
        throw Object.assign(new Error('IMAP connection closed'), { code: 'EConnectionClosed' });
    } finally {
      this.client = null;
      client.close();
    }
  }

  /** Runs a catch-up now, or once more after the one running. */
  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void (async () => {
      try {
        do {
          this.again = false;
          const client = this.client;
          if (!client || !client.usable || this.abort.signal.aborted) break;
          try {
            await this.catchUp(client);
          } catch (err) {
            if (this.abort.signal.aborted) break;
            // Database or IMAP trouble: drop the connection; the run loop reconnects with backoff
            // and the message in hand is processed again (idempotent).
            this.log.error({ err: loggableError(err) }, 'mailbox catch-up failed');
            client.close();
            break;
          }
          this.syncs += 1;
          for (const w of this.waiters.splice(0)) w();
        } while (this.again);
      } finally {
        this.running = false;
      }
    })();
  }

  private async reload(): Promise<MailboxRow | null> {
    const [r] = await this.o.db.select().from(mailbox).where(eq(mailbox.id, this.row.id));
    if (r) this.row = r;
    return r ?? null;
  }

  private async catchUp(client: ImapFlow): Promise<void> {
    // Without IDLE the server reports new mail (EXISTS) only in answer to a command.
    await client.noop();
    const box = client.mailbox;
    if (!box) return;
    const row = await this.reload();
    if (!row || row.status === 'disabled') return;
    const uidValidity = Number(box.uidValidity);
    const now = this.o.inbox.now();
    let list: FetchMessageObject[];
    if (row.imapUidValidity === null || Number(row.imapUidValidity) !== uidValidity) {
      const firstSight = row.imapUidValidity === null;
      const since = firstSight
        ? row.createdAt - FIRST_SIGHT_MARGIN_MS
        : Math.max(
            row.createdAt - FIRST_SIGHT_MARGIN_MS,
            now - (this.o.resyncWindowMs ?? 7 * 86_400_000),
          );
      if (!firstSight)
        this.log.warn(
          { was: row.imapUidValidity, now: uidValidity },
          'UIDVALIDITY changed: reading recent mail again',
        );
      // SEARCH SINCE has day granularity: narrow by INTERNALDATE after.
      const uids =
        (await client.search({ since: new Date(since - 86_400_000) }, { uid: true })) || [];
      list =
        uids.length === 0
          ? []
          : (
              await client.fetchAll(
                uids.join(','),
                { uid: true, size: true, internalDate: true },
                { uid: true },
              )
            ).filter((m) => internalMs(m) >= since);
      list.sort((a, b) => a.uid - b.uid);
      const start = list[0] ? list[0].uid - 1 : Math.max(0, (box.uidNext ?? 1) - 1);
      await this.save(uidValidity, start);
    } else {
      const last = Number(row.imapLastUid);
      if (box.exists === 0) return; // (uidNext is only known as of SELECT: no shortcut with it)
      list = (
        await client.fetchAll(
          `${last + 1}:*`,
          { uid: true, size: true, internalDate: true },
          { uid: true },
        )
      )
        .filter((m) => m.uid > last)
        .sort((a, b) => a.uid - b.uid);
    }
    for (const item of list) {
      if (this.abort.signal.aborted || !client.usable) return;
      await this.processOne(client, uidValidity, item);
      await this.save(uidValidity, item.uid);
    }
  }

  /** Puts the kept attachment bytes into the file store; returns the message's attachments. */
  private async storeAttachments(mail: InboundMail, row: MailboxRow): Promise<AttachmentValue[]> {
    const out: AttachmentValue[] = [];
    for (const [i, a] of mail.attachments.entries()) {
      const bytes = mail.attachmentBytes[i];
      if (!bytes) {
        out.push(a);
        continue;
      }
      const f = await storeFile(this.o.db, {
        id: derivedFileId(row.workspaceId, 'email', mail.providerId, String(i)),
        workspaceId: row.workspaceId,
        name: a.name,
        contentType: a.contentType,
        bytes,
        createdBy: null,
        now: this.o.inbox.now(),
      });
      out.push(attachmentOf(f));
    }
    return out;
  }

  private async save(uidValidity: number, lastUid: number): Promise<void> {
    await this.o.db
      .update(mailbox)
      .set({ imapUidValidity: uidValidity, imapLastUid: lastUid })
      .where(eq(mailbox.id, this.row.id));
  }

  private async processOne(
    client: ImapFlow,
    uidValidity: number,
    item: FetchMessageObject,
  ): Promise<void> {
    const row = this.row;
    const parseOptions = {
      maxBodyChars: this.o.maxBodyChars ?? 100_000,
      attachmentRef: (part: string) => `imap:${row.id}:${uidValidity}:${item.uid}:${part}`,
      keepAttachmentBytes: Math.min(
        this.o.attachmentLimitBytes ?? FILE_LIMIT_BYTES,
        FILE_LIMIT_BYTES,
      ),
    };
    let mail: InboundMail;
    try {
      if ((item.size ?? 0) > (this.o.largeMessageBytes ?? 2 * 1024 * 1024)) {
        const dl = await client.download(String(item.uid), undefined, { uid: true });
        if (!('content' in dl) || !dl.content) return;
        mail = await parseInboundStream(dl.content, parseOptions);
      } else {
        const m = await client.fetchOne(
          String(item.uid),
          { uid: true, source: true },
          { uid: true },
        );
        if (!m || !m.source) return; // expunged meanwhile
        mail = await parseInboundBuffer(m.source, parseOptions);
      }
    } catch (err) {
      if (!client.usable) throw err;
      this.log.warn({ uid: item.uid, err: loggableError(err) }, 'unreadable message skipped');
      return;
    }
    const skip = await this.skipReason(mail, row);
    if (skip) {
      this.log.debug({ uid: item.uid, skip }, 'message skipped');
      return;
    }
    const c = mail.classification;
    const bounce = c.kind === 'bounce' ? c : null;
    const original = bounce?.originalMessageId ?? null;
    // INTERNALDATE (the server's arrival time) has whole seconds: for mail that just arrived our
    // clock is finer (a reply then sorts after the message it answers); older mail (caught up
    // after downtime) keeps its arrival time.
    const now = this.o.inbox.now();
    const arrived = internalMs(item);
    const receivedAt = arrived > 0 && arrived < now - 60_000 ? arrived : now;
    const input: InboundInput = {
      workspaceId: row.workspaceId,
      channel: 'email',
      from: (bounce?.failedRecipient ?? mail.from!.address).toLowerCase(),
      to: row.address,
      fromName: bounce ? null : mail.from!.name,
      body: mail.text,
      subject: mail.subject,
      attachments: mail.attachments,
      providerId: mail.providerId,
      kind: c.kind === 'reply' ? 'message' : c.kind,
      emailMessageId: mail.messageId,
      inReplyTo: bounce ? original : mail.inReplyTo,
      references: bounce ? (original ? [original] : []) : mail.references,
      threadKey: bounce ? (original ?? mail.threadKey) : mail.threadKey,
      mailboxId: row.id,
      receivedAt,
    };
    try {
      const attachments = await this.storeAttachments(mail, row);
      const r = await (this.o.ingest ?? ingestInbound)(this.o.inbox, { ...input, attachments });
      this.log.info(
        {
          uid: item.uid,
          kind: input.kind,
          duplicate: r.duplicate,
          createdLead: r.createdLead,
          ignored: r.ignored,
        },
        'inbound email',
      );
      this.failures.delete(item.uid);
    } catch (err) {
      // Input the inbox refuses (e.g. a sender address it cannot read) is skipped, not retried.
      if (err instanceof ApiError && err.status === 400) {
        this.log.warn({ uid: item.uid, err: loggableError(err) }, 'inbound email refused');
        return;
      }
      // Anything else is retried after a reconnect, but one poisonous message must not hold
      // the mailbox forever (the database being down fails earlier, at the reload).
      const n = (this.failures.get(item.uid) ?? 0) + 1;
      this.failures.set(item.uid, n);
      if (n >= MAX_ATTEMPTS) {
        this.failures.delete(item.uid);
        this.log.error(
          { uid: item.uid, err: loggableError(err) },
          `inbound email skipped after ${n} failed attempts`,
        );
        return;
      }
      throw err;
    }
  }

  private async skipReason(mail: InboundMail, row: MailboxRow): Promise<string | null> {
    if (!mail.from) return 'no sender';
    if (mail.from.address === row.address.toLowerCase() && mail.classification.kind === 'reply') {
      return 'from the mailbox itself';
    }
    if (mail.messageId) {
      const [own] = await this.o.db
        .select({ id: message.id })
        .from(message)
        .where(
          and(
            eq(message.workspaceId, row.workspaceId),
            eq(message.emailMessageId, mail.messageId),
            eq(message.direction, 'out'),
          ),
        )
        .limit(1);
      if (own) return 'our own outbound message';
    }
    return null;
  }

  private async markError(persistent: string | null, message: string): Promise<void> {
    try {
      await this.o.db
        .update(mailbox)
        .set(persistent ? { status: 'error', lastError: persistent } : { lastError: message })
        .where(and(eq(mailbox.id, this.row.id), inArray(mailbox.status, ['active', 'error'])));
    } catch {
      // The database may be gone while shutting down; the next attempt records it.
    }
  }

  private async clearError(): Promise<void> {
    await this.o.db
      .update(mailbox)
      .set({ status: 'active', lastError: null })
      .where(and(eq(mailbox.id, this.row.id), eq(mailbox.status, 'error')));
    await this.o.db.update(mailbox).set({ lastError: null }).where(eq(mailbox.id, this.row.id));
  }
}

function internalMs(m: FetchMessageObject): number {
  const d = m.internalDate;
  if (d instanceof Date) return d.getTime();
  if (typeof d === 'string') return Date.parse(d) || 0;
  return 0;
}

/**
 * `edit_to_peer_p50_ms` / `edit_to_peer_p99_ms`: 50 raw clients connected to one server; one of
 * them edits a lead (a real Yjs update from `applyFieldChanges` on the doc it caught up), and we
 * time from `ws.send` of the update until each of the other 49 receives the `change` frame. One
 * edit at a time (the next starts after every peer got it and the editor got its ack), over
 * several leads. Percentiles over all (edit, peer) deliveries of a run; median over runs.
 */
import type { BenchContext, ScenarioResult } from './context.ts';
import { applyFieldChanges, leadRecord, loadRecordDoc, type Doc } from './deps.ts';
import { progress, sleep } from './log.ts';
import { newClientId, RawClient } from './raw-client.ts';
import { login, signUp, type Account } from './rest.ts';
import { seedLeads } from './seed.ts';
import type { ServerProcess } from './server-process.ts';
import { median, percentile, round } from './stats.ts';

/** An editing client: its docs come from a catch-up of the first `leads` rows. */
export class Editor {
  readonly docs = new Map<string, Doc>();
  private n = 0;

  private constructor(
    readonly client: RawClient,
    readonly clientId: number,
  ) {}

  static async open(wsUrl: string, token: string, leads: number): Promise<Editor> {
    const client = await RawClient.connect(wsUrl, token);
    const editor = new Editor(client, newClientId());
    const welcome = await client.hello(editor.clientId, 0);
    client.cursor = 0;
    await client
      .catchUp(Math.min(leads, 10_000), (changes) => {
        for (const c of changes) {
          if (c.kind === 'record' && c.update && editor.docs.size < leads) {
            editor.docs.set(c.docName, loadRecordDoc(c.docName, [c.update]));
          }
        }
      })
      .catch(() => {});
    client.cursor = welcome.headSeq;
    return editor;
  }

  /** A real edit of one lead's title: the Yjs update to send. */
  edit(docName: string): Uint8Array {
    this.n += 1;
    const update = applyFieldChanges(
      leadRecord,
      this.docs.get(docName)!,
      { title: `Edited ${this.clientId}-${this.n}` },
      this.clientId,
    );
    if (!update) throw new Error('edit produced no update');
    return update;
  }
}

export async function connectPeers(
  wsUrl: string,
  token: string,
  count: number,
): Promise<RawClient[]> {
  const peers: RawClient[] = [];
  for (let i = 0; i < count; i++) {
    const c = await RawClient.connect(wsUrl, token);
    await c.hello(newClientId(), 0);
    peers.push(c);
  }
  return peers;
}

/**
 * Sends `edits` edits one at a time from `editor`; returns the latency of every delivery to
 * `peers` (ms).
 */
export async function timeEdits(
  editor: Editor,
  peers: readonly RawClient[],
  edits: number,
): Promise<number[]> {
  const names = [...editor.docs.keys()];
  const samples: number[] = [];
  let current: { docName: string; sentAt: number; left: number; done: () => void } | null = null;
  const offs = peers.map((p) =>
    p.onChange((c, at) => {
      if (current && c.kind !== 'fact' && c.docName === current.docName) {
        samples.push(at - current.sentAt);
        if (--current.left === 0) current.done();
      }
    }),
  );
  try {
    for (let i = 0; i < edits; i++) {
      const docName = names[i % names.length]!;
      const payload = editor.edit(docName);
      const delivered = new Promise<void>((resolve) => {
        current = { docName, sentAt: 0, left: peers.length, done: resolve };
      });
      current!.sentAt = performance.now();
      const acked = editor.client.update(docName, payload);
      await Promise.race([
        Promise.all([delivered, acked]),
        sleep(10_000).then(() => {
          throw new Error(`edit ${i} not delivered to every peer within 10 s`);
        }),
      ]);
      current = null;
      await sleep(2);
    }
  } finally {
    for (const off of offs) off();
  }
  return samples;
}

async function workspace(
  ctx: BenchContext,
  server: ServerProcess,
  label: string,
): Promise<Account> {
  const account = await signUp(server.url, label);
  await seedLeads(ctx.db, account, label.slice(0, 2), 1000);
  return account;
}

export async function editToPeer(
  ctx: BenchContext,
  server: ServerProcess,
): Promise<ScenarioResult> {
  const clients = 50;
  const edits = ctx.quick ? 100 : 500;
  const account = await workspace(ctx, server, 'peer');
  const token = await login(server.url, account);
  const runs: { p50: number; p99: number; n: number }[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    const editor = await Editor.open(server.wsUrl, token, 50);
    const peers = await connectPeers(server.wsUrl, token, clients - 1);
    await sleep(200);
    // A few edits first so every code path (JIT, caches) is warm.
    await timeEdits(editor, peers, 20);
    const samples = await timeEdits(editor, peers, edits);
    const r = { p50: percentile(samples, 50)!, p99: percentile(samples, 99)!, n: samples.length };
    runs.push(r);
    progress(
      `edit-to-peer run ${rep + 1}/${ctx.reps}: ${edits} edits x ${peers.length} peers, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`,
    );
    await Promise.all([editor.client.close(), ...peers.map((p) => p.close())]);
  }
  return {
    figures: {
      edit_to_peer_p50_ms: round(median(runs.map((r) => r.p50)), 2),
      edit_to_peer_p99_ms: round(median(runs.map((r) => r.p99)), 2),
    },
    details: {
      edit_to_peer: {
        clients,
        edits_per_run: edits,
        runs: runs.map((r) => ({
          p50_ms: round(r.p50, 2),
          p99_ms: round(r.p99, 2),
          deliveries: r.n,
        })),
      },
    },
  };
}

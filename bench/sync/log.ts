/** Progress lines on stderr (stdout carries only the final JSON line). */
const started = performance.now();

export function progress(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench:sync ${s}s] ${message}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves when `check` returns a value other than null/false, polling every `everyMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | null | false> | T | null | false,
  o: { timeoutMs: number; everyMs?: number },
): Promise<T> {
  const deadline = performance.now() + o.timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== null && v !== false) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${o.timeoutMs} ms: ${what}`);
    await sleep(o.everyMs ?? 20);
  }
}

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VALUE_IMPORT = /^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms;

/** Every bare module a file loads at run time, following its relative imports. */
function runtimeDependencies(entry: string, seen = new Set<string>()): Set<string> {
  const bare = new Set<string>();
  if (seen.has(entry)) return bare;
  seen.add(entry);
  for (const [, spec] of readFileSync(entry, 'utf8').matchAll(VALUE_IMPORT)) {
    if (spec!.startsWith('.')) {
      for (const b of runtimeDependencies(resolve(dirname(entry), spec!), seen)) bare.add(b);
    } else bare.add(spec!);
  }
  return bare;
}

describe('entry points', () => {
  it('@sdr/schema does not load Yjs (zod-only consumers stay light)', () => {
    const deps = [...runtimeDependencies(resolve(SRC, 'index.ts'))];
    expect(deps.filter((d) => /^(yjs|y-protocols|lib0)/.test(d))).toEqual([]);
    expect(deps).toContain('zod');
  });

  it('@sdr/schema/sync exposes the Yjs core', async () => {
    const sync = await import('./index.ts');
    expect(typeof sync.validateAndCompensate).toBe('function');
    expect(runtimeDependencies(resolve(SRC, 'sync/index.ts'))).toContain('yjs');
  });
});

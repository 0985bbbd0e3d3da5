/**
 * The engine worker bundled the way `apps/desktop/scripts/build-electron.mjs` bundles the packaged
 * app's engine (esbuild, ESM, better-sqlite3 external, the SQLite migrations next to the bundle),
 * so a cold start loads one file as the app does instead of compiling TypeScript through tsx.
 * Written under apps/desktop/node_modules/.cache, from where better-sqlite3 resolves.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

export async function buildWorkerBundle(): Promise<string> {
  const desktop = path.join(ROOT, 'apps/desktop');
  const esbuild = createRequire(path.join(desktop, 'package.json'))('esbuild') as Esbuild;
  const out = path.join(desktop, 'node_modules/.cache/sdr-bench-leads');
  const outfile = path.join(out, 'engine/worker.mjs');
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./engine-worker.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['electron', 'better-sqlite3'],
    banner: {
      js: "import { createRequire as __sdrCreateRequire } from 'node:module'; const require = __sdrCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  // `@sdr/schema/migrations` resolves `../migrations/sqlite` next to the bundle.
  mkdirSync(path.join(out, 'migrations'), { recursive: true });
  cpSync(
    path.join(ROOT, 'packages/schema/migrations/sqlite'),
    path.join(out, 'migrations/sqlite'),
    { recursive: true },
  );
  return outfile;
}

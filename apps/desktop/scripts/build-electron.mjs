// Bundles the Electron side for packaging: main (ESM), preload (CommonJS, as sandboxed preloads
// must be) and the engine (ESM, run as a utility process) into dist/, plus the SQLite migrations the
// engine applies at open. better-sqlite3 stays external (native; unpacked from the asar).
// Usage: node scripts/build-electron.mjs
import { cpSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  logLevel: 'info',
  external: ['electron', 'better-sqlite3'],
};
// ESM bundles still meet CommonJS dependencies that call require().
const esmBanner = {
  js: "import { createRequire as __sdrCreateRequire } from 'node:module'; const require = __sdrCreateRequire(import.meta.url);",
};

await build({
  ...common,
  entryPoints: [path.join(root, 'src/main/index.ts')],
  outfile: path.join(dist, 'main/index.js'),
  format: 'esm',
  banner: esmBanner,
});
await build({
  ...common,
  entryPoints: [path.join(root, 'src/preload/index.ts')],
  outfile: path.join(dist, 'preload/index.cjs'),
  format: 'cjs',
  target: 'chrome120',
});
await build({
  ...common,
  entryPoints: [path.join(root, 'src/engine/main.ts')],
  outfile: path.join(dist, 'engine/main.js'),
  format: 'esm',
  banner: esmBanner,
});

// `@sdr/schema/migrations` resolves `../migrations/sqlite` next to the bundle: dist/migrations/sqlite.
const schemaRoot = realpathSync(path.join(root, 'node_modules/@sdr/schema'));
mkdirSync(path.join(dist, 'migrations'), { recursive: true });
cpSync(path.join(schemaRoot, 'migrations/sqlite'), path.join(dist, 'migrations/sqlite'), {
  recursive: true,
});
process.stdout.write(`Electron bundles written to ${dist}\n`);

// `pnpm start` (root) → here. Starts everything on the embedded default:
//   1. builds the renderer if its build is missing or older than its sources,
//   2. starts the sync server (PGlite, seeded demo workspace) unless one already answers,
//   3. starts the Electron app if its binary is installed and can load better-sqlite3, else the
//      engine's web shell, and prints the URL to open and the demo login.
// On the first start of a fresh data dir the app is signed into the demo workspace (DEMO_LOGIN);
// after that the engine keeps whatever session the user has. Ctrl-C stops everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const repoDir = path.resolve(appDir, '../..');
const env = process.env;
const serverUrl = (env.SERVER_URL ?? `http://127.0.0.1:${env.PORT ?? 8787}`).replace(/\/+$/, '');
const isWindows = process.platform === 'win32';
const tsxBin = path.join(appDir, 'node_modules/.bin/tsx');
const children = [];

const say = (line = '') => process.stdout.write(`${line}\n`);
let stopping = false;
const fail = (message) => {
  if (stopping) return;
  process.stderr.write(`\n${message}\n`);
  stopAll(1);
};

function run(cmd, args, opts = {}) {
  const child = spawn(cmd, args, {
    stdio: 'inherit',
    detached: !isWindows,
    shell: isWindows,
    ...opts,
  });
  children.push(child);
  return child;
}

function stopAll(code = 0) {
  stopping = true;
  for (const child of children) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    try {
      if (isWindows) child.kill('SIGTERM');
      else process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  setTimeout(() => process.exit(code), 300).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function buildRendererIfStale() {
  const index = path.join(appDir, 'dist/renderer/index.html');
  const sources = ['src/renderer', 'src/shared', '../../packages/ui/src'].map((d) =>
    path.join(appDir, d),
  );
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (built > Math.max(...sources.map(newestMtime))) return;
  say(built ? 'Renderer sources changed; rebuilding…' : 'Building the renderer…');
  const res = spawnSync('pnpm', ['--filter', '@sdr/desktop', 'build:renderer'], {
    cwd: repoDir,
    stdio: 'inherit',
    shell: isWindows,
  });
  if (res.status !== 0) fail('The renderer build failed (see above).');
}

async function healthy(url) {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts the sync server and resolves with the demo login it prints (null if none). */
async function startServer() {
  if (await healthy(serverUrl)) {
    say(`Using the sync server already running at ${serverUrl}.`);
    return null;
  }
  const port = new URL(serverUrl).port || '8787';
  // The server package's `start` script (`tsx src/main.ts`), run directly so Ctrl-C stays quiet.
  const child = run(tsxBin, ['src/main.ts'], {
    cwd: path.join(repoDir, 'apps/sync-server'),
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...env, PORT: port, DATA_DIR: env.DATA_DIR ?? path.join(repoDir, '.data/server') },
  });
  let login = null;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const match = /Demo login:\s*(\S+)\s*\/\s*(\S+)/.exec(chunk);
    if (match) login = { email: match[1], password: match[2] };
  });
  child.on('exit', (code) => fail(`The sync server exited (code ${code}).`));
  const deadline = Date.now() + 90_000;
  while (!(await healthy(serverUrl))) {
    if (Date.now() > deadline) fail(`The sync server did not answer at ${serverUrl} within 90 s.`);
    await new Promise((r) => setTimeout(r, 300));
  }
  await new Promise((r) => setTimeout(r, 100)); // let the banner with the demo login arrive
  return login;
}

/** The Electron binary, if installed and able to load our native SQLite module. */
function usableElectron() {
  let binary;
  try {
    binary = createRequire(path.join(appDir, 'package.json'))('electron');
  } catch {
    return { binary: null, why: 'the Electron binary is not installed' };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) {
    return { binary: null, why: 'the Electron binary is not installed' };
  }
  const probe = spawnSync(binary, ['-e', "require('better-sqlite3')(':memory:').close()"], {
    cwd: appDir,
    env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: 'ignore',
  });
  if (probe.status !== 0) {
    return {
      binary: null,
      why:
        'better-sqlite3 is built for Node, not Electron. To run the Electron shell, rebuild it with\n' +
        '    pnpm --filter @sdr/desktop exec electron-builder install-app-deps\n' +
        '  (and `pnpm rebuild better-sqlite3` before running the tests under Node again)',
    };
  }
  return { binary, why: null };
}

function demoEnv(login) {
  return login ? { DEMO_LOGIN: `${login.email}:${login.password}` } : {};
}

function startElectron(binary, login) {
  const res = spawnSync(process.execPath, [path.join(appDir, 'scripts/build-electron.mjs')], {
    stdio: 'inherit',
  });
  if (res.status !== 0) fail('Bundling the Electron app failed (see above).');
  const child = run(binary, [appDir], {
    cwd: appDir,
    env: { ...env, SERVER_URL: serverUrl, ...demoEnv(login) },
  });
  child.on('exit', () => stopAll(0));
}

function startWebShell(login) {
  return new Promise((resolve) => {
    const child = run(tsxBin, [path.join(appDir, 'src/engine/main.ts')], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...env,
        SERVER_URL: serverUrl,
        ...demoEnv(login),
        ENGINE_DATA_DIR: env.ENGINE_DATA_DIR ?? path.join(repoDir, '.data/desktop'),
      },
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const match = /SDR web shell: (\S+)/.exec(chunk);
      if (match) resolve(match[1]);
      else process.stdout.write(chunk);
    });
    child.on('exit', (code) => fail(`The engine web shell exited (code ${code}).`));
  });
}

buildRendererIfStale();
const login = await startServer();
const electron = usableElectron();
let where;
if (electron.binary) {
  startElectron(electron.binary, login);
  where = 'The desktop app is opening.';
} else {
  const url = await startWebShell(login);
  where = `Open the app in your browser:  ${url}\n  (web shell: ${electron.why})`;
}
say('');
say('  ─────────────────────────────────────────────────────────────');
say(`  ${where}`);
say(`  Sync server: ${serverUrl}`);
if (login) say(`  Demo login:  ${login.email}  /  ${login.password}   (signed in on first start)`);
else say('  Sign in with an account on that server, or sign up.');
say('  Ctrl-C stops everything.');
say('  ─────────────────────────────────────────────────────────────');
say('');

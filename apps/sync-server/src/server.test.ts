/** `startServer` and `main.ts` as a newcomer and other packages use them: real files, real processes. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, startServer } from './index.ts';
import { MemberDto } from '@sdr/schema';
import {
  apiClient,
  createPostgresDatabase,
  listItems,
  readMailFiles,
  testDatabaseKinds,
} from './test/harness.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'sdr-server-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('startServer (embedded PGlite)', () => {
  it('persists data, the JWT secret and demo seed in DATA_DIR across restarts', async () => {
    const dataDir = tempDir();
    const first = await startServer({ port: 0, dataDir, logLevel: 'silent' });
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.seed).toMatchObject({
        created: true,
        login: { email: 'demo@example.com', password: DEMO_PASSWORD },
      });
      expect(statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(dataDir, 'pglite')).isDirectory()).toBe(true);
    } finally {
      await first.close();
    }

    const second = await startServer({ port: 0, dataDir, logLevel: 'silent' });
    try {
      expect(second.seed?.created).toBe(false);
      const api = apiClient(second.url);
      const login = await api.post('/api/v1/auth/login', {
        email: 'demo@example.com',
        password: DEMO_PASSWORD,
      });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ role: 'admin', workspace: { name: 'Acme Demo' } });
      const members = await api.get('/api/v1/members', { token: login.body.accessToken });
      expect(listItems(members.body, MemberDto).map((m) => [m.email, m.role])).toEqual(
        DEMO_USERS.map((u) => [u.email, u.role]),
      );
      const secret = readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8').trim();
      expect(second.env.jwtSecret).toBe(secret);
    } finally {
      await second.close();
    }

    // An access token issued before a restart is still valid after it.
    const third = await startServer({ port: 0, dataDir, logLevel: 'silent' });
    const api = apiClient(third.url);
    try {
      const login = await api.post('/api/v1/auth/login', {
        email: 'sdr@example.com',
        password: DEMO_PASSWORD,
      });
      expect(login.body.role).toBe('sdr');
      await third.close();
      const fourth = await startServer({ port: 0, dataDir, logLevel: 'silent' });
      try {
        const me = await apiClient(fourth.url).get('/api/v1/me', { token: login.body.accessToken });
        expect(me.status).toBe(200);
      } finally {
        await fourth.close();
      }
    } finally {
      await third.close();
    }
  });

  it('without SMTP writes mail as .eml files under DATA_DIR/mail and logs the path', async () => {
    const dataDir = tempDir();
    const lines: string[] = [];
    const { createLogger } = await import('./logger.ts');
    const { Writable } = await import('node:stream');
    const logger = createLogger(
      'info',
      new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }),
    );
    const s = await startServer({ port: 0, dataDir, logger });
    try {
      const api = apiClient(s.url);
      expect(s.env.publicBaseUrl).toBe(`http://localhost:${s.port}`);
      const res = await api.post('/api/v1/auth/password-reset/request', {
        email: 'demo@example.com',
      });
      expect(res.status).toBe(202);
      const files = readdirSync(path.join(dataDir, 'mail'));
      expect(files).toHaveLength(1);
      const logged = lines.map((l) => JSON.parse(l) as { file?: string }).find((l) => l.file);
      expect(logged?.file).toBe(path.join(dataDir, 'mail', files[0]!));
      const [mail] = await readMailFiles(dataDir);
      expect(mail?.text).toContain(`http://localhost:${s.port}/reset-password/`);
      expect(mail?.from?.value[0]).toMatchObject({ name: 'SDR', address: 'no-reply@localhost' });
    } finally {
      await s.close();
    }
  });

  it('does not seed when SEED_DEMO is false', async () => {
    const s = await startServer({
      port: 0,
      dataDir: tempDir(),
      seedDemo: false,
      logLevel: 'silent',
    });
    try {
      expect(s.seed).toBeNull();
      const login = await apiClient(s.url).post('/api/v1/auth/login', {
        email: 'demo@example.com',
        password: DEMO_PASSWORD,
      });
      expect(login.status).toBe(401);
    } finally {
      await s.close();
    }
  });
});

describe.runIf(testDatabaseKinds().includes('postgres'))(
  'startServer (DATABASE_URL, real Postgres)',
  () => {
    it('migrates a fresh database, seeds on request and serves', async () => {
      const created = await createPostgresDatabase();
      try {
        const s = await startServer({
          port: 0,
          dataDir: tempDir(),
          databaseUrl: created.url,
          seedDemo: true,
          logLevel: 'silent',
        });
        try {
          const login = await apiClient(s.url).post('/api/v1/auth/login', {
            email: 'demo@example.com',
            password: DEMO_PASSWORD,
          });
          expect(login.status).toBe(200);
        } finally {
          await s.close();
        }
      } finally {
        await created.drop();
      }
    });
  },
);

describe('main.ts', () => {
  it('starts with `tsx src/main.ts`, prints the URL and demo login, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    // The tsx loader in this process, not the `tsx` CLI: the CLI relays SIGTERM to a child node
    // and, when that child does not answer its signal check within a few ms (a busy machine),
    // exits with 143 itself, which is not what this test is about.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, main], {
      env: { PATH: process.env['PATH'], PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 30_000;
    while (!/Demo login/.test(out) && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toContain('Demo login: demo@example.com / demo-password-123');
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    expect(url).toBeDefined();
    expect((await apiClient(url!).get('/healthz')).body).toEqual({ ok: true });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('fails fast with a clear message on a bad environment', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    // The tsx loader in this process, not the `tsx` CLI: the CLI relays SIGTERM to a child node
    // and, when that child does not answer its signal check within a few ms (a busy machine),
    // exits with 143 itself, which is not what this test is about.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, main], {
      env: { PATH: process.env['PATH'], PORT: 'not-a-port', DATA_DIR: tempDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) =>
      child.once('exit', (c) => resolve(c)),
    );
    expect(code).toBe(1);
    expect(err).toContain('Invalid sync-server environment');
    expect(err).toContain('PORT');
  });
});

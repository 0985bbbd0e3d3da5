import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from './env.ts';

describe('loadEnv', () => {
  it('applies the defaults of the embedded setup', () => {
    const env = loadEnv({}, '/srv/app');
    expect(env).toEqual({
      port: 8787,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: path.resolve('/srv/app', '.data/server'),
      publicBaseUrl: 'http://localhost:8787',
      jwtSecret: undefined,
      smtpUrl: undefined,
      mailFrom: 'SDR <no-reply@localhost>',
      logLevel: 'info',
      seedDemo: true,
      authRateLimit: { limit: 20, windowMs: 60_000 },
      secretBoxKey: undefined,
    });
  });

  it('reads every variable', () => {
    const env = loadEnv(
      {
        PORT: '9000',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://u@db:5432/sdr',
        DATA_DIR: '/var/lib/sdr',
        PUBLIC_BASE_URL: 'https://sync.example.com/',
        JWT_SECRET: 'x'.repeat(40),
        SMTP_URL: 'smtp://user:pass@mail:587',
        MAIL_FROM: 'Acme <no-reply@acme.test>',
        LOG_LEVEL: 'debug',
        AUTH_RATE_LIMIT: '5',
      },
      '/ignored',
    );
    expect(env).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u@db:5432/sdr',
      dataDir: '/var/lib/sdr',
      publicBaseUrl: 'https://sync.example.com',
      smtpUrl: 'smtp://user:pass@mail:587',
      logLevel: 'debug',
      seedDemo: false, // off by default with a real database
      authRateLimit: { limit: 5, windowMs: 60_000 },
    });
  });

  it('derives PUBLIC_BASE_URL from PORT and honours SEED_DEMO', () => {
    expect(loadEnv({ PORT: '1234' }).publicBaseUrl).toBe('http://localhost:1234');
    expect(loadEnv({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
    expect(loadEnv({ DATABASE_URL: 'postgresql://x/y', SEED_DEMO: '1' }).seedDemo).toBe(true);
    expect(loadEnv({ PORT: '' }).port).toBe(8787); // empty means unset
  });

  it('fails fast naming every bad variable', () => {
    const bad = () =>
      loadEnv({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        JWT_SECRET: 'short',
        LOG_LEVEL: 'loud',
        SMTP_URL: 'http://x',
      });
    expect(bad).toThrow(EnvError);
    try {
      bad();
    } catch (e) {
      const msg = (e as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL', 'SMTP_URL'])
        expect(msg).toContain(name);
    }
  });
});

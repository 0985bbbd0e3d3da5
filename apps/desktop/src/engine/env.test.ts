import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env.ts';

describe('engine env', () => {
  it('has defaults that work from a fresh clone', () => {
    const env = parseEnv({}, '/repo');
    expect(env.dataDir).toBe(path.resolve('/repo/.data/desktop'));
    expect(env.serverUrl).toBe('http://127.0.0.1:8787');
    expect(env.port).toBe(5174);
    expect(env.rendererDir.endsWith(path.join('apps', 'desktop', 'dist', 'renderer'))).toBe(true);
    expect(env.devOrigins).toEqual([]);
  });

  it('parses overrides and fails fast on bad values', () => {
    const env = parseEnv(
      {
        SERVER_URL: 'http://10.0.0.2:9000/',
        ENGINE_PORT: '0',
        ENGINE_DEV_ORIGINS: 'http://localhost:5173/ ',
      },
      '/repo',
    );
    expect(env.serverUrl).toBe('http://10.0.0.2:9000');
    expect(env.port).toBe(0);
    expect(env.devOrigins).toEqual(['http://localhost:5173']);
    expect(() => parseEnv({ ENGINE_PORT: 'eighty' }, '/repo')).toThrow(EnvError);
    expect(() => parseEnv({ SERVER_URL: 'ftp://x' }, '/repo')).toThrow(/SERVER_URL/);
  });
});

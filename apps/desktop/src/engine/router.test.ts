import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from './engine.ts';
import { EngineFailure } from './errors.ts';
import type { Handlers } from './handlers.ts';
import { createLogger, silentLogger } from './logger.ts';
import { createRouter } from './router.ts';
import { openEngine, tempDir } from './test/harness.ts';

describe('router', () => {
  let engine: Engine | undefined;
  afterEach(() => engine?.close());

  it('rejects an unknown channel with a typed error', async () => {
    engine = await openEngine({ dataDir: tempDir() });
    const result = await engine.dispatch('leads:dropTable', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'unknown_channel', message: 'Unknown channel: leads:dropTable' },
    });
  });

  it('does not treat inherited object keys as channels', async () => {
    engine = await openEngine({ dataDir: tempDir() });
    const result = await engine.dispatch('toString', {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('unknown_channel');
  });

  it('rejects invalid input with the zod issues, before any handler runs', async () => {
    engine = await openEngine({ dataDir: tempDir() });
    const result = await engine.dispatch('auth:signup', {
      email: 'not-an-email',
      password: 'short',
      name: 'Ada',
      workspaceName: 'Acme',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    const paths = result.error.issues?.map((i) => i.path).sort();
    expect(paths).toEqual(['email', 'password']);
  });

  it('rejects unexpected extra fields and wrong types', async () => {
    engine = await openEngine({ dataDir: tempDir() });
    const extra = await engine.dispatch('settings:setTheme', { theme: 'dark', evil: true });
    expect(!extra.ok && extra.error.code).toBe('invalid_input');
    const wrongType = await engine.dispatch('settings:setTheme', { theme: 42 });
    expect(!wrongType.ok && wrongType.error.issues?.[0]?.path).toBe('theme');
    const notAnObject = await engine.dispatch('auth:login', 'hello');
    expect(!notAnObject.ok && notAnObject.error.code).toBe('invalid_input');
  });

  it('serves local settings from SQLite and keeps them across engine restarts', async () => {
    const dataDir = tempDir();
    engine = await openEngine({ dataDir });
    expect(await engine.dispatch('settings:getTheme', {})).toEqual({ ok: true, data: 'system' });
    expect(await engine.dispatch('settings:setTheme', { theme: 'dark' })).toEqual({
      ok: true,
      data: 'dark',
    });
    engine.close();
    engine = await openEngine({ dataDir });
    expect(await engine.dispatch('settings:getTheme', {})).toEqual({ ok: true, data: 'dark' });
  });

  it('answers signed-out with no account, and unauthenticated for calls that need one', async () => {
    engine = await openEngine({ dataDir: tempDir() });
    expect(await engine.dispatch('auth:state', {})).toEqual({
      ok: true,
      data: { status: 'signed-out' },
    });
    const members = await engine.dispatch('members:list', {});
    expect(!members.ok && members.error.code).toBe('unauthenticated');
  });

  it('maps a network failure to server_unreachable', async () => {
    engine = await openEngine({ dataDir: tempDir() });
    const result = await engine.dispatch('auth:login', {
      email: 'a@example.com',
      password: 'whatever',
    });
    expect(!result.ok && result.error.code).toBe('server_unreachable');
  });

  it('turns an unexpected handler crash or a wrong output into a generic internal error', async () => {
    const lines: string[] = [];
    const log = createLogger('error', 'test', (line) => lines.push(line));
    const handlers = {
      'app:info': async () => {
        throw new TypeError('secret detail that must not leak');
      },
      'settings:getTheme': async () => 'purple',
    } as unknown as Handlers;
    const dispatch = createRouter(handlers, log);

    const crashed = await dispatch('app:info', {});
    expect(crashed).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong in the engine' },
    });
    const wrongOutput = await dispatch('settings:getTheme', {});
    expect(!wrongOutput.ok && wrongOutput.error.code).toBe('internal');
    expect(lines.join('\n')).toContain('secret detail');
    expect(lines).toHaveLength(2);
  });

  it('passes expected failures through with their code and server code', async () => {
    const handlers = {
      'app:info': async () => {
        throw new EngineFailure('conflict', 'That email is taken', { serverCode: 'email_taken' });
      },
    } as unknown as Handlers;
    const result = await createRouter(handlers, silentLogger)('app:info', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'That email is taken', serverCode: 'email_taken' },
    });
  });
});

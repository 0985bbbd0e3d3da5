import { describe, expect, it } from 'vitest';
import { loggableError } from './logger.ts';

describe('loggableError', () => {
  it('keeps the first line of messages and the stack frames, drops query parameters', () => {
    const driver = Object.assign(new Error('duplicate key value'), { code: '23505' });
    const err = new Error(
      'Failed query: insert into "credential" values ($1, $2)\nparams: u1,scrypt$16384$8$1$c2FsdA$aGFzaA',
      {
        cause: driver,
      },
    );
    const out = loggableError(err);
    const text = JSON.stringify(out);
    expect(out).toMatchObject({
      type: 'Error',
      message: 'Failed query: insert into "credential" values ($1, $2)',
      cause: { type: 'Error', message: 'duplicate key value', code: '23505' },
    });
    expect(text).not.toContain('scrypt$');
    expect(text).not.toContain('params:');
    expect((out as { stack: string }).stack).toMatch(/^ {4}at /);
  });
});

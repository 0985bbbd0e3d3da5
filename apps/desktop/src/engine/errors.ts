/**
 * The engine's one error class. Expected failures (bad input, server said no, server unreachable)
 * are thrown as `EngineFailure` and reach the renderer with their code and user message; anything
 * else is a broken invariant and becomes `internal` with a generic message (see router.ts).
 */
import type { EngineError, EngineErrorCode } from '../shared/contract.ts';

type Issue = { path: string; message: string };

export class EngineFailure extends Error {
  override name = 'EngineFailure';
  readonly code: EngineErrorCode;
  readonly issues: Issue[] | undefined;
  readonly serverCode: string | undefined;

  constructor(
    code: EngineErrorCode,
    message: string,
    opts: { cause?: unknown; issues?: Issue[]; serverCode?: string } = {},
  ) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.issues = opts.issues;
    this.serverCode = opts.serverCode;
  }

  toJSON(): EngineError {
    const error: EngineError = { code: this.code, message: this.message };
    if (this.issues) error.issues = this.issues;
    if (this.serverCode) error.serverCode = this.serverCode;
    return error;
  }
}

/** Whether an error means "the session is no longer valid" (sign the user out locally). */
export function isAuthFailure(err: unknown): boolean {
  return err instanceof EngineFailure && err.code === 'unauthenticated';
}

/** Whether an error means the server could not answer (fall back to local data). */
export function isServerDown(err: unknown): boolean {
  return (
    err instanceof EngineFailure &&
    (err.code === 'server_unreachable' || err.code === 'server_error')
  );
}

/**
 * The engine's single entry for contract calls, whatever the transport: checks the channel exists,
 * validates the input with the contract's zod schema, runs the handler, validates the output, and
 * turns every failure into a typed `{ ok: false, error }`.
 */
import type { z } from 'zod';
import { contract, type Channel, type EngineError, type Result } from '../shared/contract.ts';
import { EngineFailure } from './errors.ts';
import type { Handlers } from './handlers.ts';
import type { Logger } from './logger.ts';

export type Dispatch = (channel: string, rawInput: unknown) => Promise<Result<unknown>>;

function isChannel(channel: string): channel is Channel {
  return Object.hasOwn(contract, channel);
}

function issuesOf(error: z.ZodError): NonNullable<EngineError['issues']> {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function createRouter(handlers: Handlers, log: Logger): Dispatch {
  return async (channel, rawInput) => {
    if (typeof channel !== 'string' || !isChannel(channel)) {
      return fail({
        code: 'unknown_channel',
        message: `Unknown channel: ${String(channel).slice(0, 80)}`,
      });
    }
    const spec = contract[channel];
    const input = spec.input.safeParse(rawInput ?? {});
    if (!input.success) {
      return fail({
        code: 'invalid_input',
        message: 'Some fields are not valid',
        issues: issuesOf(input.error),
      });
    }
    try {
      const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
      const output = spec.output.safeParse(await handler(input.data));
      if (!output.success) {
        log.error('handler returned an invalid output', {
          channel,
          issues: issuesOf(output.error),
        });
        return fail({ code: 'internal', message: 'Something went wrong in the engine' });
      }
      return { ok: true, data: output.data };
    } catch (err) {
      if (err instanceof EngineFailure) {
        log.debug('expected failure', { channel, code: err.code });
        return fail(err.toJSON());
      }
      log.error('handler failed unexpectedly', { channel, err });
      return fail({ code: 'internal', message: 'Something went wrong in the engine' });
    }
  };
}

function fail(error: EngineError): Result<never> {
  return { ok: false, error };
}

/**
 * A small scoped logger with pino's levels. Writes one JSON line per record to stderr (stdout is
 * reserved for the web shell's URL). Never pass secrets or tokens in `fields`.
 */
import type { LogLevel } from './env.ts';

const ORDER: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  silent: 100,
};

type Fields = Record<string, unknown>;
type Write = (line: string) => void;

export interface Logger {
  trace(msg: string, fields?: Fields): void;
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(scope: string): Logger;
}

function serialize(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  return value;
}

export function createLogger(
  level: LogLevel = 'info',
  scope = 'engine',
  write: Write = (line) => process.stderr.write(line + '\n'),
): Logger {
  const threshold = ORDER[level];
  const log = (at: Exclude<LogLevel, 'silent'>, msg: string, fields?: Fields) => {
    if (ORDER[at] < threshold) return;
    const record: Fields = { level: at, time: new Date().toISOString(), scope, msg };
    for (const [k, v] of Object.entries(fields ?? {})) record[k] = serialize(v);
    write(JSON.stringify(record));
  };
  return {
    trace: (msg, fields) => log('trace', msg, fields),
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    child: (child) => createLogger(level, `${scope}:${child}`, write),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = createLogger('silent');

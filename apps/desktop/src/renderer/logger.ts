/**
 * The renderer's logger: scoped, leveled, and the only place that writes to the console. Never pass
 * it tokens, passwords or message bodies.
 */
export type Logger = {
  debug(message: string, details?: unknown): void;
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
};

export function createLogger(scope: string): Logger {
  const prefix = `[${scope}]`;
  return {
    debug(message, details) {
      if (!import.meta.env?.DEV) return;
      // eslint-disable-next-line no-console -- the logger is the one sanctioned console writer
      console.debug(prefix, message, ...(details === undefined ? [] : [details]));
    },
    warn(message, details) {
      // eslint-disable-next-line no-console -- the logger is the one sanctioned console writer
      console.warn(prefix, message, ...(details === undefined ? [] : [details]));
    },
    error(message, details) {
      // eslint-disable-next-line no-console -- the logger is the one sanctioned console writer
      console.error(prefix, message, ...(details === undefined ? [] : [details]));
    },
  };
}

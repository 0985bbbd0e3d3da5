/** Electron main's only reader of `process.env`: what the engine process inherits. */
export function engineProcessEnv(defaultDataDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  env.ENGINE_DATA_DIR ??= defaultDataDir;
  return env;
}

/** Opens DevTools and logs more when set (development only). */
export const isDev = process.env.SDR_DEV === '1';

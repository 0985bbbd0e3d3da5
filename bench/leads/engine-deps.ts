/** The engine modules the benchmark's engine process loads on `open` (see engine-worker.ts). */
export { openDb } from '../../apps/desktop/src/engine/db.ts';
export { createEngine } from '../../apps/desktop/src/engine/engine.ts';
export { createLogger } from '../../apps/desktop/src/engine/logger.ts';
export { plainSecretBox } from '../../apps/desktop/src/engine/secret-box.ts';

/** The app's one engine client, created when the renderer starts. */
import { connectEngine } from './engine-client.ts';
import type { EngineClient } from './engine-client.ts';

export const engine: EngineClient = connectEngine();

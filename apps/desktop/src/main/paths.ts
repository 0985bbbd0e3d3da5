/** Where the bundled pieces live, relative to the app (apps/desktop in dev, the asar when packed). */
import path from 'node:path';
import { app } from 'electron';

export function appPaths() {
  const root = app.getAppPath();
  return {
    rendererDir: path.join(root, 'dist/renderer'),
    preload: path.join(root, 'dist/preload/index.cjs'),
    engineEntry: path.join(root, 'dist/engine/main.js'),
    dataDir: app.getPath('userData'),
  };
}

/** The renderer's origin: everything the window loads comes from here. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The `app://renderer/` protocol serves the built renderer from disk. Paths are resolved inside the
 * renderer folder only (the same traversal check the web shell uses), with a strict CSP.
 */
import { protocol } from 'electron';
import { readStatic } from '../engine/static-files.ts';
import { APP_HOST, APP_SCHEME } from './paths.ts';

export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Must run before `app.whenReady()`. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || request.method !== 'GET') {
      return new Response('Not found', { status: 404 });
    }
    const result = await readStatic(rendererDir, url.pathname);
    return new Response(result.body, {
      status: result.status,
      headers: {
        'content-type': result.contentType,
        'content-security-policy': APP_CSP,
        'x-content-type-options': 'nosniff',
      },
    });
  });
}

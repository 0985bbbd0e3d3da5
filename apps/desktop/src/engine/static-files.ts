/**
 * Serves the built renderer from a folder: resolves a URL path inside the folder (refusing anything
 * that escapes it), falls back to index.html for client-side routes, and sets strict headers.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeFor(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Resolves a request path to a file inside `root`, or `null` if it would escape it (`..`, encoded
 * separators, NUL bytes, absolute paths after decoding).
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..')) return null;
  const base = path.resolve(root);
  const full = path.resolve(base, '.' + path.posix.normalize('/' + decoded));
  if (full !== base && !full.startsWith(base + path.sep)) return null;
  return full;
}

export type StaticResult =
  | { status: 200; body: Buffer; contentType: string; file: string }
  | { status: 403 | 404 | 503; body: string; contentType: string };

export async function readStatic(root: string, urlPath: string): Promise<StaticResult> {
  const file = resolveInside(root, urlPath);
  if (!file) return { status: 403, body: 'Forbidden', contentType: 'text/plain; charset=utf-8' };
  const found = await readFileIfAny(file);
  if (found) return { status: 200, ...found, contentType: contentTypeFor(found.file) };
  // Client-side routes have no extension: serve the app shell. Missing assets stay 404.
  if (path.extname(file) !== '')
    return { status: 404, body: 'Not found', contentType: 'text/plain; charset=utf-8' };
  const index = path.join(path.resolve(root), 'index.html');
  const shell = await readFileIfAny(index);
  if (shell) return { status: 200, ...shell, contentType: contentTypeFor(index) };
  return {
    status: 503,
    body: 'The renderer is not built yet. Run: pnpm --filter @sdr/desktop build:renderer',
    contentType: 'text/plain; charset=utf-8',
  };
}

/** Reads a file (a folder means its index.html); returns the path actually read. */
async function readFileIfAny(file: string): Promise<{ body: Buffer; file: string } | null> {
  try {
    const stat = await fs.stat(file);
    if (stat.isDirectory()) return readFileIfAny(path.join(file, 'index.html'));
    return { body: await fs.readFile(file), file };
  } catch {
    return null;
  }
}

/** The web shell's Content-Security-Policy: only our own scripts, and the engine socket. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Builds the renderer into dist/renderer. `base: './'` keeps every URL relative, so the same build
 * works under Electron's `app://` protocol and over http from the web shell. The build has no inline
 * scripts, and a strict Content-Security-Policy is written into index.html (build only: the dev
 * server injects an inline React Refresh preamble).
 *
 * `pnpm dev:renderer` serves the renderer with hot reload and proxies `/engine` to a running web
 * shell at ENGINE_URL (default http://127.0.0.1:5174).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'sdr-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

const engineUrl = process.env.ENGINE_URL ?? 'http://127.0.0.1:5174';

export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    // Chromium supports modulepreload natively; the polyfill would only add code.
    modulePreload: { polyfill: false },
    // Keep small assets as files: inlined data: URLs are fine, but inline scripts never.
    assetsInlineLimit: 0,
  },
  server: {
    // The web shell accepts sockets only from its own origin, so present the proxied socket as such.
    proxy: {
      '/engine': {
        target: engineUrl,
        ws: true,
        changeOrigin: true,
        headers: { origin: new URL(engineUrl).origin },
      },
    },
  },
});

/**
 * Minimal HTML pages behind the links in mails: `/invite/:token` shows the token to paste into the
 * desktop app; `/reset-password/:token` shows it too and offers a plain form to set a new password.
 * Browser pages, not API: they are not in the OpenAPI document.
 */
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { Password } from '@sdr/schema';
import { confirmPasswordReset } from '../auth/password-reset.service.ts';
import type { AppEnv, Deps } from '../context.ts';
import { ApiError } from '../errors.ts';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}
code{display:block;padding:.75rem;background:#f2f2f2;border-radius:6px;word-break:break-all;user-select:all}
input,button{font:inherit;padding:.4rem .6rem;margin:.25rem 0}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function tokenBlock(token: string): string {
  return `<code id="token">${escapeHtml(token)}</code>`;
}

export function pagesRoutes(deps: Deps) {
  // Only the pages' paths: mounted at `/`, a `*` middleware would also run for (and set these
  // headers on) every route mounted after this router, the inbox API's included.
  const pageHeaders = createMiddleware<AppEnv>(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('Referrer-Policy', 'no-referrer');
  });
  return new Hono<AppEnv>()
    .use('/invite/*', pageHeaders)
    .use('/reset-password/*', pageHeaders)
    .get('/invite/:token', (c) =>
      c.html(
        page(
          'You are invited',
          `<p>Open the SDR desktop app, choose <b>Accept invitation</b>, and paste this code:</p>${tokenBlock(c.req.param('token'))}<p>The code works once and expires 7 days after it was sent.</p>`,
        ),
      ),
    )
    .get('/reset-password/:token', (c) => {
      const token = c.req.param('token');
      return c.html(
        page(
          'Reset your password',
          `<p>Paste this code into the SDR desktop app, or choose a new password here:</p>${tokenBlock(token)}
<form method="post" action="/reset-password/${encodeURIComponent(token)}"><label>New password (at least 10 characters)<br>
<input type="password" name="password" minlength="10" maxlength="200" required autocomplete="new-password"></label><br>
<button type="submit">Set new password</button></form><p>The code works once and expires 1 hour after it was sent.</p>`,
        ),
      );
    })
    .post('/reset-password/:token', async (c) => {
      const form = await c.req.parseBody();
      const password = Password.safeParse(form['password']);
      if (!password.success) {
        const msg = password.error.issues[0]?.message ?? 'Choose another password.';
        return c.html(
          page('Reset your password', `<p>${escapeHtml(msg)}</p><p><a href="">Try again</a></p>`),
          400,
        );
      }
      try {
        await confirmPasswordReset(deps, c.req.param('token'), password.data);
      } catch (err) {
        if (!(err instanceof ApiError) || err.status >= 500) throw err;
        return c.html(page('Reset your password', `<p>${escapeHtml(err.message)}</p>`), err.status);
      }
      return c.html(
        page(
          'Password changed',
          '<p>Your password was changed and every device was signed out. Sign in again in the desktop app.</p>',
        ),
      );
    });
}

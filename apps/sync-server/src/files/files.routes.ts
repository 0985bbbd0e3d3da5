/**
 * File routes (the inbox's attachments):
 * - `POST /api/v1/files`: upload one file as the RAW request body (not multipart): `Content-Type`
 *   is the file's type, `X-File-Name` its name (percent-encoded UTF-8, e.g. `encodeURIComponent`),
 *   at most 20 MB (`FILE_LIMIT_BYTES`; larger → 413 and nothing stored). Answers 201 with the
 *   file's metadata; put `{ fileId: id, name, size, contentType }` in a message's `attachments`.
 *   This path is exempt from the app's 64 KB body limit (app.ts); the cap is enforced here while
 *   reading (Content-Length first, then the bytes actually received).
 * - `GET /api/v1/files/{id}`: the bytes, for members of the file's workspace (another workspace's
 *   file is a 404), always as a download (`Content-Disposition: attachment`,
 *   `X-Content-Type-Options: nosniff`, a sandboxing CSP): an uploaded HTML file never runs.
 * - `GET /media/{id}?exp=&sig=`: the same bytes without a token, through a signed expiring URL
 *   (media-url.ts) that providers fetch (Twilio `MediaUrl`). Forged or expired → 403.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ulid } from 'ulid';
import { pathId } from '../api-schemas.ts';
import type { AppEnv, Deps } from '../context.ts';
import { ApiError } from '../errors.ts';
import { requireAuth } from '../middleware/auth/index.ts';
import { bearerSecurity, createRouter, errors, jsonResponse } from '../openapi.ts';
import {
  FILE_LIMIT_BYTES,
  readStoredFile,
  readStoredFileById,
  storeFile,
  type StoredFileWithBytes,
} from './files.service.ts';
import { verifyMediaSignature } from './media-url.ts';

const tags = ['files'];
const params = z.object({ id: pathId('id') });

export const FileDto = z
  .object({
    id: z.string(),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    createdAt: z.number().int(),
  })
  .openapi('StoredFile');

const Binary = z.string().openapi({ type: 'string', format: 'binary' });
const binaryResponse = (description: string) =>
  ({ description, content: { 'application/octet-stream': { schema: Binary } } }) as const;

const uploadRoute = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary:
    "Upload a file (an attachment) into the caller's workspace: the raw bytes as the body, the file's type as " +
    '`Content-Type`, its name in `X-File-Name` (percent-encoded UTF-8). At most 20 MB: larger is a 413 and nothing is stored.',
  security: bearerSecurity,
  request: {
    headers: z.object({
      'x-file-name': z.string().max(1000).optional().openapi({
        description: 'The file name, percent-encoded UTF-8 (encodeURIComponent)',
      }),
    }),
    body: { required: true, content: { 'application/octet-stream': { schema: Binary } } },
  },
  responses: { 201: jsonResponse(FileDto, 'Stored'), ...errors(400, 401, 413) },
});

const downloadRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary:
    "Download a file of the caller's workspace (always `Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`)",
  security: bearerSecurity,
  request: { params },
  responses: { 200: binaryResponse('The bytes'), ...errors(401, 404) },
});

const mediaRoute = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary:
    'A file through a signed, expiring URL (no token; handed to providers such as Twilio as `MediaUrl`). Forged or expired: 403.',
  request: {
    params,
    query: z.object({
      exp: z.string().optional().openapi({ description: 'Expiry, unix seconds' }),
      sig: z.string().optional().openapi({ description: 'HMAC-SHA256 signature (base64url)' }),
    }),
  },
  responses: { 200: binaryResponse('The bytes'), ...errors(403, 404) },
});

/** Reads the request body up to `limit` bytes; more → 413 (the rest is not read). */
async function readCapped(c: Context<AppEnv>, limit: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new ApiError('payload_too_large', `The file is larger than ${limit / 1024 / 1024} MB.`);
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > limit) throw tooLarge();
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Node's web streams are async iterable; leaving the loop early cancels the stream.
  for await (const value of body as unknown as AsyncIterable<Uint8Array>) {
    size += value.byteLength;
    if (size > limit) throw tooLarge();
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function fileName(header: string | undefined): string | null {
  if (header === undefined) return null;
  try {
    return decodeURIComponent(header);
  } catch {
    throw new ApiError('invalid_input', 'X-File-Name must be percent-encoded UTF-8.');
  }
}

/** `attachment; filename="ascii"; filename*=UTF-8''…` (RFC 6266). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function fileResponse(c: Context<AppEnv>, f: StoredFileWithBytes) {
  c.header('Content-Type', f.contentType);
  c.header('Content-Length', String(f.bytes.byteLength));
  c.header('Content-Disposition', contentDisposition(f.name));
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Content-Security-Policy', "default-src 'none'; sandbox");
  c.header('Cache-Control', 'private, no-store');
  c.header('ETag', `"${f.sha256}"`);
  return c.body(f.bytes as Uint8Array<ArrayBuffer>, 200);
}

export function filesRoutes(deps: Deps) {
  const router = createRouter();
  router.use('*', requireAuth({ db: deps.db, secret: deps.env.jwtSecret, clock: deps.clock }));
  return router
    .openapi(uploadRoute, async (c) => {
      const auth = c.var.auth;
      const name = fileName(c.req.header('x-file-name'));
      const bytes = await readCapped(c, FILE_LIMIT_BYTES);
      const f = await storeFile(deps.db, {
        id: ulid(),
        workspaceId: auth.workspaceId,
        name,
        contentType: c.req.header('content-type'),
        bytes,
        createdBy: auth.userId,
        now: deps.clock().getTime(),
      });
      return c.json(
        {
          id: f.id,
          name: f.name,
          contentType: f.contentType,
          size: f.size,
          sha256: f.sha256,
          createdAt: f.createdAt,
        },
        201,
      );
    })
    .openapi(downloadRoute, async (c) => {
      const f = await readStoredFile(deps.db, c.var.auth.workspaceId, c.req.valid('param').id);
      if (!f) throw new ApiError('not_found', 'No such file.');
      return fileResponse(c, f);
    });
}

export function mediaRoutes(deps: Deps) {
  return createRouter().openapi(mediaRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { exp, sig } = c.req.valid('query');
    const check = verifyMediaSignature(deps.env.jwtSecret, id, exp, sig, deps.clock().getTime());
    if (check !== 'ok') {
      throw new ApiError(
        'forbidden',
        check === 'expired' ? 'This media link has expired.' : 'This media link is not valid.',
      );
    }
    const f = await readStoredFileById(deps.db, id);
    if (!f) throw new ApiError('not_found', 'No such file.');
    return fileResponse(c, f);
  });
}

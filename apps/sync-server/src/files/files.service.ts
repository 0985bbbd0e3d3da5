/**
 * The server's file store (attachments of inbox messages): files live in the `stored_file` table
 * with their bytes in a `bytea` column, at most `FILE_LIMIT_BYTES` (20 MB) each. Keeping them in
 * Postgres means every server instance can serve every file without a shared disk; 20 MB per row
 * is well within what Postgres handles (a `bytea` value may be up to 1 GB).
 *
 * Every read is scoped by workspace: a file of another workspace is "not found". Ids are ULIDs for
 * uploads; files received from a provider get a deterministic id (`derivedFileId`) so processing
 * the same inbound message twice stores each file once (`INSERT ... ON CONFLICT DO NOTHING`).
 *
 * Attachment `fileId`s that contain a `:` are NOT in this store: they name where the content lives
 * elsewhere (`imap:<mailbox>:<uidvalidity>:<uid>:<part>` for mail attachments over the limit,
 * `twilio:<MediaUrl>` for inbound MMS/WhatsApp media); see `isStoredFileId`.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { AttachmentValue } from '@sdr/schema';
import { storedFile } from '@sdr/schema/pg';
import type { Db } from '../db/schema.ts';

/** Largest file stored (bytes). */
export const FILE_LIMIT_BYTES = 20 * 1024 * 1024;

export interface FileMeta {
  id: string;
  workspaceId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  createdBy: string | null;
  createdAt: number;
}

export interface StoredFileWithBytes extends FileMeta {
  bytes: Uint8Array;
}

const META = {
  id: storedFile.id,
  workspaceId: storedFile.workspaceId,
  name: storedFile.name,
  contentType: storedFile.contentType,
  size: storedFile.size,
  sha256: storedFile.sha256,
  createdBy: storedFile.createdBy,
  createdAt: storedFile.createdAt,
};

/** True for ids of this store (ULIDs / derived ids); false for `imap:` / `twilio:` references. */
export function isStoredFileId(fileId: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(fileId);
}

/** A deterministic file id for content received from a provider (same input → same id). */
export function derivedFileId(workspaceId: string, ...parts: string[]): string {
  const h = createHash('sha256')
    .update([workspaceId, ...parts].join('\n'))
    .digest('base64url');
  return `f${h.slice(0, 31)}`;
}

/** A file name safe to store and to put in headers: no path, no control characters, ≤ 200 chars. */
export function cleanFileName(name: string | null | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return (clean || 'file').slice(0, 200);
}

/** A content type as stored: `type/subtype` (parameters kept), else application/octet-stream. */
export function cleanContentType(ct: string | null | undefined): string {
  const v = (ct ?? '').trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;.*)?$/.test(v) && v.length <= 200
    ? v
    : 'application/octet-stream';
}

export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
}

export interface StoreFileInput {
  id: string;
  workspaceId: string;
  name: string | null | undefined;
  contentType: string | null | undefined;
  bytes: Uint8Array;
  createdBy: string | null;
  now: number;
}

/**
 * Stores a file (idempotent on `id`: a second store of the same id keeps the first). Throws
 * `FileTooLargeError` over `FILE_LIMIT_BYTES`.
 */
export async function storeFile(db: Db, input: StoreFileInput): Promise<FileMeta> {
  if (input.bytes.byteLength > FILE_LIMIT_BYTES) {
    throw new FileTooLargeError(`The file is larger than ${FILE_LIMIT_BYTES / 1024 / 1024} MB.`);
  }
  const row = {
    id: input.id,
    workspaceId: input.workspaceId,
    name: cleanFileName(input.name),
    contentType: cleanContentType(input.contentType),
    size: input.bytes.byteLength,
    sha256: createHash('sha256').update(input.bytes).digest('hex'),
    createdBy: input.createdBy,
    createdAt: input.now,
  };
  await db
    .insert(storedFile)
    .values({ ...row, bytes: input.bytes })
    .onConflictDoNothing({ target: storedFile.id });
  const [stored] = await fileMetas(db, input.workspaceId, [input.id]);
  // Same id in another workspace (derived ids include the workspace, ULIDs are unique): never.
  if (!stored) throw new Error(`file ${input.id} was not stored`);
  return stored;
}

/** The file with its bytes, or null when it does not exist in this workspace. */
export async function readStoredFile(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<StoredFileWithBytes | null> {
  const [row] = await db
    .select()
    .from(storedFile)
    .where(and(eq(storedFile.id, id), eq(storedFile.workspaceId, workspaceId)))
    .limit(1);
  return row ?? null;
}

/** The file without workspace scoping (signed media URLs carry the authority instead). */
export async function readStoredFileById(db: Db, id: string): Promise<StoredFileWithBytes | null> {
  const [row] = await db.select().from(storedFile).where(eq(storedFile.id, id)).limit(1);
  return row ?? null;
}

/** Metadata of the given files that exist in the workspace. */
export async function fileMetas(
  db: Db,
  workspaceId: string,
  ids: readonly string[],
): Promise<FileMeta[]> {
  const wanted = ids.filter(isStoredFileId);
  if (wanted.length === 0) return [];
  return db
    .select(META)
    .from(storedFile)
    .where(
      and(eq(storedFile.workspaceId, workspaceId), inArray(storedFile.id, [...new Set(wanted)])),
    );
}

/** The attachment value a message carries for a stored file. */
export function attachmentOf(f: FileMeta): AttachmentValue {
  return { fileId: f.id, name: f.name, size: f.size, contentType: f.contentType };
}

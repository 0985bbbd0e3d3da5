/**
 * How a chosen file reaches the engine. The web shell takes the bytes at `POST /files?name=…` (same
 * origin) and answers the staged file; XMLHttpRequest because it reports upload progress. This is
 * the one module to swap in Electron, where the preload gives the file's path for
 * `files:stagePath` instead of uploading.
 */
import type { EngineError, Result, StoredFileDto } from '../../shared/contract.ts';

export type UploadProgress = { loaded: number; total: number };

export type Upload = {
  /** The staged file, or why it was not staged (an engine error, a dropped connection, cancel). */
  done: Promise<Result<StoredFileDto>>;
  cancel(): void;
};

const CODES: readonly EngineError['code'][] = [
  'invalid_input',
  'unknown_channel',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'server_unreachable',
  'server_error',
  'internal',
];

function failure(code: EngineError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function isStoredFile(value: unknown): value is StoredFileDto {
  const v = value as Partial<StoredFileDto> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.size === 'number' &&
    typeof v.url === 'string'
  );
}

/** The engine's answer to an upload: `201` + the file, or `{ error: { code, message } }`. */
export function uploadResult(status: number, body: string): Result<StoredFileDto> {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = null;
  }
  if (status >= 200 && status < 300 && isStoredFile(parsed)) return { ok: true, data: parsed };
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    const code = CODES.find((c) => c === error.code) ?? 'internal';
    return failure(code, error.message);
  }
  if (status === 403) return failure('forbidden', 'The engine refused the upload from this page.');
  if (status === 413) return failure('invalid_input', 'The file is larger than 1 GB.');
  return failure('internal', `The upload failed (HTTP ${status}).`);
}

export function uploadFile(file: File, onProgress: (progress: UploadProgress) => void): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Result<StoredFileDto>>((resolve) => {
    xhr.upload.addEventListener('progress', (event) => {
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    });
    xhr.addEventListener('load', () => resolve(uploadResult(xhr.status, xhr.responseText)));
    xhr.addEventListener('error', () =>
      resolve(
        failure(
          'server_unreachable',
          'The upload stopped: the local engine could not be reached. Try again.',
        ),
      ),
    );
    xhr.addEventListener('abort', () => resolve(failure('invalid_input', 'Upload cancelled.')));
  });
  xhr.open('POST', `/files?name=${encodeURIComponent(file.name)}`);
  xhr.setRequestHeader('content-type', 'application/octet-stream');
  xhr.send(file);
  return { done, cancel: () => xhr.abort() };
}

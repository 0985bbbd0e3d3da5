/** Errors of the records module: programming errors of callers, never untrusted input. */
export type RecordErrorCode =
  | 'unknown_field'
  | 'not_json'
  | 'outdated_doc'
  | 'newer_doc'
  | 'invalid_client_id'
  | 'invalid_doc_name';

export class RecordError extends Error {
  override readonly name = 'RecordError';
  constructor(
    readonly code: RecordErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

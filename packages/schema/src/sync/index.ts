/**
 * `@sdr/schema/sync`: the shared, pure core of record sync (loads Yjs). The server and the desktop
 * engine both call these; zod-only consumers import `@sdr/schema` and never load Yjs.
 * See ../records/README.md (doc shape, a public contract) and ./README.md (authority, conflicts,
 * wire protocol).
 */

// Record docs (../records).
export { docName, parseDocName } from '../records/doc-name.ts';
export type { DocRef } from '../records/doc-name.ts';
export {
  FIELDS_MAP,
  META_MAP,
  NOTES_TEXT,
  SCHEMA_VERSION_KEY,
  fieldsOf,
  isEmptyDoc,
  metaOf,
  notesOf,
  readRaw,
  readSchemaVersion,
} from '../records/doc-shape.ts';
export { defineRecordType, migrateRaw, NOTES_FIELD } from '../records/define.ts';
export type {
  FieldDef,
  FieldDefs,
  PerKeyDef,
  FieldValues,
  Migration,
  RawRecord,
  RecordType,
} from '../records/define.ts';
export { LEAD_FIELD_NAMES, leadRecord } from '../records/lead.ts';
export type { LeadFieldName, LeadFields } from '../records/lead.ts';
export { projectLead, projectRecord, readCurrentRaw, upcast } from '../records/project.ts';
export { foldPerKey, perKeyFieldOf, perKeyWrites } from '../records/keyed-fields.ts';
export {
  applyFieldChanges,
  createRecordDoc,
  loadRecordDoc,
  writeAs,
} from '../records/record-doc.ts';
export { applyNotesEdit } from '../records/notes-edit.ts';
export { RecordError } from '../records/record-error.ts';
export type { RecordErrorCode } from '../records/record-error.ts';
export { checkFieldChanges, checkFieldValue, projectRaw } from '../records/validate.ts';
export type { FieldIssue, FieldIssueCode, Projection } from '../records/validate.ts';
export { jsonEqual } from '../records/values.ts';

// Authority and conflicts.
export { applyServerChanges, validateAndCompensate } from './authority.ts';
export type { AuthorityResult, AuthorityRules, ServerWriteResult } from './authority.ts';
export { isInstallationClientId, newInstallationClientId, SERVER_CLIENT_ID } from './client-id.ts';
export { applyAndDetectConflicts, detectFieldConflicts } from './conflicts.ts';
export type { FieldConflict, WriteRef } from './conflicts.ts';
export { ALL_FIELDS_WRITABLE, decideFinalValues } from './decide.ts';
export type { CompensationCode, CompensationReason, FieldWriteCheck } from './decide.ts';
export { hasMissingDependencies } from './dependencies.ts';

// Wire protocol.
export {
  decodeSyncPayload,
  syncStep1Payload,
  syncStep2Payload,
  syncUpdatePayload,
} from './doc-sync.ts';
export type { SyncMessage } from './doc-sync.ts';
export { decodeFrame, encodeFrame } from './protocol.ts';
export {
  COMPENSATION_CODES,
  FRAME_TYPES,
  PROTOCOL_ERROR_CODES,
  PROTOCOL_LIMITS,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
} from './protocol-types.ts';
export type {
  Change,
  DecodeResult,
  Frame,
  FrameErrorCode,
  FrameOf,
  FrameType,
  ProtocolErrorCode,
  Reason,
} from './protocol-types.ts';

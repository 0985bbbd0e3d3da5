/** Requests and results of the authority path (see authority.service.ts). */
import type { LeadVisibilityPolicy, Viewer } from '@sdr/domain';
import type { RoleName } from '@sdr/schema';
import type { FieldIssue, FieldWriteCheck, Reason } from '@sdr/schema/sync';
import type { LeadRow } from './lead-row.ts';

/** A Yjs update from a client (the `/sync` socket or `/yjs`). */
export interface ClientUpdateRequest {
  readonly workspaceId: string;
  readonly userId: string;
  readonly role: RoleName;
  readonly viewer: Viewer;
  readonly policy: LeadVisibilityPolicy;
  /** The author's installation client id (null when unknown, e.g. `/yjs`). */
  readonly clientId: number | null;
  readonly docName: string;
  readonly update: Uint8Array;
}

export type ClientRefusal = 'missing_dependencies' | 'malformed_update' | 'forbidden' | 'internal';

export type ClientUpdateResult =
  | {
      readonly ok: true;
      /** The change-log seq of this update (the doc's current seq when nothing changed). */
      readonly seq: number;
      readonly changed: boolean;
      readonly compensation: Uint8Array | null;
      readonly reasons: readonly Reason[];
      readonly row: LeadRow | null;
    }
  | {
      readonly ok: false;
      readonly code: ClientRefusal;
      readonly message: string;
      /** The server doc's state vector, for a `docSync` step 1 after `missing_dependencies`. */
      readonly stateVector: Uint8Array | null;
    };

/** A server-side writer's change (REST now; campaign sender, webhooks, CRM later). */
export interface ServerWriteRequest {
  readonly workspaceId: string;
  /** The acting user, recorded in the change log; null for system writers. */
  readonly userId: string | null;
  readonly docName: string;
  readonly changes: Readonly<Record<string, unknown>>;
  /** `create`: the doc must not exist; `update`: it must exist in the workspace. */
  readonly mode: 'create' | 'update';
  readonly canWrite?: FieldWriteCheck;
  /** When set, an `update` of a lead the viewer cannot see is `not_found`. */
  readonly visibleTo?: { readonly viewer: Viewer; readonly policy: LeadVisibilityPolicy };
}

export type ServerWriteResult =
  | {
      readonly ok: true;
      readonly seq: number;
      readonly changed: boolean;
      readonly row: LeadRow;
      readonly notes: string;
    }
  | {
      readonly ok: false;
      readonly code: 'not_found' | 'conflict' | 'invalid_input' | 'internal';
      readonly message: string;
      readonly issues: readonly FieldIssue[];
    };

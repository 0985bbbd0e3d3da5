import { col, defineEntity } from '../define.ts';

/**
 * The projected row of a lead record (one Y.Doc per lead, see records/README.md). Columns mirror
 * the doc's `fields` (written only by projecting the doc with `projectLead`), plus sync
 * bookkeeping. On the client `yState` holds the doc's merged Yjs state (null while the lead was
 * shipped as a row only, before its doc was first needed); on the server it holds the latest
 * compacted snapshot. Notes live only in the doc.
 */
export const lead = defineEntity(
  'lead',
  {
    id: col.id(),
    workspaceId: col.text().notNull(),
    firstName: col.text().notNull().default(''),
    lastName: col.text().notNull().default(''),
    email: col.text().notNull().default(''),
    phone: col.text().notNull().default(''),
    company: col.text().notNull().default(''),
    title: col.text().notNull().default(''),
    industry: col.text().notNull().default(''),
    companySize: col.integer(),
    website: col.text().notNull().default(''),
    country: col.text().notNull().default(''),
    timezone: col.text().notNull().default(''),
    source: col.text().notNull().default(''),
    status: col.text().notNull().default('new'),
    statusReason: col.text().notNull().default(''),
    ownerId: col.text(),
    team: col.text(),
    tags: col.json<string[]>().notNull(),
    consentEmail: col.text().notNull().default('unknown'),
    consentSms: col.text().notNull().default('unknown'),
    consentCalls: col.text().notNull().default('unknown'),
    doNotContact: col.boolean().notNull().default(false),
    custom: col.json<Record<string, unknown>>().notNull().default({}),
    createdAt: col.timestamp(),
    lastContactedAt: col.timestamp(),
    mergedInto: col.text(),
    deleted: col.boolean().notNull().default(false),
    schemaVersion: col.integer().notNull(),
    /** Workspace change-log sequence number of the last change applied to this row. */
    seq: col.bigint().notNull(),
    yState: col.bytes(),
    updatedAt: col.timestamp().notNull().defaultNow(),
  },
  {
    indexes: [
      { name: 'lead_ws_seq_ix', columns: ['workspaceId', 'seq'] },
      { name: 'lead_ws_owner_ix', columns: ['workspaceId', 'ownerId'] },
      // Dedupe on import and the duplicates finder look leads up by email and phone.
      { name: 'lead_ws_email_ix', columns: ['workspaceId', 'email'] },
      { name: 'lead_ws_phone_ix', columns: ['workspaceId', 'phone'] },
    ],
  },
);

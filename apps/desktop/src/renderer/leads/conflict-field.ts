/**
 * A conflict-log entry's field as the lead detail shows and resolves it. The server logs custom
 * fields per entry (`cf:<key>`, one doc key each): they are named by the workspace's label for the
 * field, read from `lead.custom[key]`, and "keep the other value" writes that one entry (the
 * engine turns `custom` into per-entry writes, so the other custom fields are not touched);
 * `null` as the other value clears the entry. Built-in fields use their own names.
 */
import type { LeadFieldName } from '@sdr/schema';
import type { LeadDto, LeadFieldChanges } from '../../shared/contract.ts';
import { LEAD_FIELD_LABELS } from '../../shared/lead-labels.ts';

const CUSTOM_PREFIX = 'cf:';

export interface ConflictField {
  /** What the field is called on screen. */
  label: string;
  /** The lead's value of it now. */
  current: unknown;
  /** The `leads:update` changes that make `value` the field's value. */
  changesFor(value: unknown): LeadFieldChanges;
}

export function conflictField(
  field: string,
  lead: LeadDto,
  customDefs: readonly { key: string; label: string }[],
): ConflictField {
  if (field.startsWith(CUSTOM_PREFIX)) {
    const key = field.slice(CUSTOM_PREFIX.length);
    const custom = (lead.custom ?? {}) as Record<string, unknown>;
    return {
      label: customDefs.find((d) => d.key === key)?.label ?? key,
      current: custom[key] ?? null,
      changesFor(value) {
        const next = { ...custom };
        if (value === null || value === undefined) delete next[key];
        else next[key] = value;
        return { custom: next } as LeadFieldChanges;
      },
    };
  }
  return {
    label: LEAD_FIELD_LABELS[field as LeadFieldName] ?? field,
    current: (lead as Record<string, unknown>)[field] ?? null,
    changesFor: (value): LeadFieldChanges => ({ [field]: value }),
  };
}

import { describe, expect, it } from 'vitest';
import type { LeadFieldInfo } from '../../shared/contract.ts';
import { BUILT_IN_EXPORT_KEYS, exportColumns, humanise } from './columns.ts';

const field = (over: Partial<LeadFieldInfo>): LeadFieldInfo => ({
  key: 'x',
  label: 'X',
  type: 'text',
  custom: false,
  sortable: true,
  editable: true,
  ...over,
});

describe('export columns', () => {
  it('are the engine’s default columns (id first, no bookkeeping), labelled without the engine', () => {
    const columns = exportColumns(null);
    expect(columns[0]).toEqual({ key: 'id', label: 'Lead id' });
    expect(columns.map((c) => c.key)).toEqual(BUILT_IN_EXPORT_KEYS);
    expect(columns.map((c) => c.key)).toContain('email');
    expect(columns.map((c) => c.key)).not.toContain('deleted');
    expect(columns.map((c) => c.key)).not.toContain('mergedInto');
    expect(columns.find((c) => c.key === 'firstName')?.label).toBe('First name');
  });

  it('take the lead table’s labels and add custom fields', () => {
    const columns = exportColumns([
      field({ key: 'email', label: 'Work email' }),
      field({ key: 'custom.budget', label: 'Budget', custom: true }),
    ]);
    expect(columns.find((c) => c.key === 'email')?.label).toBe('Work email');
    expect(columns.at(-1)).toEqual({ key: 'custom.budget', label: 'Budget (custom)' });
  });

  it('humanises keys', () => {
    expect(humanise('lastContactedAt')).toBe('Last contacted at');
    expect(humanise('custom.deal_size')).toBe('Deal size');
  });
});

import { describe, expect, it } from 'vitest';
import type { LeadDto } from '../../shared/contract.ts';
import { LeadFieldChanges } from '../../shared/contract.ts';
import { conflictField } from './conflict-field.ts';

const lead = {
  id: 'L1',
  firstName: 'Ada',
  custom: { plan: 'Pro', seats: 12 },
} as unknown as LeadDto;
const defs = [{ key: 'plan', label: 'Plan' }];

describe('a conflict-log field', () => {
  it('names a custom field entry by its label, reads it from custom and writes only it back', () => {
    const f = conflictField('cf:plan', lead, defs);
    expect(f.label).toBe('Plan');
    expect(f.current).toBe('Pro');
    const changes = f.changesFor('Free');
    expect(changes).toEqual({ custom: { plan: 'Free', seats: 12 } });
    expect(LeadFieldChanges.safeParse(changes).success).toBe(true);
    // The other value was "not set": the entry is cleared.
    expect(f.changesFor(null)).toEqual({ custom: { seats: 12 } });
    // A field the settings no longer define keeps its key as the name.
    expect(conflictField('cf:seats', lead, defs)).toMatchObject({ label: 'seats', current: 12 });
    expect(conflictField('cf:gone', lead, defs).current).toBeNull();
  });

  it('names built-in fields as the rest of the app does', () => {
    const f = conflictField('firstName', lead, defs);
    expect(f.label).toBe('First name');
    expect(f.current).toBe('Ada');
    expect(f.changesFor('Augusta')).toEqual({ firstName: 'Augusta' });
  });
});

import { describe, expect, it } from 'vitest';
import { can, roleAtLeast } from './permissions.ts';

describe('permissions', () => {
  it.each([
    ['admin', 'members:invite', true],
    ['manager', 'members:invite', false],
    ['sdr', 'members:invite', false],
    ['admin', 'members:changeRole', true],
    ['sdr', 'members:changeRole', false],
    ['sdr', 'members:read', true],
  ] as const)('%s %s → %s', (role, permission, expected) => {
    expect(can(role, permission)).toBe(expected);
  });

  it('orders roles', () => {
    expect(roleAtLeast('admin', 'manager')).toBe(true);
    expect(roleAtLeast('sdr', 'manager')).toBe(false);
    expect(roleAtLeast('manager', 'manager')).toBe(true);
  });
});

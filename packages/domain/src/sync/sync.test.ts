import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEAD_FIELD_NAMES, NOTES_FIELD } from '@sdr/schema';
import { reconnectDelayMs } from './backoff.ts';
import { compareVersions, isReadOnlyClient } from './client-version.ts';
import { fieldWriteCheck } from './field-permissions.ts';
import { canSeeLead, visibilityChange, type Viewer } from './visibility.ts';

describe('fieldWriteCheck', () => {
  it.each([
    { role: 'admin', field: 'ownerId', ok: true },
    { role: 'manager', field: 'deleted', ok: true },
    { role: 'sdr', field: 'status', ok: true },
    { role: 'sdr', field: NOTES_FIELD, ok: true },
    { role: 'sdr', field: 'ownerId', ok: false },
    { role: 'sdr', field: 'deleted', ok: false },
    { role: 'sdr', field: 'unknownField', ok: false },
  ] as const)('$role writing $field → $ok', ({ role, field, ok }) => {
    expect(fieldWriteCheck(role, 'lead')(field)).toBe(ok);
  });

  it('allows nothing on an unknown record type', () => {
    expect(fieldWriteCheck('admin', 'nope')('status')).toBe(false);
  });

  it('lets admins and managers write every lead field', () => {
    for (const role of ['admin', 'manager'] as const) {
      expect(LEAD_FIELD_NAMES.every((f) => fieldWriteCheck(role, 'lead')(f))).toBe(true);
    }
  });
});

const sdr = (userId = 'me'): Viewer => ({
  userId,
  role: 'sdr',
  teamUserIds: new Set(['me', 'mate']),
});

describe('lead visibility', () => {
  it.each([
    { role: 'manager', policy: 'own', ownerId: 'stranger', sees: true },
    { role: 'admin', policy: 'own', ownerId: 'stranger', sees: true },
    { role: 'sdr', policy: 'all', ownerId: 'stranger', sees: true },
    { role: 'sdr', policy: 'team', ownerId: 'mate', sees: true },
    { role: 'sdr', policy: 'team', ownerId: 'stranger', sees: false },
    { role: 'sdr', policy: 'team', ownerId: null, sees: true },
    { role: 'sdr', policy: 'own', ownerId: 'me', sees: true },
    { role: 'sdr', policy: 'own', ownerId: null, sees: true },
    { role: 'sdr', policy: 'own', ownerId: 'mate', sees: false },
  ] as const)(
    '$role under $policy, lead owned by $ownerId → $sees',
    ({ role, policy, ownerId, sees }) => {
      const viewer: Viewer = { ...sdr(), role };
      expect(canSeeLead(viewer, { ownerId }, policy)).toBe(sees);
    },
  );

  it.each([
    { before: { ownerId: 'me' }, after: { ownerId: 'stranger' }, change: 'lost' },
    { before: { ownerId: 'stranger' }, after: { ownerId: null }, change: 'gained' },
    { before: null, after: { ownerId: 'me' }, change: 'gained' },
    { before: null, after: { ownerId: 'stranger' }, change: 'unchanged' },
    { before: { ownerId: 'me' }, after: { ownerId: null }, change: 'unchanged' },
  ])(
    'reassignment $before.ownerId → $after.ownerId is $change for an own-only SDR',
    ({ before, after, change }) => {
      expect(visibilityChange(sdr(), before, after, 'own')).toBe(change);
    },
  );
});

describe('reconnectDelayMs', () => {
  it('stays within [0, min(cap, base·2^attempt)) for any random value', () => {
    fc.assert(
      fc.property(
        fc.nat(100),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const d = reconnectDelayMs(attempt, () => r, { baseMs: 100, capMs: 10_000 });
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(Math.min(10_000, 100 * 2 ** attempt));
        },
      ),
    );
  });

  it('grows exponentially until the cap', () => {
    const max = (attempt: number): number =>
      reconnectDelayMs(attempt, () => 0.999999, { baseMs: 100, capMs: 1_000 });
    expect([0, 1, 2, 3, 4, 10].map(max)).toEqual([99, 199, 399, 799, 999, 999]);
  });
});

describe('client versions', () => {
  it.each([
    { a: '1.2.3', b: '1.2.3', sign: 0 },
    { a: '1.10.0', b: '1.9.9', sign: 1 },
    { a: '0.9.0', b: '1.0.0', sign: -1 },
    { a: '2.0.0-beta.1', b: '2.0.0', sign: 0 },
  ])('compare $a with $b', ({ a, b, sign }) => {
    expect(Math.sign(compareVersions(a, b)!)).toBe(sign);
  });

  it.each([
    { client: '1.0.0', min: '1.0.0', readOnly: false },
    { client: '0.9.9', min: '1.0.0', readOnly: true },
    { client: 'garbage', min: '1.0.0', readOnly: true },
  ])('client $client with minimum $min → read-only $readOnly', ({ client, min, readOnly }) => {
    expect(isReadOnlyClient(client, min)).toBe(readOnly);
  });
});

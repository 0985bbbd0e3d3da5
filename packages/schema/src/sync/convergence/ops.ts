/** fast-check generators of convergence-model operations, including invalid values. */
import fc from 'fast-check';
import type { Op, SystemConfig } from './system.ts';

/** Valid and invalid values per lead field; the server must compensate the invalid ones. */
const VALUES: Record<string, readonly unknown[]> = {
  firstName: ['Ada', 'Bob', 'Cy', 42],
  status: ['new', 'contacted', 'won', '', 'x'.repeat(70)],
  email: ['a@b.co', 'c@d.io', '', 'not-an-email'],
  tags: [['a'], ['a', 'b'], [], [1]],
  ownerId: [null, 'u1', 'u2', ''],
  deleted: [true, false, 'yes'],
};

const changes: fc.Arbitrary<Record<string, unknown>> = fc
  .uniqueArray(fc.constantFrom('status', ...Object.keys(VALUES)), { minLength: 1, maxLength: 2 })
  .chain((fields) =>
    fc
      .tuple(...fields.map((f) => fc.constantFrom(...VALUES[f]!)))
      .map((vals) => Object.fromEntries(fields.map((f, i) => [f, vals[i]]))),
  );

const validChanges = changes.map((c) =>
  Object.fromEntries(Object.entries(c).filter(([f, v]) => VALUES[f]!.indexOf(v) < 3 && v !== '')),
);

const client = fc.nat(7);

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      client,
      record: fc.oneof(fc.nat(2), fc.nat(20)),
      changes,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('create' as const), client, fields: changes }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('serverEdit' as const),
      record: fc.oneof(fc.nat(2), fc.nat(20)),
      changes: validChanges,
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      client,
      up: fc.boolean(),
      pick: fc.nat(50),
      duplicate: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('connect' as const, 'disconnect' as const, 'restart' as const),
      client,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'serverRestart' as const }) },
);

export const configArb: fc.Arbitrary<SystemConfig> = fc.record({
  clientIds: fc.uniqueArray(fc.integer({ min: 1, max: 0xffff_fffe }), {
    minLength: 2,
    maxLength: 4,
  }),
  pageSize: fc.integer({ min: 1, max: 5 }),
});

export const scenarioArb = fc.record({
  config: configArb,
  ops: fc.array(opArb, { minLength: 10, maxLength: 120, size: 'max' }),
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkQuiescentSystem } from './oracle.ts';
import { scenarioArb } from './ops.ts';
import { SyncSystem } from './system.ts';

describe('convergence of the whole sync system (model)', () => {
  it('property: after random edits, invalid values, disconnects, restarts, reordering and duplicates, all replicas agree and no write is lost silently', () => {
    fc.assert(
      fc.property(scenarioArb, ({ config, ops }) => {
        const system = new SyncSystem(config);
        for (const op of ops) system.run(op);
        system.heal();
        expect(checkQuiescentSystem(system)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('the oracle notices a replica that diverges', () => {
    const system = new SyncSystem({ clientIds: [10, 20], pageSize: 2 });
    system.heal();
    expect(checkQuiescentSystem(system)).toEqual([]);
    const [name, doc] = [...system.clients[0]!.docs][0]!;
    doc.getMap('fields').set('status', 'diverged');
    expect(checkQuiescentSystem(system).join('\n')).toContain(`client 0 row ${name} diverges`);
  });

  it('the oracle notices a concurrent overwrite missing from the conflict log', () => {
    const system = new SyncSystem({ clientIds: [10, 20], pageSize: 2 });
    system.heal();
    system.run({ kind: 'disconnect', client: 0 });
    system.run({ kind: 'disconnect', client: 1 });
    system.run({ kind: 'edit', client: 0, record: 0, changes: { status: 'contacted' } });
    system.run({ kind: 'edit', client: 1, record: 0, changes: { status: 'won' } });
    system.heal();
    expect(system.server.conflicts).toHaveLength(1);
    expect(checkQuiescentSystem(system)).toEqual([]);
    system.server.conflicts.length = 0;
    expect(checkQuiescentSystem(system).join('\n')).toMatch(
      /overwritten concurrently but not logged/,
    );
  });
});

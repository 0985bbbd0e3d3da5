import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fieldsOf } from '../records/doc-shape.ts';
import { leadRecord } from '../records/lead.ts';
import { projectLead } from '../records/project.ts';
import {
  applyFieldChanges,
  createRecordDoc,
  loadRecordDoc,
  writeAs,
} from '../records/record-doc.ts';
import { validateAndCompensate } from './authority.ts';
import { SERVER_CLIENT_ID } from './client-id.ts';

const ALICE = 1111;
const BOB = 2222;
const rules = { record: leadRecord };

/** A server doc and two replicas of it that then edit offline. */
function replicas(custom: Record<string, unknown>, oldShape = false) {
  const { doc: server } = createRecordDoc(leadRecord, 'L1', { status: 'new' }, SERVER_CLIENT_ID);
  // Docs written before custom fields were stored per key hold one `custom` object (so do new
  // docs, for their first values); the others got their values by edits, one key each.
  if (oldShape) writeAs(server, SERVER_CLIENT_ID, () => fieldsOf(server).set('custom', custom));
  else applyFieldChanges(leadRecord, server, { custom }, SERVER_CLIENT_ID);
  const copy = () => loadRecordDoc(server.guid, [Y.encodeStateAsUpdate(server)]);
  return { server, alice: copy(), bob: copy() };
}

describe('custom fields merge per field', () => {
  it('a new doc holds its first values as one object; each later edit is its own key', () => {
    const { doc } = createRecordDoc(
      leadRecord,
      'L2',
      { custom: { tier: 'gold', seats: 5 } },
      ALICE,
    );
    expect(fieldsOf(doc).get('custom')).toEqual({ tier: 'gold', seats: 5 });
    applyFieldChanges(leadRecord, doc, { custom: { tier: 'gold', seats: 6, region: 'us' } }, ALICE);
    expect(fieldsOf(doc).get('custom')).toEqual({ tier: 'gold', seats: 5 });
    expect(fieldsOf(doc).get('cf:seats')).toBe(6);
    expect(fieldsOf(doc).get('cf:region')).toBe('us');
    expect(fieldsOf(doc).has('cf:tier')).toBe(false);
    expect(projectLead(doc).values.custom).toEqual({ tier: 'gold', seats: 6, region: 'us' });
  });

  it.each([
    { shape: 'values set by edits', oldShape: false },
    { shape: 'values in the one object', oldShape: true },
  ])('two replicas edit different custom fields offline: both survive ($shape)', ({ oldShape }) => {
    const { server, alice, bob } = replicas({ tier: 'silver', seats: 5, region: 'emea' }, oldShape);
    // Each replica writes the whole custom object as its form holds it (only its own edit differs).
    const a = applyFieldChanges(
      leadRecord,
      alice,
      { custom: { ...projectLead(alice).values.custom, tier: 'gold' } },
      ALICE,
    )!;
    const b = applyFieldChanges(
      leadRecord,
      bob,
      { custom: { ...projectLead(bob).values.custom, seats: 12 } },
      BOB,
    )!;
    const ra = validateAndCompensate(server, a, rules);
    const rb = validateAndCompensate(server, b, rules);
    expect(ra.accepted && rb.accepted).toBe(true);
    expect(rb.accepted && rb.conflicts).toEqual([]);
    const want = { tier: 'gold', seats: 12, region: 'emea' };
    expect(rb.accepted && rb.projected.values.custom).toEqual(want);
    // Replicas converge on the same values whatever order they merge in.
    Y.applyUpdate(alice, b);
    Y.applyUpdate(bob, a);
    expect(projectLead(alice).values.custom).toEqual(want);
    expect(projectLead(bob).values.custom).toEqual(want);
  });

  it('two replicas edit the same custom field: one wins and the conflict is logged', () => {
    const { server, alice, bob } = replicas({ tier: 'silver', seats: 5 });
    const a = applyFieldChanges(leadRecord, alice, { custom: { tier: 'gold', seats: 5 } }, ALICE)!;
    const b = applyFieldChanges(leadRecord, bob, { custom: { tier: 'bronze', seats: 5 } }, BOB)!;
    validateAndCompensate(server, a, rules);
    const rb = validateAndCompensate(server, b, rules);
    expect(rb.accepted && rb.conflicts).toEqual([
      expect.objectContaining({
        field: 'cf:tier',
        previous: expect.objectContaining({ clientId: ALICE, value: 'gold' }),
        incoming: expect.objectContaining({ clientId: BOB, value: 'bronze' }),
        winner: 'incoming', // the higher client id wins a Y.Map key
      }),
    ]);
    expect(projectLead(server).values.custom).toEqual({ tier: 'bronze', seats: 5 });
  });

  it('clearing a custom field writes null under its key and drops it from the value', () => {
    const { alice } = replicas({ tier: 'gold', seats: 5 }, true);
    applyFieldChanges(leadRecord, alice, { custom: { seats: 5 } }, ALICE);
    expect(fieldsOf(alice).get('cf:tier')).toBeNull();
    expect(projectLead(alice).values.custom).toEqual({ seats: 5 });
    // Nothing changed: no update.
    expect(applyFieldChanges(leadRecord, alice, { custom: { seats: 5 } }, ALICE)).toBeNull();
  });

  it.each([
    { name: 'bad value', key: 'cf:tier', value: { nested: true } },
    { name: 'bad key', key: 'cf:Not A Key', value: 'x' },
  ])('the server puts back an invalid custom field entry ($name)', ({ key, value }) => {
    const { server, alice } = replicas({ tier: 'silver' });
    const u = writeAs(alice, ALICE, () => fieldsOf(alice).set(key, value))!;
    const r = validateAndCompensate(server, u, rules);
    expect(r.accepted && r.reasons).toEqual([
      expect.objectContaining({ field: key, code: 'invalid_value' }),
    ]);
    expect(projectLead(server).values.custom).toEqual({ tier: 'silver' });
    expect(projectLead(server).issues).toEqual([]);
  });

  it('an author who may not write custom fields has the entry put back', () => {
    const { server, alice } = replicas({ tier: 'silver' });
    const u = applyFieldChanges(leadRecord, alice, { custom: { tier: 'gold' } }, ALICE)!;
    const r = validateAndCompensate(server, u, { ...rules, canWrite: (f) => f !== 'custom' });
    expect(r.accepted && r.reasons).toEqual([
      expect.objectContaining({ field: 'cf:tier', code: 'forbidden_field' }),
    ]);
    expect(projectLead(server).values.custom).toEqual({ tier: 'silver' });
  });
});

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fieldsOf, metaOf } from '../records/doc-shape.ts';
import { leadRecord } from '../records/lead.ts';
import { projectLead } from '../records/project.ts';
import {
  applyFieldChanges,
  createRecordDoc,
  loadRecordDoc,
  writeAs,
} from '../records/record-doc.ts';
import { applyServerChanges, validateAndCompensate } from './authority.ts';
import { SERVER_CLIENT_ID } from './client-id.ts';

const CLIENT = 1234;
const rules = { record: leadRecord };

function setup(fields: Record<string, unknown> = { status: 'new', email: 'a@b.co' }) {
  const { doc: server } = createRecordDoc(leadRecord, 'L1', fields, SERVER_CLIENT_ID);
  const client = loadRecordDoc(server.guid, [Y.encodeStateAsUpdate(server)]);
  return { server, client };
}

describe('validateAndCompensate', () => {
  it('accepts a valid update without compensation', () => {
    const { server, client } = setup();
    const r = validateAndCompensate(
      server,
      applyFieldChanges(leadRecord, client, { status: 'won' }, CLIENT)!,
      rules,
    );
    expect(r).toMatchObject({
      accepted: true,
      changed: true,
      compensation: null,
      reasons: [],
      conflicts: [],
    });
    expect(r.accepted && r.projected.values).toMatchObject({ status: 'won' });
  });

  it.each([
    { name: 'empty status', changes: { status: '' }, field: 'status', restored: 'new' },
    { name: 'bad email', changes: { email: 'nope' }, field: 'email', restored: 'a@b.co' },
    { name: 'wrong type', changes: { firstName: 42 }, field: 'firstName', restored: '' },
    { name: 'tags not strings', changes: { tags: [1, 2] }, field: 'tags', restored: [] },
  ])(
    'reverts an invalid value ($name) on every replica and says why',
    ({ changes, field, restored }) => {
      const { server, client } = setup();
      const update = applyFieldChanges(leadRecord, client, changes, CLIENT)!;
      const r = validateAndCompensate(server, update, rules);
      if (!r.accepted) throw new Error('expected accepted');
      expect(r.reasons).toEqual([{ field, code: 'invalid_value', message: expect.any(String) }]);
      expect(r.compensation).not.toBeNull();
      expect(fieldsOf(server).get(field)).toEqual(restored);
      expect(r.projected.issues).toEqual([]);
      Y.applyUpdate(client, r.compensation!);
      expect(projectLead(client)).toEqual(projectLead(server));
      expect(
        Y.decodeUpdate(r.compensation!).structs.every((s) => s.id.client === SERVER_CLIENT_ID),
      ).toBe(true);
    },
  );

  it('keeps the valid fields of an update and reverts only the invalid one', () => {
    const { server, client } = setup();
    const update = applyFieldChanges(leadRecord, client, { status: '', title: 'CTO' }, CLIENT)!;
    const r = validateAndCompensate(server, update, rules);
    expect(r.accepted && r.projected.values).toMatchObject({ status: 'new', title: 'CTO' });
  });

  it('reverts fields the author may not write, including notes', () => {
    const { server, client } = setup({ ownerId: 'u1' });
    const update = writeAs(client, CLIENT, () => {
      fieldsOf(client).set('ownerId', 'u2');
      fieldsOf(client).set('title', 'ok');
      client.getText('notes').insert(0, 'hello');
    })!;
    const canWrite = (f: string): boolean => f !== 'ownerId' && f !== 'notes';
    const r = validateAndCompensate(server, update, { record: leadRecord, canWrite });
    if (!r.accepted) throw new Error('expected accepted');
    expect(r.reasons.map((x) => [x.field, x.code])).toEqual([
      ['ownerId', 'forbidden_field'],
      ['notes', 'forbidden_field'],
    ]);
    expect(r.projected.values).toMatchObject({ ownerId: 'u1', title: 'ok' });
    expect(r.projected.notes).toBe('');
  });

  it('removes unknown keys and undoes a client’s schema-version change', () => {
    const { server, client } = setup();
    const update = writeAs(client, CLIENT, () => {
      fieldsOf(client).set('hack', true);
      metaOf(client).set('schemaVersion', 99);
    })!;
    const r = validateAndCompensate(server, update, rules);
    if (!r.accepted) throw new Error('expected accepted');
    expect(r.reasons.map((x) => x.code).sort()).toEqual(['schema_version', 'unknown_field']);
    expect(fieldsOf(server).has('hack')).toBe(false);
    expect(r.projected.schemaVersion).toBe(leadRecord.version);
  });

  it('accepts a duplicate as unchanged', () => {
    const { server, client } = setup();
    const update = applyFieldChanges(leadRecord, client, { status: 'won' }, CLIENT)!;
    validateAndCompensate(server, update, rules);
    expect(validateAndCompensate(server, update, rules)).toMatchObject({
      accepted: true,
      changed: false,
      compensation: null,
    });
  });

  it('refuses, without touching the doc, an update whose dependencies are missing', () => {
    const { server, client } = setup();
    applyFieldChanges(leadRecord, client, { status: 'a' }, CLIENT);
    const second = applyFieldChanges(leadRecord, client, { status: 'b' }, CLIENT)!;
    const before = Y.encodeStateAsUpdate(server);
    expect(validateAndCompensate(server, second, rules)).toMatchObject({
      accepted: false,
      code: 'missing_dependencies',
    });
    expect(Y.encodeStateAsUpdate(server)).toEqual(before);
    expect(server.store.pendingStructs).toBeNull();
  });

  it('refuses bytes that are not a Yjs update', () => {
    const { server } = setup();
    expect(validateAndCompensate(server, new Uint8Array([255, 255, 255, 1]), rules)).toMatchObject({
      accepted: false,
      code: 'malformed_update',
    });
  });

  it('upcasts a client-created doc of an older version instead of dropping its old-shape keys', () => {
    const server = new Y.Doc({ guid: 'lead:old' });
    const client = new Y.Doc({ guid: 'lead:old' });
    const update = writeAs(client, CLIENT, () => {
      fieldsOf(client).set('name', 'Grace Hopper');
      metaOf(client).set('schemaVersion', 0);
    })!;
    const r = validateAndCompensate(server, update, rules);
    if (!r.accepted) throw new Error('expected accepted');
    expect(r.reasons).toEqual([]);
    expect(r.projected).toMatchObject({
      schemaVersion: leadRecord.version,
      values: { firstName: 'Grace', lastName: 'Hopper' },
    });
  });
});

describe('applyServerChanges', () => {
  it('writes valid changes as the server and refuses invalid ones', () => {
    const { server } = setup();
    const ok = applyServerChanges(server, { status: 'won' }, rules);
    expect(ok).toMatchObject({ ok: true, projected: { values: { status: 'won' } } });
    expect(ok.ok && Y.decodeUpdate(ok.update!).structs[0]!.id.client).toBe(SERVER_CLIENT_ID);
    expect(applyServerChanges(server, { status: '' }, rules)).toMatchObject({
      ok: false,
      issues: [{ field: 'status' }],
    });
    expect(
      applyServerChanges(server, { ownerId: 'x' }, { record: leadRecord, canWrite: () => false }),
    ).toMatchObject({
      ok: false,
      issues: [{ code: 'forbidden_field' }],
    });
    expect(projectLead(server).values.status).toBe('won');
  });
});

describe('validateAndCompensate and schema versions', () => {
  it('validates a new doc that claims an unknown newer version, and pins the version', () => {
    const server = new Y.Doc({ guid: 'lead:new' });
    const client = new Y.Doc({ guid: 'lead:new' });
    const update = writeAs(client, CLIENT, () => {
      fieldsOf(client).set('status', '');
      metaOf(client).set('schemaVersion', 99);
    })!;
    const r = validateAndCompensate(server, update, rules);
    if (!r.accepted) throw new Error('expected accepted');
    expect(r.reasons.map((x) => x.code).sort()).toEqual(['invalid_value', 'schema_version']);
    expect(r.projected.schemaVersion).toBe(leadRecord.version);
  });
});

describe('validateAndCompensate: the projection it returns', () => {
  it('is the doc’s projection after the update, compensated or not', () => {
    const { server, client } = setup({ status: 'new', email: 'a@b.co', tags: ['x'] });
    const noStatus = { record: leadRecord, canWrite: (f: string) => f !== 'status' };
    const steps: [Uint8Array, typeof rules | typeof noStatus][] = [];
    const push = (u: Uint8Array | null, r: typeof rules | typeof noStatus = rules) => {
      if (u) steps.push([u, r]);
    };
    push(applyFieldChanges(leadRecord, client, { company: 'Acme', tags: ['x', 'y'] }, CLIENT));
    push(applyFieldChanges(leadRecord, client, { custom: { tier: 'gold', n: 3 } }, CLIENT));
    push(applyFieldChanges(leadRecord, client, { custom: { tier: 'gold' } }, CLIENT));
    push(applyFieldChanges(leadRecord, client, { status: 'won' }, CLIENT), noStatus);
    // Invalid values and an unknown key, written past the client's own checks.
    push(writeAs(client, CLIENT, () => fieldsOf(client).set('email', 'not an email')));
    push(writeAs(client, CLIENT, () => fieldsOf(client).set('extra', 1)));
    push(writeAs(client, CLIENT, () => fieldsOf(client).set('cf:Bad Key', 1)));
    push(applyFieldChanges(leadRecord, client, { firstName: 'Ada' }, CLIENT));
    expect(steps).toHaveLength(8);
    let compensated = 0;
    for (const [update, r] of [...steps, steps[0]!]) {
      const result = validateAndCompensate(server, update, r);
      if (!result.accepted) throw new Error(result.message);
      if (result.compensation) compensated += 1;
      expect(result.projected).toEqual(projectLead(server));
    }
    expect(compensated).toBeGreaterThanOrEqual(3);
  });
});

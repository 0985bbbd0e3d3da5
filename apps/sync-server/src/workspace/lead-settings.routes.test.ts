import { describe, expect, it } from 'vitest';
import { DEFAULT_LEAD_SETTINGS, LeadSettingsResponse } from '@sdr/schema';
import {
  addMember,
  countRows,
  signUp,
  testDatabaseKinds,
  useServerSuite,
} from '../test/harness.ts';

const PATH = '/api/v1/workspace/lead-settings';

const settings = {
  pipeline: {
    stages: [
      { key: 'new', label: 'New', kind: 'open' },
      { key: 'meeting', label: 'Meeting booked', kind: 'open' },
      { key: 'won', label: 'Won', kind: 'won' },
      { key: 'lost', label: 'Lost', kind: 'lost', reasons: ['No budget'] },
    ],
  },
  customFields: [
    { key: 'plan', label: 'Plan', type: 'select', options: ['Free', 'Pro'] },
    { key: 'seats', label: 'Seats', type: 'number' },
  ],
  scoring: { fit: [], engagement: [] },
  routing: { kind: 'unassigned' },
};

describe.each(testDatabaseKinds())('lead settings (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('answers the defaults until saved; managers and admins save; SDRs may not', async () => {
    const admin = await signUp(t.api);
    const manager = await addMember(t.server, admin.accessToken, 'manager');
    const sdr = await addMember(t.server, admin.accessToken, 'sdr');
    const first = await t.api.get(PATH, { token: sdr.accessToken });
    expect(first.status).toBe(200);
    expect(LeadSettingsResponse.parse(first.body)).toEqual({
      settings: DEFAULT_LEAD_SETTINGS,
      updatedAt: null,
    });

    const before = await countRows(t.db);
    const refused = await t.api.request('PUT', PATH, settings, { token: sdr.accessToken });
    expect(refused.status).toBe(403);
    expect(await countRows(t.db)).toEqual(before);

    const saved = await t.api.request('PUT', PATH, settings, { token: manager.accessToken });
    expect(saved.status).toBe(200);
    expect(saved.body.settings.pipeline.stages[0]).toEqual({
      key: 'new',
      label: 'New',
      kind: 'open',
      reasons: [],
    });
    expect(saved.body.updatedAt).toBeGreaterThan(0);
    const read = await t.api.get(PATH, { token: sdr.accessToken });
    expect(read.body).toEqual({ settings: saved.body.settings, updatedAt: saved.body.updatedAt });
    expect(saved.body.unknownStages).toEqual([]);
    const byAdmin = await t.api.request(
      'PUT',
      PATH,
      { ...settings, customFields: [] },
      { token: admin.accessToken },
    );
    expect(byAdmin.body.settings.customFields).toEqual([]);
    const other = await signUp(t.api);
    expect((await t.api.get(PATH, { token: other.accessToken })).body.updatedAt).toBeNull();
  });

  it('reports stages that leads use but the pipeline lacks (saving is allowed)', async () => {
    const admin = await signUp(t.api);
    for (const status of ['working', 'working', 'new']) {
      const res = await t.api.post('/api/v1/leads', { status }, { token: admin.accessToken });
      expect(res.status).toBe(201);
    }
    const res = await t.api.request('PUT', PATH, settings, { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.unknownStages).toEqual([{ stage: 'working', leads: 2 }]);
    const read = await t.api.get(`${PATH}?unknownStages=true`, { token: admin.accessToken });
    expect(read.body.unknownStages).toEqual([{ stage: 'working', leads: 2 }]);
    // A plain read does not count the leads.
    expect(
      (await t.api.get(PATH, { token: admin.accessToken })).body.unknownStages,
    ).toBeUndefined();
  });

  it('refuses invalid settings with issues and writes nothing', async () => {
    const admin = await signUp(t.api);
    const before = await countRows(t.db);
    const dupStages = {
      ...settings,
      pipeline: { stages: [settings.pipeline.stages[0], settings.pipeline.stages[0]] },
    };
    for (const body of [
      dupStages,
      { ...settings, pipeline: { stages: [] } },
      { ...settings, customFields: [{ key: 'plan', label: 'Plan', type: 'select' }] },
      { ...settings, customFields: [{ key: 'Bad Key', label: 'x', type: 'text' }] },
      { ...settings, routing: { kind: 'telepathy' } },
      { pipeline: settings.pipeline },
    ]) {
      const res = await t.api.request('PUT', PATH, body, { token: admin.accessToken });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.issues.length).toBeGreaterThan(0);
    }
    expect(await countRows(t.db)).toEqual(before);
  });
});

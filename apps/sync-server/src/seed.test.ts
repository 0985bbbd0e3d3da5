import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { membership, user, workspace } from '@sdr/schema/pg';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';
import { apiClient, signUp, testDatabaseKinds, useServerSuite } from './test/harness.ts';

describe.each(testDatabaseKinds())('seedDemo (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('creates Acme Demo with an admin, a manager and an sdr, once', async () => {
    expect(await seedDemo(t.db)).toMatchObject({
      created: true,
      login: { email: 'demo@example.com', password: DEMO_PASSWORD },
      workspace: { id: expect.any(String) as unknown, users: expect.any(Array) as unknown },
    });
    expect(await seedDemo(t.db)).toEqual({
      created: false,
      login: { email: 'demo@example.com', password: DEMO_PASSWORD },
    });
    const [ws] = await t.db.select({ n: count() }).from(workspace);
    const [users] = await t.db.select({ n: count() }).from(user);
    const roles = (await t.db.select({ role: membership.role }).from(membership))
      .map((r) => r.role)
      .sort();
    expect([ws?.n, users?.n, roles]).toEqual([1, 3, ['admin', 'manager', 'sdr']]);
    const login = await apiClient(t.url).post('/api/v1/auth/login', {
      email: 'demo@example.com',
      password: DEMO_PASSWORD,
    });
    expect(login.body).toMatchObject({ role: 'admin', workspace: { name: 'Acme Demo' } });
  });

  it('does nothing when there are already users', async () => {
    await signUp(t.api);
    expect(await seedDemo(t.db)).toEqual({ created: false, login: null });
    const [ws] = await t.db.select({ n: count() }).from(workspace);
    expect(ws?.n).toBe(1);
  });
});

describe('seedDemoLeads', () => {
  it('seeds realistic, valid leads through the authority, owned by the demo team', async () => {
    const { startServer } = await import('./server.ts');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const running = await startServer({
      env: {
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'seed-leads-')),
        PORT: '0',
        LOG_LEVEL: 'silent',
      },
      seedDemo: true,
    });
    try {
      const login = await apiClient(running.url).post('/api/v1/auth/login', {
        email: 'demo@example.com',
        password: DEMO_PASSWORD,
      });
      const auth = { token: login.body.accessToken as string };
      const page = await apiClient(running.url).get('/api/v1/leads?limit=500', auth);
      const leads = page.body.items as Record<string, unknown>[];
      expect(leads.length).toBe(240);
      expect(new Set(leads.map((l) => l.email)).size).toBe(240);
      expect(leads.every((l) => /^\+[1-9]\d{6,14}$/.test(l.phone as string))).toBe(true);
      expect(new Set(leads.map((l) => l.status))).toEqual(
        new Set(['new', 'working', 'qualified', 'converted', 'disqualified']),
      );
      expect(leads.filter((l) => l.ownerId !== null).length).toBeGreaterThan(150);
      const one = await apiClient(running.url).get(`/api/v1/leads/${leads[0]!.id as string}`, auth);
      expect(typeof one.body.notes).toBe('string');
    } finally {
      await running.close();
    }
  });
});

import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { membership, user, workspace } from '@sdr/schema/pg';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';
import { apiClient, signUp, testDatabaseKinds, useServerSuite } from './test/harness.ts';

describe.each(testDatabaseKinds())('seedDemo (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('creates Acme Demo with an admin, a manager and an sdr, once', async () => {
    expect(await seedDemo(t.db)).toEqual({
      created: true,
      login: { email: 'demo@example.com', password: DEMO_PASSWORD },
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

/** The visibility cache loads each workspace once at a time, however many callers ask. */
import { describe, expect, it } from 'vitest';
import { signUp, testDatabaseKinds, useServerSuite } from '../test/harness.ts';
import { VisibilityService } from './visibility.service.ts';

describe.each(testDatabaseKinds())('VisibilityService (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('shares one load between concurrent callers once the cache has expired', async () => {
    const admin = await signUp(t.api);
    const me = (await t.api.get('/api/v1/me', { token: admin.accessToken })).body as {
      workspace: { id: string };
    };
    let now = 0;
    const service = new VisibilityService(t.db, { ttlMs: 1000, now: () => now });
    let queries = 0;
    const query = (service as unknown as { query: (id: string) => Promise<unknown> }).query.bind(
      service,
    );
    (service as unknown as { query: (id: string) => Promise<unknown> }).query = (id) => {
      queries += 1;
      return query(id);
    };

    expect(await service.policy(me.workspace.id)).toBe('all');
    expect(queries).toBe(1);

    now = 5000; // expired
    for (let i = 0; i < 50; i++) service.policyNow(me.workspace.id);
    await Promise.all(Array.from({ length: 50 }, () => service.policy(me.workspace.id)));
    expect(queries).toBe(2);
  });
});

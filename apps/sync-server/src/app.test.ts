/** Cross-cutting behaviour: error shape, bad input, body limit, request ids, logs, rate limits, OpenAPI. */
import { describe, expect, it } from 'vitest';
import { ErrorBody } from '@sdr/schema';
import { BODY_LIMIT_BYTES } from './app.ts';
import { countRows, signUp, testDatabaseKinds, useServerSuite } from './test/harness.ts';

const validSignup = {
  email: 'valid@example.com',
  password: 'long-enough-pw',
  name: 'Val',
  workspaceName: 'W',
};

describe.each(testDatabaseKinds())('app (%s)', (kind) => {
  const t = useServerSuite(kind);

  it('GET /healthz', async () => {
    const res = await t.api.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });

  it.each([
    ['missing fields', '/api/v1/auth/signup', {}, ['email', 'password', 'name', 'workspaceName']],
    [
      'wrong types',
      '/api/v1/auth/signup',
      { email: 42, password: true, name: [], workspaceName: {} },
      ['email', 'password', 'name', 'workspaceName'],
    ],
    [
      'bad email and short password',
      '/api/v1/auth/signup',
      { ...validSignup, email: 'not-an-email', password: 'short' },
      ['email', 'password'],
    ],
    ['login without password', '/api/v1/auth/login', { email: 'valid@example.com' }, ['password']],
    ['refresh with a number', '/api/v1/auth/refresh', { refreshToken: 7 }, ['refreshToken']],
    [
      'reset confirm without token',
      '/api/v1/auth/password-reset/confirm',
      { password: 'long-enough-pw' },
      ['token'],
    ],
    [
      'accept with a short password',
      '/api/v1/invitations/accept',
      { token: 'x', password: 'short' },
      ['password'],
    ],
    ['a JSON array', '/api/v1/auth/signup', [1, 2], ['']],
  ])('400 invalid_input with issues for %s, nothing written', async (_what, path, body, paths) => {
    const before = await countRows(t.db);
    const res = await t.api.post(path, body);
    expect(res.status).toBe(400);
    const err = ErrorBody.parse(res.body).error;
    expect(err.code).toBe('invalid_input');
    expect(err.requestId).toBe(res.headers.get('x-request-id'));
    expect([...new Set(err.issues?.map((i) => i.path))].sort()).toEqual([...paths].sort());
    expect(await countRows(t.db)).toEqual(before);
  });

  it('400 invalid_input on authenticated routes too (invite with a bad role), nothing written', async () => {
    const admin = await signUp(t.api);
    const before = await countRows(t.db);
    const res = await t.api.post(
      '/api/v1/invitations',
      { email: 'x@example.com', role: 'owner' },
      { token: admin.accessToken },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('role');
    const patch = await t.api.patch(
      `/api/v1/members/${admin.userId}`,
      { role: 5 },
      { token: admin.accessToken },
    );
    expect(patch.status).toBe(400);
    expect(await countRows(t.db)).toEqual(before);
  });

  it('400 malformed_json for a broken body, nothing written', async () => {
    const before = await countRows(t.db);
    for (const raw of ['{"email":', 'not json', '{"a":1}}']) {
      const res = await t.api.post('/api/v1/auth/signup', undefined, { raw });
      expect(res.status).toBe(400);
      expect(ErrorBody.parse(res.body).error.code).toBe('malformed_json');
    }
    expect(await countRows(t.db)).toEqual(before);
  });

  it('415 for a body that is not JSON, nothing written', async () => {
    const before = await countRows(t.db);
    const res = await t.api.post('/api/v1/auth/signup', undefined, {
      raw: new URLSearchParams(validSignup).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(ErrorBody.parse(res.body).error.code).toBe('unsupported_media_type');
    expect(await countRows(t.db)).toEqual(before);
  });

  it('413 payload_too_large for an oversized body (with and without Content-Length), nothing written', async () => {
    const before = await countRows(t.db);
    const big = JSON.stringify({ ...validSignup, name: 'x'.repeat(BODY_LIMIT_BYTES) });
    const res = await t.api.post('/api/v1/auth/signup', undefined, { raw: big });
    expect(res.status).toBe(413);
    expect(ErrorBody.parse(res.body).error.code).toBe('payload_too_large');

    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const chunked = await fetch(`${t.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect(((await chunked.json()) as ErrorBody).error.code).toBe('payload_too_large');
    expect(await countRows(t.db)).toEqual(before);
  });

  it('createApp also serves in-process requests (app.request, no socket)', async () => {
    const app = t.server.app;
    expect(await (await app.request('/healthz')).json()).toEqual({ ok: true });
    const res = await app.request('/api/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validSignup),
    });
    expect(res.status).toBe(201);
    expect(await countRows(t.db)).toMatchObject({ user: 1, session: 1 });
  });

  it('404 not_found in the error shape for an unknown route', async () => {
    const res = await t.api.get('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(ErrorBody.parse(res.body).error.code).toBe('not_found');
  });

  it('echoes a request id in X-Request-Id and in error bodies; honours a valid incoming one', async () => {
    const ok = await t.api.get('/healthz');
    expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const res = await t.api.post(
      '/api/v1/auth/login',
      {},
      { headers: { 'x-request-id': 'client-chosen-id-1' } },
    );
    expect(res.headers.get('x-request-id')).toBe('client-chosen-id-1');
    expect(res.body.error.requestId).toBe('client-chosen-id-1');
  });

  it('logs one line per request with its request id, and never bodies or tokens', async () => {
    const u = await signUp(t.api, { password: 'secret-password-xyz' });
    const r = await t.api.post(
      '/api/v1/auth/refresh',
      { refreshToken: u.refreshToken },
      { headers: { 'x-request-id': 'trace-me-123' } },
    );
    await t.api.get('/api/v1/me', { token: r.body.accessToken });
    const lines = t.server.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const refreshLine = lines.find((l) => l['requestId'] === 'trace-me-123');
    expect(refreshLine).toMatchObject({
      method: 'POST',
      path: '/api/v1/auth/refresh',
      status: 200,
      msg: 'request',
    });
    expect(lines.filter((l) => l['msg'] === 'request')).toHaveLength(3);
    const page = await fetch(`${t.url}/invite/secret-invite-token-abc`);
    expect(page.status).toBe(200);
    const all = t.server.logs.join('\n');
    expect(all).toContain('/invite/:token');
    expect(all).not.toContain('secret-invite-token-abc');
    for (const secret of [
      'secret-password-xyz',
      u.refreshToken,
      u.accessToken,
      r.body.refreshToken,
      r.body.accessToken,
    ]) {
      expect(all).not.toContain(secret);
    }
  });

  it('rate limits the auth endpoints per client and route: 429 rate_limited with Retry-After, nothing written', async () => {
    const s = await t.start({ authRateLimit: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await s.api.post('/api/v1/auth/login', {
        email: 'who@example.com',
        password: 'wrong-password',
      });
      expect(res.status).toBe(401);
    }
    const limited = await s.api.post('/api/v1/auth/login', {
      email: 'who@example.com',
      password: 'wrong-password',
    });
    expect(limited.status).toBe(429);
    expect(ErrorBody.parse(limited.body).error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    // Another route has its own budget; then it is limited too and writes nothing.
    for (let i = 0; i < 3; i++) {
      const res = await s.api.post('/api/v1/auth/signup', {
        ...validSignup,
        email: `n${i}@example.com`,
      });
      expect(res.status).toBe(201);
    }
    const before = await countRows(t.db);
    const blocked = await s.api.post('/api/v1/auth/signup', {
      ...validSignup,
      email: 'n4@example.com',
    });
    expect(blocked.status).toBe(429);
    expect(await countRows(t.db)).toEqual(before);

    for (const path of [
      '/api/v1/auth/refresh',
      '/api/v1/auth/password-reset/request',
      '/api/v1/auth/password-reset/confirm',
      '/api/v1/invitations/accept',
    ]) {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await s.api.post(path, {})).status);
      expect({ path, statuses }).toEqual({ path, statuses: [400, 400, 400, 429] });
    }
    // The reset form is one bucket whatever the token in its path.
    const form = [];
    for (const tok of ['t1', 't2', 't3', 't4']) {
      const res = await fetch(`${s.url}/reset-password/${tok}`, {
        method: 'POST',
        body: new URLSearchParams({ password: 'x' }),
      });
      form.push(res.status);
    }
    expect(form).toEqual([400, 400, 400, 429]);
    // Non-auth routes are not limited.
    for (let i = 0; i < 5; i++) expect((await s.api.get('/healthz')).status).toBe(200);
  });

  it('/openapi.json documents every route with bodies, responses, the error shape and bearer security', async () => {
    const res = await t.api.get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(operations).toEqual(
      [
        'DELETE /api/v1/invitations/{id}',
        'DELETE /api/v1/leads/{id}',
        'DELETE /api/v1/lists/{id}',
        'DELETE /api/v1/mailboxes/{id}',
        'DELETE /api/v1/members/{userId}',
        'DELETE /api/v1/messages/{id}',
        'DELETE /api/v1/sessions/{id}',
        'DELETE /api/v1/tasks/{id}',
        'DELETE /api/v1/views/{id}',
        'GET /api/v1/conversations',
        'GET /api/v1/conversations/{id}',
        'GET /api/v1/conversations/{id}/assignments',
        'GET /api/v1/conversations/{id}/history',
        'GET /api/v1/conversations/{id}/messages',
        'GET /api/v1/files/{id}',
        'GET /api/v1/inbox/settings',
        'GET /api/v1/integrations/sendgrid',
        'GET /api/v1/integrations/twilio',
        'GET /api/v1/invitations',
        'GET /api/v1/leads',
        'GET /api/v1/leads/{id}',
        'GET /api/v1/leads/{id}/conflicts',
        'GET /api/v1/leads/{id}/timeline',
        'GET /api/v1/lists',
        'GET /api/v1/lists/{id}',
        'GET /api/v1/lists/{id}/members',
        'GET /api/v1/mailboxes',
        'GET /api/v1/mailboxes/{id}',
        'GET /api/v1/me',
        'GET /api/v1/me/notification-preferences',
        'GET /api/v1/members',
        'GET /api/v1/notifications',
        'GET /api/v1/queue',
        'GET /api/v1/queue/team',
        'GET /api/v1/replication/rows',
        'GET /api/v1/sessions',
        'GET /api/v1/tasks',
        'GET /api/v1/tasks/{id}',
        'GET /api/v1/views',
        'GET /api/v1/views/{id}',
        'GET /api/v1/workspace/lead-settings',
        'GET /api/v1/workspace/settings',
        'GET /healthz',
        'GET /media/{id}',
        'PATCH /api/v1/conversations/{id}',
        'PATCH /api/v1/leads/{id}',
        'PATCH /api/v1/members/{userId}',
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/logout',
        'POST /api/v1/auth/password-reset/confirm',
        'POST /api/v1/auth/password-reset/request',
        'POST /api/v1/auth/refresh',
        'POST /api/v1/auth/signup',
        'POST /api/v1/auth/switch-workspace',
        'POST /api/v1/conversations/{id}/assign',
        'POST /api/v1/conversations/{id}/messages',
        'POST /api/v1/conversations/{id}/read',
        'POST /api/v1/files',
        'POST /api/v1/invitations',
        'POST /api/v1/invitations/accept',
        'POST /api/v1/leads',
        'POST /api/v1/leads/{id}/conversations',
        'POST /api/v1/lists/{id}/members',
        'POST /api/v1/notifications/read',
        'POST /api/v1/queue/items/{id}/claim',
        'POST /api/v1/queue/items/{id}/complete',
        'POST /api/v1/queue/items/{id}/release',
        'POST /api/v1/queue/next',
        'PUT /api/v1/inbox/settings',
        'PUT /api/v1/integrations/sendgrid',
        'PUT /api/v1/integrations/twilio',
        'PUT /api/v1/lists/{id}',
        'PUT /api/v1/mailboxes/{id}',
        'PUT /api/v1/me/notification-preferences',
        'PUT /api/v1/queue/order',
        'PUT /api/v1/tasks/{id}',
        'PUT /api/v1/views/{id}',
        'PUT /api/v1/workspace/lead-settings',
        'PUT /api/v1/workspace/settings',
      ].sort(),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.components.schemas.Error.properties.error.required).toEqual(
      expect.arrayContaining(['code', 'message']),
    );
    const signup = doc.paths['/api/v1/auth/signup'].post;
    expect(signup.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/SignupInput',
    );
    expect(signup.responses['201'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/AuthResponse',
    );
    expect(signup.responses['400'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/Error',
    );
    expect(doc.paths['/api/v1/members'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/auth/login'].post.security).toBeUndefined();
    expect(doc.paths['/api/v1/members/{userId}'].patch.parameters[0]).toMatchObject({
      name: 'userId',
      in: 'path',
    });
    // The public workspace-data contract (a mobile client reads it): named bodies and rows, and the
    // recursive filter AST as one self-referencing component.
    const putView = doc.paths['/api/v1/views/{id}'].put;
    expect(putView.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/SavedViewPut',
    );
    expect(putView.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/SavedView',
    );
    expect(doc.components.schemas.SavedView.properties.filter.$ref).toBe(
      '#/components/schemas/FilterNode',
    );
    expect(JSON.stringify(doc.components.schemas.FilterNode)).toContain(
      '#/components/schemas/FilterNode',
    );
    for (const name of [
      'LeadList',
      'Task',
      'ReplicationPage',
      'ListMembersChange',
      'LeadSettings',
    ]) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
  });
});

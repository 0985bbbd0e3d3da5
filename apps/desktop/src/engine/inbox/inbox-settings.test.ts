/**
 * The manager/SDR pieces of the engine's inbox against the REAL sync server (in-process
 * `startServer` on PGlite, the fake Twilio as its own process so `PUT /integrations/twilio` can
 * verify credentials): inbox settings read and saved through `PUT /api/v1/inbox/settings`
 * (validation issues by path, SDRs refused, templates reaching an SDR's composer list), read from
 * the cache offline and saved offline through the command outbox (pending, then sent; a refusal
 * kept as failed with its reason); the channels a conversation can be started on
 * (Twilio numbers, my mailboxes; cached offline); starting a conversation from a lead (stored
 * locally at once, the same SMS conversation again, refused offline; from a chosen number, and a
 * reply from another one, a foreign number refused); the team view from the
 * server with capacity, and computed locally offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConversationDto,
  InboxChannelsDto,
  InboxSettingsDto,
  LeadDto,
  TeamView,
  ThreadDto,
} from '../../shared/contract.ts';
import type { Engine } from '../engine.ts';
import { recordEvents, startTestServer, tempDir } from '../test/harness.ts';
import {
  addMember,
  call,
  openSyncEngine,
  restClient,
  signUp,
  syncStatus,
  waitOnline,
  type TestServer,
} from '../sync/test/sync-harness.ts';
import { startTcpProxy, type TcpProxy } from '../sync/test/tcp-proxy.ts';
import { waitFor } from '../sync/test/wait.ts';
import { startFakeTwilio, type FakeTwilioProcess } from './test/fake-twilio-process.ts';

const OUR = '+442079461000';

/** The engine error of a call expected to fail. */
async function refused(engine: Engine, channel: string, input: unknown = {}) {
  const r = await engine.dispatch(channel, input);
  if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return r.error;
}

async function waitOffline(engine: Engine) {
  await waitFor(async () => (await syncStatus(engine)).connection !== 'online', {
    what: 'engine offline',
  });
}

describe('engine inbox settings, starting conversations and the team view (real server)', () => {
  let server: TestServer;
  let fake: FakeTwilioProcess;
  const engines: Engine[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    fake = await startFakeTwilio();
    server = await startTestServer({ env: { TWILIO_API_BASE_URL: fake.url } });
  }, 90_000);
  afterAll(async () => {
    for (const engine of engines) engine.close();
    for (const p of proxies) await p.close();
    await server?.close();
    await fake?.close();
  });

  /** An admin's engine behind a proxy (to cut it off), and an SDR of the same workspace. */
  async function workspace(label: string) {
    const proxy = await startTcpProxy(server.url);
    proxies.push(proxy);
    const engine = await openSyncEngine(proxy.url, tempDir());
    engines.push(engine);
    const admin = await signUp(engine, label);
    await waitOnline(engine);
    const rest = await restClient(server.url, admin.email, admin.password);
    const sdr = await addMember(server, engine, 'sdr', `${label}-sdr`);
    engines.push(sdr.engine);
    await waitOnline(sdr.engine);
    return { proxy, engine, admin, rest, sdr };
  }

  it('reads and saves inbox settings through the server; issues by path; SDRs read only; cached offline', async () => {
    const w = await workspace('inbox-settings');
    const first = await call<InboxSettingsDto>(w.engine, 'inbox:settings');
    expect(first.source).toBe('server');
    expect(first.settings.sla.policies[0]).toMatchObject({
      id: 'standard',
      firstResponseMinutes: 60,
    });

    const events = recordEvents(w.engine);
    const draft = structuredClone(first.settings);
    draft.sla.policies[0]!.firstResponseMinutes = 25;
    draft.sla.warnBeforeMinutes = 5;
    draft.routing = {
      ...draft.routing,
      rule: 'least_loaded',
      sdrIds: [w.sdr.me.user.id],
      capacity: { [w.sdr.me.user.id]: 7 },
      defaultCapacity: 20,
    };
    draft.businessHours.timeZone = 'Europe/Berlin';
    draft.businessHours.weekly.sat = [{ start: '10:00', end: '12:00' }];
    draft.businessHours.holidays = ['2026-12-25'];
    draft.escalations = [
      { on: 'first_response', after: 'warning', actions: ['notify_manager', 'raise_priority'] },
    ];
    draft.templates = [
      { id: 'welcome', name: 'Welcome', body: 'Hi {{lead.firstName}}!', channel: 'sms' },
    ];
    const queued = await call<InboxSettingsDto>(w.engine, 'inbox:saveSettings', draft);
    expect(queued.save?.state).toBe('pending');
    expect(queued.settings).toEqual(draft);
    // Sent at once while online; then the settings are the server's, stamped.
    const saved = await waitFor(
      async () => {
        const dto = await call<InboxSettingsDto>(w.engine, 'inbox:settings');
        return dto.save === null && dto.updatedBy !== null ? dto : null;
      },
      { what: 'the save confirmed by the server' },
    );
    expect(saved.source).toBe('server');
    expect(saved.updatedBy).toBe(w.admin.me.user.id);
    expect(saved.updatedAt).toBeGreaterThan(0);
    expect(saved.settings).toEqual(draft);
    // Stored on the server as sent.
    const onServer = await w.rest<{ settings: Record<string, unknown> }>(
      'GET',
      '/api/v1/inbox/settings',
    );
    expect(onServer.body.settings).toMatchObject({
      sla: { warnBeforeMinutes: 5, policies: [{ firstResponseMinutes: 25 }] },
      routing: { rule: 'least_loaded', capacity: { [w.sdr.me.user.id]: 7 } },
      businessHours: { timeZone: 'Europe/Berlin', holidays: ['2026-12-25'] },
    });
    await waitFor(() => events.some((e) => e.event === 'inbox:settingsChanged'), {
      what: 'inbox:settingsChanged',
    });

    // The engine checks the settings with the schema first: issues name their field.
    const bad = structuredClone(draft);
    bad.sla.policies[0]!.firstResponseMinutes = -3;
    bad.businessHours.timeZone = 'Mars/Olympus';
    bad.templates.push({ id: 'welcome', name: '', body: 'x' });
    const invalid = await refused(w.engine, 'inbox:saveSettings', bad);
    expect(invalid.code).toBe('invalid_input');
    const paths = invalid.issues!.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'sla.policies.0.firstResponseMinutes',
        'businessHours.timeZone',
        'templates.1.name',
      ]),
    );
    // Nothing of it reached the server.
    expect(
      (
        await w.rest<{ settings: { sla: { policies: { firstResponseMinutes: number }[] } } }>(
          'GET',
          '/api/v1/inbox/settings',
        )
      ).body.settings.sla.policies[0]!.firstResponseMinutes,
    ).toBe(25);

    // An SDR reads them (and the template reaches the composer list) but may not save.
    const sdrView = await call<InboxSettingsDto>(w.sdr.engine, 'inbox:settings');
    expect(sdrView.settings.sla.policies[0]!.firstResponseMinutes).toBe(25);
    const templates = await call<{ workspace: { name: string }[] }>(
      w.sdr.engine,
      'inbox:templates',
    );
    expect(templates.workspace.map((t) => t.name)).toEqual(['Welcome']);
    expect((await refused(w.sdr.engine, 'inbox:saveSettings', draft)).code).toBe('forbidden');

    // Offline: the cached copy is read; a save is kept here, shown as pending, sent when online.
    w.proxy.cut();
    await waitOffline(w.engine);
    const cached = await call<InboxSettingsDto>(w.engine, 'inbox:settings');
    expect(cached.source).toBe('cache');
    expect(cached.settings).toEqual(draft);
    expect(cached.updatedBy).toBe(w.admin.me.user.id);
    expect(cached.save).toBeNull();
    const offlineDraft = structuredClone(draft);
    offlineDraft.sla.warnBeforeMinutes = 12;
    const kept = await call<InboxSettingsDto>(w.engine, 'inbox:saveSettings', offlineDraft);
    expect(kept.save).toMatchObject({ state: 'pending', error: null });
    expect(kept.settings.sla.warnBeforeMinutes).toBe(12);
    expect(
      (await call<InboxSettingsDto>(w.engine, 'inbox:settings')).settings.sla.warnBeforeMinutes,
    ).toBe(12);
    const warnOnServer = async () =>
      (
        await w.rest<{ settings: { sla: { warnBeforeMinutes: number } } }>(
          'GET',
          '/api/v1/inbox/settings',
        )
      ).body.settings.sla.warnBeforeMinutes;
    expect(await warnOnServer()).toBe(5);
    // Field validation still answers at once, offline too.
    expect((await refused(w.engine, 'inbox:saveSettings', bad)).code).toBe('invalid_input');
    w.proxy.heal();
    await waitOnline(w.engine);
    await waitFor(async () => (await warnOnServer()) === 12, {
      what: 'the queued save on the server',
    });
    const sent = await waitFor(
      async () => {
        const dto = await call<InboxSettingsDto>(w.engine, 'inbox:settings');
        return dto.save === null && dto.source === 'server' ? dto : null;
      },
      { what: 'the save confirmed' },
    );
    expect(sent.settings.sla.warnBeforeMinutes).toBe(12);
  }, 120_000);

  it('a queued settings save the server refuses shows as failed with its reason', async () => {
    const w = await workspace('inbox-settings-refused');
    const other = await addMember(server, w.engine, 'admin', 'inbox-settings-refused-admin');
    engines.push(other.engine);
    const otherRest = await restClient(server.url, other.email, other.password);
    const before = await call<InboxSettingsDto>(w.engine, 'inbox:settings');

    w.proxy.cut();
    await waitOffline(w.engine);
    const draft = structuredClone(before.settings);
    draft.sla.warnBeforeMinutes = 3;
    const queued = await call<InboxSettingsDto>(w.engine, 'inbox:saveSettings', draft);
    expect(queued.save?.state).toBe('pending');
    // Meanwhile another admin makes this one an SDR: the server refuses the save when it arrives.
    expect(
      (await otherRest('PATCH', `/api/v1/members/${w.admin.me.user.id}`, { role: 'sdr' })).status,
    ).toBe(200);
    const events = recordEvents(w.engine);
    w.proxy.heal();
    const failed = await waitFor(
      async () => {
        const r = await w.engine.dispatch('inbox:settings', {});
        const dto = r.ok ? (r.data as InboxSettingsDto) : null;
        return dto?.save?.state === 'failed' ? dto : null;
      },
      { what: 'the save refused', timeoutMs: 20_000 },
    );
    expect(failed.save!.error).toMatch(/managers and admins/i);
    // What shows is the server's copy, not the refused draft.
    expect(failed.settings.sla.warnBeforeMinutes).toBe(before.settings.sla.warnBeforeMinutes);
    expect(
      events.some(
        (e) =>
          e.event === 'inbox:commandFailed' &&
          (e.payload as { kind: string }).kind === 'saveSettings',
      ),
    ).toBe(true);
  }, 120_000);

  it('starts a conversation from a lead on a configured channel, stored at once; refused offline', async () => {
    const w = await workspace('inbox-start');
    // No Twilio, no mailbox yet: nothing to start on.
    expect(await call<InboxChannelsDto>(w.engine, 'inbox:channels')).toMatchObject({
      sms: [],
      whatsapp: [],
      email: [],
      source: 'server',
    });
    const account = await fake.newAccount();
    expect(
      (await w.rest('PUT', '/api/v1/integrations/twilio', { ...account, phoneNumbers: [OUR] }))
        .status,
    ).toBe(200);
    // Read again after the short refresh interval.
    const channels = await waitFor(
      async () => {
        const c = await call<InboxChannelsDto>(w.engine, 'inbox:channels');
        return c.sms.length > 0 ? c : null;
      },
      { what: 'the Twilio number', timeoutMs: 15_000 },
    );
    expect(channels).toMatchObject({ sms: [OUR], whatsapp: [`whatsapp:${OUR}`], email: [] });

    const lead = await call<LeadDto>(w.engine, 'leads:create', {
      fields: { firstName: 'Greta', lastName: 'Start', phone: '+44 20 7946 1777' },
    });
    await waitOnline(w.engine);
    const conv = await call<ConversationDto>(w.engine, 'inbox:startConversation', {
      leadId: lead.id,
      channel: 'sms',
    });
    expect(conv).toMatchObject({
      leadId: lead.id,
      channel: 'sms',
      status: 'open',
      assigneeId: w.admin.me.user.id,
      ourAddress: OUR,
      leadAddress: '+442079461777',
      leadName: 'Greta Start',
    });
    // Already in the local inbox (before or after the sync stream's copy).
    const mine = await call<{ items: ConversationDto[] }>(w.engine, 'inbox:conversations', {
      view: 'mine',
    });
    expect(mine.items.map((c) => c.id)).toContain(conv.id);
    const thread = await call<ThreadDto>(w.engine, 'inbox:thread', { conversationId: conv.id });
    expect(thread.conversations.map((c) => c.id)).toEqual([conv.id]);
    // The same numbers: the same conversation.
    const again = await call<ConversationDto>(w.engine, 'inbox:startConversation', {
      leadId: lead.id,
      channel: 'sms',
    });
    expect(again.id).toBe(conv.id);
    // A reply on it goes out through the command outbox like any other.
    await call(w.engine, 'inbox:send', { conversationId: conv.id, body: 'Hello Greta' });
    await waitFor(
      async () => {
        const t = await call<ThreadDto>(w.engine, 'inbox:thread', { conversationId: conv.id });
        return t.messages.some((m) => m.body === 'Hello Greta' && m.local === null) ? t : null;
      },
      { what: 'the reply stored by the server', timeoutMs: 20_000 },
    );

    // A lead without an email cannot be emailed: the server's reason names the channel.
    const noEmail = await refused(w.engine, 'inbox:startConversation', {
      leadId: lead.id,
      channel: 'email',
    });
    expect(noEmail.code).toBe('invalid_input');
    expect(noEmail.issues?.[0]?.path).toBe('channel');

    // Offline: refused with a reason; the channels are the cached ones.
    w.proxy.cut();
    await waitOffline(w.engine);
    const offline = await refused(w.engine, 'inbox:startConversation', {
      leadId: lead.id,
      channel: 'whatsapp',
    });
    expect(offline.code).toBe('server_unreachable');
    expect(await call<InboxChannelsDto>(w.engine, 'inbox:channels')).toMatchObject({
      sms: [OUR],
      source: 'cache',
    });
    w.proxy.heal();
    await waitOnline(w.engine);
  }, 120_000);

  it('starts and replies from a chosen number; a number not ours fails the message with the reason', async () => {
    const w = await workspace('inbox-from');
    const OUR2 = '+442079461002';
    const account = await fake.newAccount();
    expect(
      (
        await w.rest('PUT', '/api/v1/integrations/twilio', {
          ...account,
          phoneNumbers: [OUR, OUR2],
        })
      ).status,
    ).toBe(200);
    const lead = await call<LeadDto>(w.engine, 'leads:create', {
      fields: { firstName: 'Fritz', lastName: 'From', phone: '+44 20 7946 1888' },
    });
    await waitOnline(w.engine);
    const conv = await call<ConversationDto>(w.engine, 'inbox:startConversation', {
      leadId: lead.id,
      channel: 'sms',
      from: OUR2,
    });
    expect(conv.ourAddress).toBe(OUR2);

    // A reply from the other number: waiting with it, then stored by the server with it.
    const { messageId } = await call<{ messageId: string }>(w.engine, 'inbox:send', {
      conversationId: conv.id,
      body: 'From the first number',
      from: OUR,
    });
    const stored = await waitFor(
      async () => {
        const t = await call<ThreadDto>(w.engine, 'inbox:thread', { conversationId: conv.id });
        const m = t.messages.find((x) => x.id === messageId);
        return m && m.local === null ? m : null;
      },
      { what: 'the reply stored by the server', timeoutMs: 20_000 },
    );
    expect(stored.fromAddress).toBe(OUR);

    const bad = await call<{ messageId: string }>(w.engine, 'inbox:send', {
      conversationId: conv.id,
      body: 'From a stranger',
      from: '+15550001111',
    });
    const failed = await waitFor(
      async () => {
        const t = await call<ThreadDto>(w.engine, 'inbox:thread', { conversationId: conv.id });
        const m = t.messages.find((x) => x.id === bad.messageId);
        return m?.local === 'failed' ? m : null;
      },
      { what: 'the refused message', timeoutMs: 20_000 },
    );
    expect(failed.localError).toMatch(/not one of the workspace's SMS numbers/);
    expect(failed.fromAddress).toBe('+15550001111');
  }, 120_000);

  it('the team view comes from the server when online (capacity, claimed) and is computed locally offline', async () => {
    const w = await workspace('inbox-team');
    expect(
      (
        await w.rest('PUT', '/api/v1/inbox/settings', {
          routing: {
            rule: 'least_loaded',
            sdrIds: [w.sdr.me.user.id],
            capacity: { [w.sdr.me.user.id]: 3 },
          },
        })
      ).status,
    ).toBe(200);
    const online = await call<TeamView>(w.engine, 'queue:team');
    expect(online.source).toBe('server');
    const sdrRow = online.members.find((m) => m.userId === w.sdr.me.user.id);
    expect(sdrRow).toMatchObject({ capacity: 3, openConversations: 0, claimedItems: 0 });
    expect(sdrRow!.name).toBeTruthy();
    expect(online.members.find((m) => m.userId === null)).toBeTruthy();
    expect((await refused(w.sdr.engine, 'queue:team')).code).toBe('forbidden');

    w.proxy.cut();
    await waitOffline(w.engine);
    const offline = await call<TeamView>(w.engine, 'queue:team');
    expect(offline.source).toBe('local');
    for (const m of offline.members) expect(m.capacity).toBeNull();
    w.proxy.heal();
    await waitOnline(w.engine);
  }, 120_000);
});

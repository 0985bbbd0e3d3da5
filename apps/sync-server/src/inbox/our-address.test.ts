/**
 * Choosing the sending number / mailbox over real HTTP: a reply names `from` (one of the
 * workspace's Twilio numbers, one of my mailboxes) and the message is stored to go out from it;
 * starting a conversation names `ourAddress`; anything not the workspace's / not mine is a 400 at
 * that field, and writes nothing.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { mailbox, message, twilioIntegration } from '@sdr/schema/pg';
import { testDatabaseKinds } from '../test/harness.ts';
import { useSyncSuite } from '../sync/test/sync-harness.ts';
import { team } from './test/inbox-kit.ts';

const N1 = '+442079461101';
const N2 = '+442079461102';
let seq = 0;

describe.each(testDatabaseKinds())('sending from a chosen address (%s)', (kind) => {
  const suite = useSyncSuite(kind);

  async function setup() {
    const s = suite.server;
    const t = await team(s);
    seq += 1;
    const now = Date.now();
    await s.db.insert(twilioIntegration).values({
      workspaceId: t.ws,
      accountSid: `AC-from-${process.pid}-${seq}`,
      authTokenEnc: 'unused',
      phoneNumbers: [N1, N2],
      updatedAt: now,
    });
    const box = (id: string, userId: string, address: string, at: number) => ({
      id: `${id}-${seq}`,
      workspaceId: t.ws,
      userId,
      address,
      imapHost: '127.0.0.1',
      imapPort: 1,
      imapSecure: false,
      imapUser: 'x',
      smtpHost: '127.0.0.1',
      smtpPort: 1,
      smtpSecure: false,
      smtpUser: 'x',
      secretEnc: 'unused',
      createdAt: at,
      updatedAt: at,
    });
    await s.db
      .insert(mailbox)
      .values([
        box('mb-a', t.sdr1.userId, `a${seq}@acme.test`, now - 2),
        box('mb-b', t.sdr1.userId, `b${seq}@acme.test`, now - 1),
        box('mb-c', t.sdr2.userId, `c${seq}@acme.test`, now),
      ]);
    const token = t.sdr1.accessToken;
    const leadRes = await s.api.post(
      '/api/v1/leads',
      { firstName: 'Fromm', email: `lead${seq}@example.com`, phone: '+442079461999' },
      { token },
    );
    expect(leadRes.status).toBe(201);
    return { s, t, token, leadId: leadRes.body.id as string };
  }

  it('starts conversations from a chosen number or mailbox; refuses what is not ours', async () => {
    const { s, t, token, leadId } = await setup();
    const start = (body: Record<string, unknown>, tk = token) =>
      s.api.post(`/api/v1/leads/${leadId}/conversations`, body, { token: tk });

    const sms = await start({ channel: 'sms', ourAddress: N2 });
    expect(sms.status).toBe(201);
    expect(sms.body.ourAddress).toBe(N2);
    const wa = await start({ channel: 'whatsapp', ourAddress: N2 });
    expect(wa.body.ourAddress).toBe(`whatsapp:${N2}`);
    const byDefault = await start({ channel: 'sms' });
    expect(byDefault.body.ourAddress).toBe(N1);

    const email = await start({ channel: 'email', ourAddress: `B${seq}@ACME.test` });
    expect(email.status).toBe(201);
    expect(email.body).toMatchObject({ ourAddress: `b${seq}@acme.test`, mailboxId: `mb-b-${seq}` });

    // Another member's mailbox, a number of no workspace: 400 at the field.
    for (const body of [
      { channel: 'email', ourAddress: `c${seq}@acme.test` },
      { channel: 'sms', ourAddress: '+15550000000' },
    ]) {
      const r = await start(body);
      expect(r.status).toBe(400);
      expect(r.body.error.issues[0].path).toBe('ourAddress');
    }
    // sdr2 may use their own mailbox only.
    expect(
      (await start({ channel: 'email', ourAddress: `a${seq}@acme.test` }, t.sdr2.accessToken))
        .status,
    ).toBe(400);
  });

  it('sends a reply from the chosen number; refuses a foreign one and a from on a note', async () => {
    const { s, token, leadId } = await setup();
    const conv = await s.api.post(
      `/api/v1/leads/${leadId}/conversations`,
      { channel: 'sms' },
      { token },
    );
    const id = conv.body.id as string;
    const post = (body: Record<string, unknown>) =>
      s.api.post(`/api/v1/conversations/${id}/messages`, body, { token });

    const chosen = await post({ id: `m1-${seq}-${kind}`, body: 'From two', from: N2 });
    expect(chosen.status).toBe(201);
    expect(chosen.body.message.fromAddress).toBe(N2);
    const plain = await post({ id: `m2-${seq}-${kind}`, body: 'Default' });
    expect(plain.body.message.fromAddress).toBe(N1);

    const foreign = await post({ id: `m3-${seq}-${kind}`, body: 'Nope', from: '+15550000000' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.issues[0].path).toBe('from');
    const note = await post({ id: `m4-${seq}-${kind}`, kind: 'note', body: 'x', from: N2 });
    expect(note.status).toBe(400);
    const stored = await s.db.select().from(message).where(eq(message.conversationId, id));
    expect(stored.map((m) => m.id).sort()).toEqual([`m1-${seq}-${kind}`, `m2-${seq}-${kind}`]);
  });
});

/**
 * The inbox end to end (issue 5): a workspace connected to Twilio (the fake Twilio process, a real
 * HTTP peer), an inbound SMS posted to the server's signed webhook reaches the SDR's inbox and
 * queue in Chromium with a notification (bell count and a Web Notification), the SDR replies from
 * the thread, and the fake Twilio receives exactly one message. With two numbers, the reply goes
 * from the number picked in the composer's "Send from".
 */
import { expect, test } from '@playwright/test';
import { newAccount, signIn } from './support/accounts.ts';
import { launchShell, type WebShell } from './support/fixtures.ts';
import { launchInboxBackend, type InboxBackend } from './support/inbox-backend.ts';

const OUR = '+442079460000';
const LEAD = '+442079460777';
const OUR2 = '+442079460001';
const LEAD2 = '+442079460778';

let backend: InboxBackend;
let shell: WebShell;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  backend = await launchInboxBackend();
  shell = await launchShell(backend.serverUrl);
});
test.afterAll(async () => {
  await shell?.dispose();
  await backend?.dispose();
});

test('an inbound SMS reaches the SDR inbox and queue with a notification; the reply reaches Twilio once', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const admin = newAccount('inbox-admin');
  const sdr = newAccount('inbox-sdr');
  const { adminToken, sdrId } = await backend.adminWithSdr(admin, sdr);
  const twilio = await backend.newTwilioAccount();
  await backend.rest('PUT', '/api/v1/integrations/twilio', adminToken, {
    ...twilio,
    phoneNumbers: [OUR],
  });
  await backend.rest('PUT', '/api/v1/inbox/settings', adminToken, {
    routing: { rule: 'round_robin', sdrIds: [sdrId], preferLeadOwner: false },
  });

  // The browser allows notifications; every Web Notification the page shows is recorded.
  const context = await browser.newContext({ permissions: ['notifications'] });
  await context.addInitScript(() => {
    const shown: { title: string; body: string }[] = [];
    (window as unknown as { __shown: typeof shown }).__shown = shown;
    const Real = window.Notification;
    window.Notification = new Proxy(Real, {
      construct(target, args: [string, NotificationOptions?]) {
        shown.push({ title: args[0], body: args[1]?.body ?? '' });
        return Reflect.construct<[string, NotificationOptions?], Notification>(target, args);
      },
    });
  });
  const page = await context.newPage();
  await signIn(page, shell.url, sdr);
  await page.getByRole('button', { name: 'Inbox' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No conversations here' })).toBeVisible();

  await backend.inboundSms({
    accountSid: twilio.accountSid,
    from: LEAD,
    to: OUR,
    body: 'Hi, is the offer still open?',
  });

  // In the inbox (the "Mine" view), unread, with a notification.
  const item = page.getByRole('button', { name: /Hi, is the offer still open\?/ });
  await expect(item).toBeVisible({ timeout: 30_000 });
  await expect(item).toContainText(LEAD);
  await expect(page.getByRole('tab', { name: /Mine/ })).toContainText('1');
  await expect(page.getByTestId('bell-count')).toBeVisible();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __shown: { body: string }[] }).__shown))
    .toContainEqual(expect.objectContaining({ body: expect.stringContaining('offer still open') }));

  // In the queue, with its SLA timer and the reasons for its place.
  await page.getByRole('button', { name: 'Queue' }).click();
  const queued = page.getByRole('listitem').filter({ hasText: 'New message' });
  await expect(queued).toBeVisible();
  await expect(queued).toContainText(/left|overdue/);
  await expect(queued).toHaveAttribute('title', /SLA first response/);

  // The notification centre opens the conversation.
  await page.getByRole('button', { name: /Notifications, \d+ unread/ }).click();
  await page
    .getByRole('button', { name: /offer still open/ })
    .first()
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
  const history = page.getByRole('list', { name: /History with/ });
  await expect(history).toContainText('Hi, is the offer still open?');

  // Reply: `r` focuses the composer; Ctrl+Enter sends.
  await history.focus();
  await page.keyboard.press('r');
  const reply = page.getByRole('textbox', { name: 'Reply' });
  await expect(reply).toBeFocused();
  await reply.fill('Yes it is, {{lead.firstName | "there"}}! Want a call?');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const mine = history.getByRole('listitem').filter({ hasText: 'Yes it is, there! Want a call?' });
  await expect(mine).toBeVisible();
  await expect(mine).toContainText(/Sent|Delivered/, { timeout: 30_000 });

  // The fake Twilio received exactly one message, to the lead, from our number.
  await expect
    .poll(async () => (await backend.twilioMessages()).filter((m) => m.to === LEAD).length, {
      timeout: 30_000,
    })
    .toBe(1);
  const [sms] = (await backend.twilioMessages()).filter((m) => m.to === LEAD);
  expect(sms).toMatchObject({ from: OUR, body: 'Yes it is, there! Want a call?' });
  // Still one a moment later (no resend).
  await page.waitForTimeout(1500);
  expect((await backend.twilioMessages()).filter((m) => m.to === LEAD)).toHaveLength(1);

  // Closing it lands in the conversation's history, after routing's assignment.
  const thread = page.getByRole('region', { name: 'Conversation' });
  await thread.getByRole('combobox', { name: 'Status' }).selectOption('closed');
  await expect(thread.getByRole('combobox', { name: 'Status' })).toHaveValue('closed');
  await expect(thread.getByText('syncing…')).toHaveCount(0, { timeout: 30_000 });
  await thread.getByRole('button', { name: 'History', exact: true }).click();
  const changes = page.getByRole('list', { name: 'Assignments and status changes' });
  await expect(changes.getByRole('listitem')).toHaveText([
    /Routing assigned it to Me/,
    /Me closed it/,
  ]);
  await context.close();
});

test('with two numbers, the reply goes from the number picked in "Send from"', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const admin = newAccount('from-admin');
  const sdr = newAccount('from-sdr');
  const { adminToken, sdrId } = await backend.adminWithSdr(admin, sdr);
  const twilio = await backend.newTwilioAccount();
  await backend.rest('PUT', '/api/v1/integrations/twilio', adminToken, {
    ...twilio,
    phoneNumbers: [OUR, OUR2],
  });
  await backend.rest('PUT', '/api/v1/inbox/settings', adminToken, {
    routing: { rule: 'round_robin', sdrIds: [sdrId], preferLeadOwner: false },
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, shell.url, sdr);
  await page.getByRole('button', { name: 'Inbox' }).click();
  await backend.inboundSms({
    accountSid: twilio.accountSid,
    from: LEAD2,
    to: OUR,
    body: 'Which number is this?',
  });
  await page.getByRole('button', { name: /Which number is this\?/ }).click({ timeout: 30_000 });
  const thread = page.getByRole('region', { name: 'Conversation' });
  // The conversation's own number first; the other one can be picked.
  const from = thread.getByRole('combobox', { name: 'Send from' });
  await expect(from).toHaveValue(OUR);
  await from.selectOption(OUR2);
  await thread.getByRole('textbox', { name: 'Reply' }).fill('From our other line');
  await thread.getByRole('button', { name: 'Send', exact: true }).click();
  await expect
    .poll(async () => (await backend.twilioMessages()).filter((m) => m.to === LEAD2), {
      timeout: 30_000,
    })
    .toEqual([expect.objectContaining({ from: OUR2, body: 'From our other line' })]);
  await context.close();
});

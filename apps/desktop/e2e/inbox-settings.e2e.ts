/**
 * Settings → Inbox end to end (issue 5): a manager changes the SLA's first-response minutes (a
 * negative number is refused under the field first) and adds a shared template, saved on the
 * server; an SDR on another device creates a lead with a phone, starts an SMS conversation from
 * the lead detail (the workspace has a Twilio number), lands in the Inbox composer and finds the
 * manager's template there, filled in with the lead's name. Its own sync server pointed at the
 * fake Twilio process (connecting Twilio verifies the credentials with it).
 */
import { expect, test } from '@playwright/test';
import { newAccount, signIn } from './support/accounts.ts';
import { launchShell, type WebShell } from './support/fixtures.ts';
import { launchInboxBackend, type InboxBackend } from './support/inbox-backend.ts';

const OUR = '+442079462000';

let backend: InboxBackend;
let managerShell: WebShell;
let sdrShell: WebShell;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  backend = await launchInboxBackend();
  [managerShell, sdrShell] = await Promise.all([
    launchShell(backend.serverUrl),
    launchShell(backend.serverUrl),
  ]);
});
test.afterAll(async () => {
  await managerShell?.dispose();
  await sdrShell?.dispose();
  await backend?.dispose();
});

test('a manager sets the first-response SLA and adds a template; an SDR starts an SMS from a lead and uses it', async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const admin = newAccount('inbox-set-admin');
  const sdr = newAccount('inbox-set-sdr');
  const manager = newAccount('inbox-set-manager');
  const { adminToken } = await backend.adminWithSdr(admin, sdr);
  await backend.addMember(adminToken, manager, 'manager');
  const twilio = await backend.newTwilioAccount();
  await backend.rest('PUT', '/api/v1/integrations/twilio', adminToken, {
    ...twilio,
    phoneNumbers: [OUR],
  });

  // ---- the manager: Settings → Inbox ----
  const managerContext = await browser.newContext();
  const m = await managerContext.newPage();
  await signIn(m, managerShell.url, manager);
  await m.keyboard.press('g');
  await m.keyboard.press('s');
  const card = m.getByRole('region', { name: 'Inbox', exact: true });
  await expect(card).toBeVisible();
  const save = card.getByRole('button', { name: 'Save inbox settings' });
  await expect(save).toBeDisabled();

  await card.getByRole('radio', { name: 'SLA', exact: true }).click();
  const policy = card.getByRole('group', { name: 'SLA policy Standard' });
  const firstResponse = policy.getByLabel('First response (minutes)');
  await expect(firstResponse).toHaveValue('60');
  // A negative target is refused by the schema check, under the field.
  await firstResponse.fill('-5');
  await save.click();
  await expect(firstResponse).toHaveAttribute('aria-invalid', 'true');
  await expect(policy).toContainText(/greater than or equal to 0|too small/i);
  await expect(card.getByRole('radio', { name: 'SLA (1 to fix)' })).toBeVisible();
  await firstResponse.fill('20');

  await card.getByRole('radio', { name: /^Templates/ }).click();
  await card.getByRole('button', { name: 'Add template' }).click();
  const template = card.getByRole('group', { name: /^Template / });
  await template.getByLabel('Template name').fill('Pricing follow-up');
  await template.getByLabel('Template text').fill('Hi ');
  await template.getByLabel(/Insert a variable/).selectOption({ label: '{{lead.firstName}}' });
  await expect(template.getByLabel('Template text')).toHaveValue('Hi {{lead.firstName}}');
  await template.getByLabel('Template text').press('End');
  await template.getByLabel('Template text').pressSequentially(', here are our prices.');
  await save.click();
  await expect(m.getByText('Inbox settings saved')).toBeVisible();
  await expect(save).toBeDisabled();

  // Stored on the server (sent by the engine's command outbox right after the save).
  const onServer = () =>
    backend.rest<{
      settings: {
        sla: { policies: { firstResponseMinutes: number }[] };
        templates: { name: string; body: string }[];
      };
    }>('GET', '/api/v1/inbox/settings', adminToken);
  await expect
    .poll(async () => (await onServer()).settings.sla.policies[0]!.firstResponseMinutes)
    .toBe(20);
  await expect(card.getByText('Your last save is waiting to be sent to the server.')).toHaveCount(
    0,
  );
  const stored = await onServer();
  expect(stored.settings.templates).toEqual([
    expect.objectContaining({
      name: 'Pricing follow-up',
      body: 'Hi {{lead.firstName}}, here are our prices.',
    }),
  ]);

  // ---- the SDR: a lead with a phone, "SMS" from its detail, the template in the composer ----
  const sdrContext = await browser.newContext();
  const p = await sdrContext.newPage();
  await signIn(p, sdrShell.url, sdr);
  // SDRs see the inbox settings read-only.
  await p.keyboard.press('g');
  await p.keyboard.press('s');
  const sdrCard = p.getByRole('region', { name: 'Inbox', exact: true });
  await expect(sdrCard.getByText('Read-only')).toBeVisible();
  await expect(sdrCard.getByRole('button', { name: 'Save inbox settings' })).toHaveCount(0);
  await p.getByRole('button', { name: 'Leads' }).click();
  await expect(p.getByRole('heading', { level: 1, name: 'Leads' })).toBeVisible();

  await p.locator('body').press('n');
  const dialog = p.getByRole('dialog', { name: 'New lead' });
  await dialog.getByLabel('First name').fill('Greta');
  await dialog.getByLabel('Last name').fill('Garbo');
  await dialog.getByLabel('Phone').fill('+44 20 7946 2777');
  await dialog.getByRole('button', { name: 'Create lead' }).click();
  await expect(dialog).toBeHidden();
  const detail = p.getByRole('complementary', { name: 'Greta Garbo' });
  const start = detail.getByRole('group', { name: 'Start a conversation' });
  // No mailbox: no email; SMS once the lead has reached the server.
  await expect(start.getByRole('button', { name: 'Email' })).toBeDisabled();
  const sms = start.getByRole('button', { name: 'SMS' });
  await expect(sms).toBeEnabled({ timeout: 20_000 });
  await sms.click();

  await expect(p.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
  const reply = p.getByRole('textbox', { name: 'Reply' });
  await expect(reply).toBeFocused();
  await expect(p.getByRole('button', { name: /Greta Garbo/ })).toBeVisible();
  const pick = p.getByLabel('Insert a template');
  await expect(pick.getByRole('option', { name: 'Pricing follow-up' })).toHaveCount(1);
  await pick.selectOption({ label: 'Pricing follow-up' });
  await expect(reply).toHaveValue('Hi Greta, here are our prices.');

  await managerContext.close();
  await sdrContext.close();
});

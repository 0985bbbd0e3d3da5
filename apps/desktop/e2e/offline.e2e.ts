import { newAccount, signIn, signUp } from './support/accounts.ts';
import { expect, launchShell, test } from './support/fixtures.ts';
import { launchSyncServer } from './support/sync-server.ts';

test('without the server the app stays signed in and says it is offline', async ({ page }) => {
  // Its own server and engine (it stops the server): starting them takes a while on a busy machine.
  test.setTimeout(90_000);
  const server = await launchSyncServer();
  const shell = await launchShell(server.url);
  try {
    const account = newAccount('traveller');
    await signUp(page, shell.url, account);
    const status = page.getByRole('contentinfo', { name: 'Status' });
    await expect(status.getByText('Online')).toBeVisible();

    await server.stop();
    await page.reload();
    await expect(status.getByText('Offline · showing what this device last saw')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Leads' })).toBeVisible();
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByText(account.name),
    ).toBeVisible();

    await server.start();
    await page.reload();
    await expect(status.getByText('Online')).toBeVisible();
  } finally {
    await shell.dispose();
    await server.dispose();
  }
});

test('inbox settings saved offline reach the server once it is back', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const server = await launchSyncServer();
  const shell = await launchShell(server.url);
  const other = await launchShell(server.url);
  try {
    const admin = newAccount('offline-settings');
    await signUp(page, shell.url, admin);
    const status = page.getByRole('contentinfo', { name: 'Status' });
    await expect(status.getByText('Online')).toBeVisible();
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    const card = page.getByRole('region', { name: 'Inbox', exact: true });
    await card.getByRole('radio', { name: 'SLA', exact: true }).click();
    const firstResponse = card
      .getByRole('group', { name: 'SLA policy Standard' })
      .getByLabel('First response (minutes)');
    await expect(firstResponse).toHaveValue('60');

    await server.stop();
    await expect(status.getByText(/Offline/)).toBeVisible({ timeout: 30_000 });
    await firstResponse.fill('35');
    await card.getByRole('button', { name: 'Save inbox settings' }).click();
    const waiting = card.getByText('Your last save is waiting to be sent to the server.');
    await expect(waiting).toBeVisible();

    await server.start();
    await expect(status.getByText('Online')).toBeVisible({ timeout: 60_000 });
    await expect(waiting).toHaveCount(0, { timeout: 30_000 });

    // Another device reads them from the server.
    const context = await browser.newContext();
    const p = await context.newPage();
    await signIn(p, other.url, admin);
    await p.keyboard.press('g');
    await p.keyboard.press('s');
    const otherCard = p.getByRole('region', { name: 'Inbox', exact: true });
    await otherCard.getByRole('radio', { name: 'SLA', exact: true }).click();
    await expect(
      otherCard
        .getByRole('group', { name: 'SLA policy Standard' })
        .getByLabel('First response (minutes)'),
    ).toHaveValue('35');
    await context.close();
  } finally {
    await other.dispose();
    await shell.dispose();
    await server.dispose();
  }
});

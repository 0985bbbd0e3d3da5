import { newAccount, signUp } from './support/accounts.ts';
import { expect, launchShell, test } from './support/fixtures.ts';
import { launchSyncServer } from './support/sync-server.ts';

test('without the server the app stays signed in and says it is offline', async ({ page }) => {
  // This test stops its server, so it gets its own server and engine.
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

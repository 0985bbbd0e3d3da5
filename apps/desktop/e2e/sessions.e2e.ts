import { newAccount, signUp } from './support/accounts.ts';
import { expect, launchShell, suiteServerUrl, test } from './support/fixtures.ts';

test('a session ended from another device signs that device out', async ({
  page,
  shell,
  browser,
}) => {
  const account = newAccount('two-devices');
  await signUp(page, shell.url, account);

  // A second device: its own engine (its own local database) and its own browser profile.
  const laptop = await launchShell(suiteServerUrl());
  const laptopContext = await browser.newContext();
  try {
    const laptopPage = await laptopContext.newPage();
    await laptopPage.goto(laptop.url);
    await laptopPage.getByLabel('Email').fill(account.email);
    await laptopPage.getByLabel('Password').fill(account.password);
    await laptopPage.getByLabel('Password').press('Enter');
    await expect(laptopPage.getByRole('heading', { level: 1, name: 'Leads' })).toBeVisible();

    // The first device lists both sessions and ends the other one.
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    const sessions = page.getByRole('list', { name: 'Sessions' });
    await expect(sessions.getByRole('listitem')).toHaveCount(2);
    await expect(sessions.getByRole('listitem').filter({ hasText: 'This device' })).toHaveCount(1);
    await sessions.getByRole('button', { name: /^Sign out / }).click();
    await expect(page.getByRole('list', { name: 'Notifications' })).toContainText('Signed out');
    await expect(sessions.getByRole('listitem')).toHaveCount(1);

    // The laptop finds out the next time it asks, and says why it is at the sign-in screen.
    // (Coming back to the window makes it ask; the same happens every 30 s.)
    await laptopPage.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect(laptopPage.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(
      laptopPage.getByRole('status').filter({ hasText: 'You were signed out on this device' }),
    ).toBeVisible();
    await laptopPage.reload();
    await expect(laptopPage.getByRole('heading', { name: 'Sign in' })).toBeVisible();

    // The first device is unaffected.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  } finally {
    await laptopContext.close();
    await laptop.dispose();
  }
});

test('settings shows which app version is running and against which server', async ({
  page,
  shell,
}) => {
  await signUp(page, shell.url, newAccount('about'));
  await page.getByRole('button', { name: 'Settings' }).click();
  const about = page.getByRole('region', { name: 'About' });
  await expect(about).toContainText('Web shell in a browser');
  await expect(about).toContainText(suiteServerUrl());
});

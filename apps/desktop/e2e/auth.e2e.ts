import { newAccount, signUp } from './support/accounts.ts';
import { expect, test } from './support/fixtures.ts';

test('sign up, sign out, sign in, and the session survives an engine restart', async ({
  page,
  shell,
}) => {
  const account = newAccount('founder');
  await signUp(page, shell.url, account);

  // The new, empty workspace: an honest empty state, no sample data.
  await expect(page.getByRole('heading', { name: 'No leads yet' })).toBeVisible();
  await expect(page.getByText('Add your first lead.')).toBeVisible();
  await expect(
    page.getByRole('button', { name: `Workspace: ${account.workspaceName}. Switch workspace` }),
  ).toBeVisible();
  await expect(page.getByRole('contentinfo', { name: 'Status' }).getByText('Online')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  // Signing out yourself is not "your session ended".
  await expect(page.getByText('You were signed out on this device')).toHaveCount(0);

  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Leads' })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByText(account.email),
  ).toBeVisible();

  // Quit the engine: the page notices, then reconnects by itself to the new process.
  await shell.stop();
  await expect(page.getByText('Reconnecting to the local engine…')).toBeVisible();
  await shell.start();
  await expect(page.getByRole('contentinfo', { name: 'Status' }).getByText('Online')).toBeVisible();

  // A full reload asks the fresh engine, which restored the session from its SQLite file.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Leads' })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByText(account.name),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toHaveCount(0);
});

test('the engine’s field errors appear under the fields they belong to', async ({
  page,
  shell,
}) => {
  await page.goto(shell.url);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Your name').fill('Grace');
  await page.getByLabel('Work email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByLabel('Workspace name').press('Enter');

  await expect(page.getByLabel('Work email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Work email')).toHaveAccessibleDescription(/valid email/i);
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription(/at least 10 characters/i);
  await expect(page.getByLabel('Workspace name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Your name')).not.toHaveAttribute('aria-invalid', 'true');
});

test('a wrong password is refused with a clear message', async ({ page, shell }) => {
  const account = newAccount('forgetful');
  await signUp(page, shell.url, account);
  await page.getByRole('button', { name: 'Sign out' }).click();

  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

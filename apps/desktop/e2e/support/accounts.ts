import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';

export type Account = { name: string; email: string; password: string; workspaceName: string };

let counter = 0;

/** A new account with an email no other test uses. */
export function newAccount(label = 'user'): Account {
  counter += 1;
  const unique = `${Date.now().toString(36)}${process.pid}${counter}`;
  return {
    name: `Ada ${label}`,
    email: `${label}-${unique}@example.com`,
    password: 'correct horse battery',
    workspaceName: `Acme ${unique}`,
  };
}

/** Opens the app, creates the account through the sign-up form and waits for the Leads screen. */
export async function signUp(page: Page, url: string, account: Account) {
  await page.goto(url);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Your name').fill(account.name);
  await page.getByLabel('Work email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByLabel('Workspace name').fill(account.workspaceName);
  await page.getByLabel('Workspace name').press('Enter');
  // Sign-up is a server round trip (scrypt, several inserts): allow a loaded machine its time.
  await expect(page.getByRole('heading', { level: 1, name: 'Leads' })).toBeVisible({
    timeout: 30_000,
  });
}

/** Opens the app on another device and signs in with an existing account. */
export async function signIn(page: Page, url: string, account: Account) {
  await page.goto(url);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Leads' })).toBeVisible();
}

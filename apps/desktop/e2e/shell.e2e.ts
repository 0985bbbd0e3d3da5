import { newAccount, signUp } from './support/accounts.ts';
import { expect, test } from './support/fixtures.ts';

test('keyboard shortcuts move between areas and open the help', async ({ page, shell }) => {
  await signUp(page, shell.url, newAccount('keys'));
  const heading = (name: string) => page.getByRole('heading', { level: 1, name });

  await page.keyboard.press('g');
  await page.keyboard.press('i');
  await expect(heading('Inbox')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Inbox' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('main')).toBeFocused();

  await page.keyboard.press('g');
  await page.keyboard.press('q');
  await expect(heading('Queue')).toBeVisible();

  await page.keyboard.press('g');
  await page.keyboard.press('c');
  await expect(heading('Campaigns')).toBeVisible();

  await page.keyboard.press('Control+5');
  await expect(heading('Analytics')).toBeVisible();

  await page.keyboard.press('g');
  await page.keyboard.press('s');
  await expect(heading('Settings')).toBeVisible();

  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await expect(heading('Leads')).toBeVisible();

  // Typing in a field is text, not shortcuts.
  await page.keyboard.press('g');
  await page.keyboard.press('s');
  await page.getByLabel('Email').focus();
  await page.keyboard.type('gi');
  await expect(heading('Settings')).toBeVisible();
  await page.getByLabel('Email').blur();

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('rowheader', { name: 'Go to Inbox' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // The workspace switcher is a listbox: opens from the keyboard, Escape closes it.
  await page.getByRole('button', { name: /Switch workspace/ }).focus();
  await page.keyboard.press('ArrowDown');
  const switcher = page.getByRole('listbox', { name: 'Switch workspace' });
  await expect(switcher).toBeVisible();
  await expect(switcher.getByRole('option', { selected: true })).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox', { name: 'Switch workspace' })).toBeHidden();
  await expect(page.getByRole('button', { name: /Switch workspace/ })).toBeFocused();
});

test('the theme switches between light and dark and is remembered by the engine', async ({
  page,
  shell,
}) => {
  await signUp(page, shell.url, newAccount('theme'));
  await page.getByRole('button', { name: 'Settings' }).click();
  const html = page.locator('html');

  await page.getByRole('radio', { name: 'Dark' }).check();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('radio', { name: 'Dark' })).toBeChecked();

  await page.getByRole('radio', { name: 'Light' }).check();
  await expect(html).toHaveAttribute('data-theme', 'light');
  const lightBackground = await page.evaluate(
    () => getComputedStyle(document.body).backgroundColor,
  );
  expect(lightBackground).not.toBe(darkBackground);

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('radio', { name: 'System' }).check();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(html).toHaveAttribute('data-theme', 'light');
});

test('an admin invites a member and changes nothing they may not', async ({ page, shell }) => {
  const admin = newAccount('admin');
  await signUp(page, shell.url, admin);
  await page.keyboard.press('g');
  await page.keyboard.press('s');

  const members = page.getByRole('region', { name: 'Members' });
  const adminRow = members.getByRole('row').filter({ hasText: admin.email });
  await expect(adminRow.getByRole('cell', { name: 'Admin', exact: true })).toBeVisible();
  await expect(adminRow.getByRole('combobox')).toHaveCount(0); // no changing your own role

  // The engine's validation error shows under the email field.
  const invite = members.getByRole('form', { name: 'Invite a member' });
  await invite.getByLabel('Email').fill('nobody');
  await invite.getByLabel('Email').press('Enter');
  await expect(invite.getByLabel('Email')).toHaveAccessibleDescription(/valid email/i);

  const invitee = `teammate-${Date.now()}@example.com`;
  await invite.getByLabel('Email').fill(invitee);
  await invite.getByLabel('Role').selectOption('manager');
  await invite.getByRole('button', { name: 'Send invitation' }).click();

  await expect(members.getByRole('list', { name: 'Invitations sent' })).toContainText(
    `Invitation sent to ${invitee} as Manager`,
  );
  await expect(page.getByRole('list', { name: 'Notifications' })).toContainText(
    `Invitation sent to ${invitee}`,
  );
  await expect(invite.getByLabel('Email')).toHaveValue('');

  const sessions = page.getByRole('region', { name: 'Sessions' });
  await expect(sessions.getByText('This device')).toBeVisible();
});

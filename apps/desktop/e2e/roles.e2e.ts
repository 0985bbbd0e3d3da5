import { newAccount, signUp } from './support/accounts.ts';
import { expect, test } from './support/fixtures.ts';
import { acceptInvitation, invitationToken, signUpElsewhere } from './support/server.ts';

test('roles: an admin changes a member’s role; the member sees no admin controls and switches workspaces', async ({
  page,
  shell,
}) => {
  const admin = newAccount('owner');
  const member = newAccount('rep');
  await signUpElsewhere(member); // the rep already has a workspace of their own

  await signUp(page, shell.url, admin);
  await page.keyboard.press('g');
  await page.keyboard.press('s');
  const members = page.getByRole('region', { name: 'Members' });
  const invite = members.getByRole('form', { name: 'Invite a member' });
  await invite.getByLabel('Email').fill(member.email);
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(members.getByRole('list', { name: 'Invitations sent' })).toContainText(member.email);

  // The rep follows the mailed link.
  await acceptInvitation(await invitationToken(member.email), member);

  // The admin sees the new member (after coming back to Settings) and promotes them.
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await page.keyboard.press('g');
  await page.keyboard.press('s');
  const roleSelect = members.getByRole('combobox', { name: `Role of ${member.name}` });
  await expect(roleSelect).toHaveValue('sdr');
  await roleSelect.selectOption('manager');
  await expect(page.getByRole('list', { name: 'Notifications' })).toContainText(
    `${member.name} is now Manager`,
  );

  await page
    .getByRole('region', { name: 'Account' })
    .getByRole('button', { name: 'Sign out' })
    .click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // The rep signs in on this device: their own workspace first, then switches to the admin's.
  await page.getByLabel('Email').fill(member.email);
  await page.getByLabel('Password').fill(member.password);
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Leads' })).toBeVisible();

  const switcher = page.getByRole('button', { name: /Switch workspace/ });
  await switcher.click();
  const list = page.getByRole('listbox', { name: 'Switch workspace' });
  await expect(list.getByRole('option')).toHaveCount(2);
  await list.getByRole('option', { name: new RegExp(admin.workspaceName) }).click();
  await expect(
    page.getByRole('button', { name: `Workspace: ${admin.workspaceName}. Switch workspace` }),
  ).toBeVisible();
  await expect(page.getByRole('list', { name: 'Notifications' })).toContainText(
    `Switched to ${admin.workspaceName}`,
  );

  // As a manager in the admin's workspace: members are listed, but no invite form and no role controls.
  await page.keyboard.press('g');
  await page.keyboard.press('s');
  await expect(members.getByRole('row').filter({ hasText: admin.email })).toBeVisible();
  await expect(members.getByText('Only admins can invite or change roles.')).toBeVisible();
  await expect(members.getByRole('form', { name: 'Invite a member' })).toHaveCount(0);
  await expect(members.getByRole('combobox')).toHaveCount(0);
  await expect(page.getByRole('contentinfo', { name: 'Status' })).toContainText('Manager');
});

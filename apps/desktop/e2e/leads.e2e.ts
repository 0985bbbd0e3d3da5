import { newAccount, signIn, signUp } from './support/accounts.ts';
import { expect, launchShell, suiteServerUrl, test } from './support/fixtures.ts';
import { createLead, leadGrid, leadRows } from './support/leads.ts';
import { launchSyncServer } from './support/sync-server.ts';

const ADA = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@analytical.io',
  company: 'Analytical Engines',
};
const GRACE = {
  firstName: 'Grace',
  lastName: 'Hopper',
  email: 'grace@navy.mil',
  company: 'US Navy',
};
const ALAN = {
  firstName: 'Alan',
  lastName: 'Turing',
  email: 'alan@bletchley.uk',
  company: 'Bletchley Park',
};

test('leads: create, search, filter, sort, save a view, edit inline, and a second device sees the edit', async ({
  page,
  shell,
  browser,
}) => {
  test.setTimeout(120_000);
  const account = newAccount('leads');
  await signUp(page, shell.url, account);

  // An empty workspace says so, and offers to create a lead.
  await expect(page.getByRole('heading', { name: 'No leads yet' })).toBeVisible();

  // `n` opens the new-lead dialog; the command palette can do the same.
  await createLead(page, ADA);
  await createLead(page, GRACE);
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  await page.keyboard.type('new lead');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'New lead' })).toBeVisible();
  await page.keyboard.press('Escape');
  await createLead(page, ALAN);

  const grid = leadGrid(page);
  const rows = leadRows(page);
  await expect(rows).toHaveCount(3);
  await expect(grid).toHaveAttribute('aria-rowcount', '4');
  await expect(page.getByText('All leads · 3 leads')).toBeVisible();

  // Search as you type (`/` focuses the box).
  await page.locator('body').press('/');
  const search = page.getByRole('searchbox', { name: 'Search leads' });
  await expect(search).toBeFocused();
  await page.keyboard.type('grace');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('grace@navy.mil');
  await search.fill('');
  await expect(rows).toHaveCount(3);

  // Sort by clicking headers: ascending, then descending; shift-click adds a second key.
  const firstName = grid.getByRole('columnheader', { name: 'First name' });
  await firstName.getByRole('button').click();
  await expect(firstName).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.first()).toContainText('Ada');
  await expect(rows.nth(1)).toContainText('Alan');
  await firstName.getByRole('button').click();
  await expect(firstName).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.first()).toContainText('Grace');
  const company = grid.getByRole('columnheader', { name: 'Company' });
  await company.getByRole('button').click({ modifiers: ['Shift'] });
  await expect(company).toHaveAttribute('aria-sort', 'ascending');
  await expect(firstName).toHaveAttribute('aria-sort', 'descending');

  // The keyboard: j moves the cursor, Enter opens the lead, Esc closes it.
  await grid.focus();
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('complementary', { name: 'Grace Hopper' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('complementary', { name: 'Grace Hopper' })).toBeHidden();

  // Build a filter: Company contains "engines" (text matching ignores case).
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  const builder = page.getByRole('region', { name: 'Filter' });
  await builder.getByRole('button', { name: 'Add condition' }).click();
  const condition = builder.getByRole('group', { name: 'Condition 1' });
  await condition.getByLabel('Field').selectOption({ label: 'Company' });
  await condition.getByLabel('Operator').selectOption({ label: 'contains' });
  // Without a value the condition is marked and nothing is applied yet.
  await expect(condition.getByText('Enter a value')).toBeVisible();
  await expect(rows).toHaveCount(3);
  await condition.getByLabel('Value').fill('engines');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Ada');

  // Save it as a pinned view: it appears in the sidebar with its live count.
  await page.getByRole('button', { name: 'Save view', exact: true }).click();
  const save = page.getByRole('dialog', { name: 'Save view' });
  await save.getByLabel('Name').fill('Engine people');
  await save.getByRole('button', { name: 'Save view' }).click();
  await expect(save).toBeHidden();
  const pinned = page.getByRole('list', { name: 'Pinned views' });
  const view = pinned.getByRole('button', { name: /^Engine people/ });
  await expect(view).toHaveAccessibleName('Engine people 1 lead');
  await expect(view).toHaveAttribute('aria-current', 'page');

  // A new lead that matches raises the count, without reopening anything.
  await createLead(page, {
    firstName: 'Charles',
    lastName: 'Babbage',
    email: 'charles@engines.example',
    company: 'Difference Engines',
  });
  await expect(view).toHaveAccessibleName('Engine people 2 leads');
  await expect(rows).toHaveCount(2);

  // Back to all leads; a second device signs in and sees them.
  await page.getByRole('button', { name: /^All leads/ }).click();
  await expect(rows).toHaveCount(4);
  const laptop = await launchShell(suiteServerUrl());
  const laptopContext = await browser.newContext();
  try {
    const laptopPage = await laptopContext.newPage();
    await signIn(laptopPage, laptop.url, account);
    const laptopRows = leadRows(laptopPage);
    await expect(laptopRows).toHaveCount(4, { timeout: 20_000 });
    await expect(leadGrid(laptopPage)).toContainText('ada@analytical.io');

    // Edit Ada inline on the first device: a bad email is refused where it was typed…
    await rows.filter({ hasText: 'ada@analytical.io' }).click();
    const detail = page.getByRole('complementary', { name: 'Ada Lovelace' });
    await expect(detail).toBeVisible();
    const email = detail.getByLabel('Email', { exact: true });
    await email.fill('not-an-email');
    await email.press('Enter');
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(email).toHaveAccessibleDescription(/valid email/i);
    await expect(grid).toContainText('ada@analytical.io');

    // …a good one is saved, normalised, and shows in the table.
    await email.fill('  Ada@Lovelace.ORG ');
    await email.press('Enter');
    await expect(email).not.toHaveAttribute('aria-invalid', 'true');
    await expect(email).toHaveValue('ada@lovelace.org');
    await expect(grid).toContainText('ada@lovelace.org');
    const title = detail.getByLabel('Title', { exact: true });
    await title.fill('Countess');
    await title.press('Enter');
    await expect(detail.getByText('Countess · Analytical Engines')).toBeVisible();

    // The other device gets the edit through the server, live.
    await expect(leadGrid(laptopPage)).toContainText('ada@lovelace.org', { timeout: 20_000 });
    await laptopRows.filter({ hasText: 'ada@lovelace.org' }).click();
    const laptopDetail = laptopPage.getByRole('complementary', { name: 'Ada Lovelace' });
    await expect(laptopDetail.getByLabel('Title', { exact: true })).toHaveValue('Countess');
  } finally {
    await laptopContext.close();
    await laptop.dispose();
  }
});

test('leads: columns, lists and selection, status with a reason, tasks, notes, view menu', async ({
  page,
  shell,
}) => {
  test.setTimeout(120_000);
  await signUp(page, shell.url, newAccount('lists'));
  for (const lead of [ADA, GRACE, ALAN]) await createLead(page, lead);
  const grid = leadGrid(page);
  const rows = leadRows(page);
  await expect(rows).toHaveCount(3);

  // Columns: show Phone, move it left of Updated, hide Tags.
  await page.getByRole('button', { name: 'Columns', exact: true }).click();
  const columns = page.getByRole('dialog', { name: 'Columns' });
  await columns.getByRole('checkbox', { name: 'Phone' }).check();
  await columns.getByRole('button', { name: 'Move Phone left' }).click();
  await columns.getByRole('checkbox', { name: 'Tags' }).uncheck();
  await page.keyboard.press('Escape');
  await expect(columns).toBeHidden();
  const headers = await grid.getByRole('columnheader').allInnerTexts();
  expect(headers.map((h) => h.trim())).toEqual([
    'Select all leads in view',
    'First name',
    'Last name',
    'Email',
    'Company',
    'Status',
    'Score',
    'Owner',
    'Phone',
    'Updated',
  ]);

  // Resize a column from the keyboard and with the mouse; drag a header to reorder.
  const emailResize = grid.getByRole('separator', { name: 'Resize Email' });
  const width = Number(await emailResize.getAttribute('aria-valuenow'));
  await emailResize.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(emailResize).toHaveAttribute('aria-valuenow', String(width + 32));
  const box = await emailResize.boundingBox();
  if (!box) throw new Error('The resize handle has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 60, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(emailResize).toHaveAttribute('aria-valuenow', String(width + 32 - 60));
  await grid
    .getByRole('columnheader', { name: 'Company' })
    .dragTo(grid.getByRole('columnheader', { name: 'First name' }));
  await expect(grid.getByRole('columnheader').nth(1)).toHaveText('Company');
  await expect(grid.getByRole('columnheader').nth(2)).toHaveText('First name');

  // A static list, filled from the selection.
  await page.getByRole('button', { name: 'New list' }).click();
  const newList = page.getByRole('dialog', { name: 'New list' });
  await newList.getByLabel('Name').fill('Conference');
  await newList.getByRole('button', { name: 'Create list' }).click();
  await expect(newList).toBeHidden();
  const lists = page.getByRole('list', { name: 'Lists' });
  await expect(lists.getByRole('button', { name: /^Conference/ })).toBeVisible();

  await grid.getByRole('checkbox', { name: 'Select Ada Lovelace' }).click();
  await grid.getByRole('checkbox', { name: 'Select Grace Hopper' }).click();
  // The bulk bar runs "Add to list" as an engine job and reports the result.
  const bulk = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bulk).toContainText('2 selected');
  await bulk.getByRole('button', { name: 'Add to list' }).click();
  await page
    .getByRole('dialog', { name: 'Add to list' })
    .getByRole('button', { name: 'Conference' })
    .click();
  await expect(bulk.getByRole('status')).toContainText('Add to Conference: Changed 2 leads.');
  await expect(bulk).not.toContainText('selected');

  await lists.getByRole('button', { name: /^Conference/ }).click();
  await expect(rows).toHaveCount(2);
  await expect(lists.getByRole('button', { name: /^Conference/ })).toHaveAccessibleName(
    'Conference 2 leads',
  );
  // A view saved here keeps the search and the list: its count and its leads are both narrowed.
  const searchBox = page.getByRole('searchbox', { name: 'Search leads' });
  await searchBox.fill('grace');
  await expect(rows).toHaveCount(1);
  await page.getByRole('button', { name: 'Save view', exact: true }).click();
  const saveScoped = page.getByRole('dialog', { name: 'Save view' });
  await saveScoped.getByLabel('Name').fill('Grace at the conference');
  await saveScoped.getByRole('button', { name: 'Save view' }).click();
  await expect(saveScoped).toBeHidden();
  const scopedView = page
    .getByRole('list', { name: 'Pinned views' })
    .getByRole('button', { name: /^Grace at the conference/ });
  await expect(scopedView).toHaveAccessibleName('Grace at the conference 1 lead');
  await searchBox.fill('');
  await page.getByRole('button', { name: /^All leads/ }).click();
  await expect(rows).toHaveCount(3);
  await scopedView.click();
  await expect(searchBox).toHaveValue('grace');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Grace');
  await searchBox.fill('');
  await expect(rows).toHaveCount(2); // the view's list, without the search
  await lists.getByRole('button', { name: /^Conference/ }).click();
  await expect(rows).toHaveCount(2);
  // x selects the row under the cursor; "Remove from" the open list takes it out.
  await grid.focus();
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await expect(bulk).toContainText('1 selected');
  await page
    .getByRole('region', { name: 'Selection' })
    .getByRole('button', { name: 'Remove from “Conference”' })
    .click();
  await expect(rows).toHaveCount(1);
  await expect(lists.getByRole('button', { name: /^Conference/ })).toHaveAccessibleName(
    'Conference 1 lead',
  );
  await page.getByRole('button', { name: /^All leads/ }).click();
  await expect(rows).toHaveCount(3);

  // Status from the pipeline: a lost stage asks why.
  await rows.filter({ hasText: 'Turing' }).click();
  const detail = page.getByRole('complementary', { name: 'Alan Turing' });
  await detail.getByLabel('Status', { exact: true }).selectOption({ label: 'Disqualified' });
  const why = detail.getByRole('group', { name: 'Reason for Disqualified' });
  await why.getByLabel('Why Disqualified?').selectOption('No budget');
  await why.getByRole('button', { name: 'Set status' }).click();
  await expect(why).toBeHidden();
  await expect(detail.getByText('Reason: No budget')).toBeVisible();
  await expect(rows.filter({ hasText: 'Turing' })).toContainText('Disqualified');

  // Tasks: add one with a due time, complete it.
  const tasks = detail.getByRole('list', { name: 'Tasks' });
  await detail.getByLabel('Task', { exact: true }).fill('Call back about the budget');
  await detail.getByLabel('Due').fill('2031-03-04T10:30');
  await detail.getByRole('button', { name: 'Add', exact: true }).click();
  const task = tasks.getByRole('checkbox', { name: /Call back about the budget/ });
  await expect(task).not.toBeChecked();
  await task.check();
  await expect(task).toBeChecked();

  // Notes are saved and come back when the lead is opened again.
  await detail
    .getByRole('textbox', { name: 'Notes' })
    .fill('Met at the conference; call in March.');
  await detail.getByRole('button', { name: 'Save notes' }).click();
  await expect(detail.getByRole('button', { name: 'Save notes' })).toBeHidden();
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await rows.filter({ hasText: 'Turing' }).click();
  await expect(detail.getByRole('textbox', { name: 'Notes' })).toHaveValue(
    'Met at the conference; call in March.',
  );
  await expect(tasks.getByRole('checkbox', { name: /Call back about the budget/ })).toBeChecked();
  await detail.getByRole('button', { name: 'Close details' }).click();

  // A view's menu: rename, unpin (it moves under "More views"), delete.
  await page.getByRole('button', { name: 'Save view', exact: true }).click();
  const save = page.getByRole('dialog', { name: 'Save view' });
  await save.getByLabel('Name').fill('Everything');
  await save.getByRole('button', { name: 'Save view' }).click();
  const pinned = page.getByRole('list', { name: 'Pinned views' });
  await expect(pinned.getByRole('button', { name: /^Everything/ })).toHaveAccessibleName(
    'Everything 3 leads',
  );
  await pinned.getByRole('button', { name: 'Actions for Everything' }).click();
  await page.getByRole('menuitem', { name: 'Rename…' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename “Everything”' });
  await rename.getByLabel('Name', { exact: true }).fill('All of them');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(pinned.getByRole('button', { name: /^All of them/ })).toBeVisible();
  await pinned.getByRole('button', { name: 'Actions for All of them' }).click();
  await page.getByRole('menuitem', { name: 'Unpin' }).click();
  await expect(pinned.getByRole('button', { name: /^All of them/ })).toBeHidden();
  await page.getByRole('button', { name: 'More views (1)' }).click();
  const others = page.getByRole('list', { name: 'Other views' });
  await others.getByRole('button', { name: 'Actions for All of them' }).click();
  await page.getByRole('menuitem', { name: 'Delete…' }).click();
  await page
    .getByRole('dialog', { name: 'Delete the view “All of them”?' })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(page.getByRole('button', { name: /^More views/ })).toBeHidden();
  await expect(rows).toHaveCount(3);
});

test('leads: two devices edit the same field offline; the conflict log offers the other value', async ({
  page,
  browser,
}) => {
  // Reconnecting after the outage backs off (up to 30 s, jittered); allow for a loaded machine.
  test.setTimeout(240_000);
  // This test stops its server, so it gets its own server and engines.
  const server = await launchSyncServer();
  const desk = await launchShell(server.url);
  const laptop = await launchShell(server.url);
  const laptopContext = await browser.newContext();
  try {
    const account = newAccount('conflict');
    await signUp(page, desk.url, account);
    await createLead(page, ADA);
    const laptopPage = await laptopContext.newPage();
    await signIn(laptopPage, laptop.url, account);
    await expect(leadRows(laptopPage)).toHaveCount(1, { timeout: 20_000 });

    // The server goes away; each device changes Ada's title.
    await server.stop();
    for (const [p, title] of [
      [page, 'CEO'],
      [laptopPage, 'CTO'],
    ] as const) {
      await leadRows(p).first().click();
      const detail = p.getByRole('complementary', { name: 'Ada Lovelace' });
      const field = detail.getByLabel('Title', { exact: true });
      await field.fill(title);
      await field.press('Enter');
      await expect(detail.getByText('Waiting to sync')).toBeVisible();
    }

    // Back online: both edits reach the server; the later one wins everywhere.
    await server.start();
    const deskDetail = page.getByRole('complementary', { name: 'Ada Lovelace' });
    const laptopDetail = laptopPage.getByRole('complementary', { name: 'Ada Lovelace' });
    await expect(deskDetail.getByText('Waiting to sync')).toBeHidden({ timeout: 90_000 });
    await expect(laptopDetail.getByText('Waiting to sync')).toBeHidden({ timeout: 90_000 });
    const deskTitle = deskDetail.getByLabel('Title', { exact: true });
    const laptopTitle = laptopDetail.getByLabel('Title', { exact: true });
    await expect(async () => {
      const a = await deskTitle.inputValue();
      expect(a === 'CEO' || a === 'CTO').toBe(true);
      expect(await laptopTitle.inputValue()).toBe(a);
    }).toPass({ timeout: 60_000 });
    const kept = await deskTitle.inputValue();
    const other = kept === 'CEO' ? 'CTO' : 'CEO';

    // The conflict log says what was overwritten; one click brings it back, on both devices.
    const log = deskDetail.getByRole('list', { name: 'Conflicts' });
    const entry = log.getByRole('listitem').filter({ hasText: 'title' });
    await expect(entry).toContainText(`Kept: ${kept}`, { timeout: 60_000 });
    await expect(entry).toContainText(`Overwritten: ${other}`);
    const keepOther = entry.getByRole('button', { name: 'Keep the other value' });
    await expect(keepOther).toBeEnabled();
    await keepOther.click();
    await expect(deskTitle).toHaveValue(other);
    await expect(laptopTitle).toHaveValue(other, { timeout: 60_000 });
  } finally {
    await laptopContext.close();
    await laptop.dispose();
    await desk.dispose();
    await server.dispose();
  }
});

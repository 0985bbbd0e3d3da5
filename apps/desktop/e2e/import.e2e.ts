import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { newAccount, signUp } from './support/accounts.ts';
import { expect, launchShell, test } from './support/fixtures.ts';
import { parseCsv, REAL_WORLD_CSV, writeLargeCsv } from './support/import-files.ts';
import { launchSyncServer } from './support/sync-server.ts';

async function downloaded(
  page: Page,
  click: () => Promise<void>,
): Promise<{ download: Download; text: string }> {
  const pending = page.waitForEvent('download');
  await click();
  const download = await pending;
  const path = await download.path();
  return { download, text: readFileSync(path, 'utf8') };
}

async function openImport(page: Page) {
  await page.getByRole('button', { name: 'Import leads' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import leads' })).toBeVisible();
  await expect(page).toHaveURL(/#\/leads\/import$/);
}

test('a real-world CSV: suggested mapping, problems per cell, progress, problem report, export', async ({
  page,
  shell,
}, testInfo) => {
  const account = newAccount('importer');
  await signUp(page, shell.url, account);
  await openImport(page);

  const file = testInfo.outputPath('hubspot-contacts.csv');
  writeFileSync(file, REAL_WORLD_CSV);
  await page.getByLabel('Choose a file').setInputFiles(file);

  // The engine read the file: BOM, ';' and the quoted newline; HubSpot's headers are recognised.
  const columns = page.getByRole('region', { name: 'Columns' });
  await expect(
    columns.getByText(/hubspot-contacts\.csv · .* · CSV, utf-8, “;”-separated/i),
  ).toBeVisible();
  const mappingOf = (header: string) => page.getByLabel(`Import column “${header}” as`);
  await expect(mappingOf('Record ID')).toHaveValue('ignore');
  await expect(mappingOf('First Name')).toHaveValue('firstName');
  await expect(mappingOf('Last Name')).toHaveValue('lastName');
  await expect(mappingOf('Email')).toHaveValue('email');
  await expect(mappingOf('Phone Number')).toHaveValue('phone');
  await expect(mappingOf('Company Name')).toHaveValue('company');
  await expect(mappingOf('Job Title')).toHaveValue('title');
  await expect(mappingOf('Country/Region')).toHaveValue('country');
  await expect(
    columns.getByText('7 of 8 columns will be imported', { exact: false }),
  ).toBeVisible();

  await page.getByLabel('Default country').selectOption('US');
  await page.getByLabel('Tags to add').fill('Web Summit');

  // The preview marks the bad email on its cell and refuses the row; the formula is a warning.
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(
    preview.getByText('The first 4 rows: 2 ready, 1 with warnings, 1 refused.'),
  ).toBeVisible();
  const badEmail = preview.getByRole('cell', { name: /^bob@@example \(problem: / });
  await expect(badEmail).toHaveClass(/import-cell--error/);
  const formula = preview.getByRole('cell', { name: /^=HYPERLINK.*\(warning: / });
  await expect(formula).toHaveClass(/import-cell--warning/);
  const bobRow = preview.getByRole('row').filter({ hasText: 'bob@@example' });
  await expect(bobRow.getByRole('cell').first()).toContainText('Refused');
  // The row after the two-line company is still row 4 (a spreadsheet counts records, not lines).
  await expect(bobRow.getByRole('rowheader')).toHaveText('4');

  await page.getByRole('button', { name: 'Start import' }).click();
  const job = page.getByRole('region', { name: 'hubspot-contacts.csv' });
  await expect(job.getByRole('status').filter({ hasText: 'Import finished' })).toHaveText(
    'Import finished: 3 created, 1 refused.',
  );
  await expect(job.getByRole('definition').nth(0)).toHaveText('4'); // rows read
  await expect(
    page.getByRole('list', { name: 'Import steps' }).getByText('Import'),
  ).toHaveAttribute('aria-current', 'step');

  // The problem report: the refused row and the formula warning, the formula neutralised.
  const report = await downloaded(page, () =>
    job.getByRole('link', { name: 'Download problem report' }).click(),
  );
  expect(report.download.suggestedFilename()).toBe('hubspot-contacts-import-problems.csv');
  const problems = parseCsv(report.text.replace(/^\uFEFF/, ''));
  expect(problems).toHaveLength(2);
  expect(problems[0]).toMatchObject({
    Row: '4',
    Column: 'Email',
    Value: 'bob@@example',
    Severity: 'error',
  });
  expect(problems[1]).toMatchObject({ Row: '5', Column: 'Company Name', Severity: 'warning' });
  expect(problems[1]!.Value).toBe(`'=HYPERLINK("http://evil.example","Click me")`);
  // The same problems on screen.
  const listed = job.getByRole('table', { name: 'Problems of this import' }).getByRole('row');
  await expect(listed).toHaveCount(3);
  await expect(listed.nth(1)).toHaveText(/^4Emailbob@@exampleRefused: .*not a valid email/);
  await expect(listed.nth(2)).toHaveText(
    /^5Company Name=HYPERLINK\(.*Warning: Looks like a spreadsheet formula/,
  );

  // The job is in the recent imports, done.
  const recent = page.getByRole('table', { name: 'Recent imports' });
  await expect(recent.getByRole('row').filter({ hasText: 'hubspot-contacts.csv' })).toContainText(
    'Done',
  );

  // Export every lead as CSV from the import screen's header.
  await page.getByRole('button', { name: 'Export leads' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export leads' });
  await expect(dialog.getByText('All leads in this workspace')).toBeVisible();
  await expect(dialog.getByRole('checkbox', { name: /^All columns/ })).toBeChecked();
  await dialog.getByRole('button', { name: 'Export' }).click();
  await expect(dialog.getByText('Exported 3 leads')).toBeVisible();
  const exported = await downloaded(page, () =>
    dialog.getByRole('link', { name: /^Download leads-\d{4}-\d{2}-\d{2}\.csv$/ }).click(),
  );
  expect(exported.text.startsWith('\uFEFF')).toBe(true);
  const leads = parseCsv(exported.text.slice(1));
  expect(leads).toHaveLength(3);
  const byEmail = new Map(leads.map((lead) => [lead.email, lead]));
  expect([...byEmail.keys()].sort()).toEqual([
    'ada@example.com',
    'eve@example.com',
    'grace@example.com',
  ]);
  expect(byEmail.get('eve@example.com')!.company).toBe(
    `'=HYPERLINK("http://evil.example","Click me")`,
  );
  expect(byEmail.get('grace@example.com')!.company).toBe('Navy Research\r\nLabs');
  expect(byEmail.get('grace@example.com')!.phone).toBe('+14155550132');
  expect(byEmail.get('ada@example.com')!.country).toBe('GB');
  expect(byEmail.get('eve@example.com')!.country).toBe('DE');
  for (const lead of leads) expect(lead.tags).toBe('Web Summit');

  // "View imported leads" goes back to the Leads area.
  await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
  await job.getByRole('button', { name: 'View imported leads' }).click();
  await expect(page).toHaveURL(/#\/leads$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Leads' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Import leads' })).toHaveCount(0);
  await expect(page.getByText('All leads · 3 leads')).toBeVisible();
  const table = page.getByRole('grid', { name: 'Leads' });
  for (const email of ['ada@example.com', 'grace@example.com', 'eve@example.com']) {
    await expect(table.getByText(email)).toBeVisible();
  }
  await expect(table.getByText('bob@@example')).toHaveCount(0);
});

test('an import keeps going through an engine restart, and its counts add up', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  // Its own sync server: 50k leads syncing must not slow the other tests' shared server.
  const server = await launchSyncServer();
  const shell = await launchShell(server.url);
  try {
    const rows = 50_000;
    const file = testInfo.outputPath('trade-show.csv');
    const { refused } = writeLargeCsv(file, rows);

    const account = newAccount('bulk');
    await signUp(page, shell.url, account);
    await openImport(page);
    await page.getByLabel('Choose a file').setInputFiles(file);
    await expect(page.getByLabel('Import column “Email” as')).toHaveValue('email');
    await page.getByRole('button', { name: 'Start import' }).click();

    const job = page.getByRole('region', { name: 'trade-show.csv' });
    const progress = job.getByRole('progressbar', { name: 'Import progress' });
    await expect(progress).toBeVisible();
    // Wait for the first committed batch, then stop the engine under the running import.
    await expect(job.getByText(/ [1-9][\d,]* rows read/)).toBeVisible({ timeout: 60_000 });

    // Leave the screen: the top bar shows the import's progress, and going back shows the same job.
    await page.getByRole('button', { name: 'Back to leads' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Leads' })).toBeVisible();
    const indicator = page.getByRole('button', { name: /^Import leads \(importing, \d+%\)$/ });
    await expect(indicator).toBeVisible();
    await indicator.click();
    await expect(progress).toBeVisible();

    await shell.stop();
    await expect(job.getByText('The local engine is restarting')).toBeVisible();
    const before = Number((await progress.getAttribute('value')) ?? '0');
    expect(before).toBeLessThan(100);
    await shell.start();

    // The new engine resumes the job after its last committed batch; the page follows it to the end.
    await expect(job.getByRole('status').filter({ hasText: 'Import finished' })).toHaveText(
      `Import finished: ${(rows - refused).toLocaleString('en-US')} created, ${refused} refused.`,
      { timeout: 200_000 },
    );
    await expect(job.getByRole('definition').nth(0)).toHaveText(rows.toLocaleString('en-US'));
    // Right after a big import the engine is busy (syncing 49,950 new leads, indexing them): its
    // answers can take a while on a loaded machine.
    const busy = { timeout: 60_000 };
    await expect(job.getByRole('link', { name: 'Download problem report' })).toBeVisible(busy);
    const report = await downloaded(page, () =>
      job.getByRole('link', { name: 'Download problem report' }).click(),
    );
    const problems = parseCsv(report.text.replace(/^\uFEFF/, ''));
    expect(problems).toHaveLength(refused);
    // Every 1000th lead is broken; with the header, lead n is on row n + 1. Each exactly once.
    expect(problems.map((p) => Number(p.Row))).toEqual(
      Array.from({ length: refused }, (_, i) => (i + 1) * 1000 + 1),
    );
    expect(new Set(problems.map((p) => p.Severity))).toEqual(new Set(['error']));

    // A reload asks the engine again: the same finished job, with the same counts.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Import leads' })).toBeVisible(busy);
    const recent = page.getByRole('table', { name: 'Recent imports' });
    const line = recent.getByRole('row').filter({ hasText: 'trade-show.csv' });
    await expect(line).toContainText('Done', busy);
    await expect(line).toContainText(
      `${(rows - refused).toLocaleString('en-US')} created, ${refused} refused`,
    );
  } finally {
    await shell.dispose();
    await server.stop();
  }
});

test('files that cannot be imported are refused with a clear message; a dropped file is read', async ({
  page,
  shell,
}, testInfo) => {
  const account = newAccount('refused');
  await signUp(page, shell.url, account);
  await openImport(page);

  // Over 1 GB: refused in the page, before a byte is uploaded (a sparse file costs no disk).
  const huge = testInfo.outputPath('everything.csv');
  writeFileSync(huge, '');
  truncateSync(huge, 1024 ** 3 + 1);
  await page.getByLabel('Choose a file').setInputFiles(huge);
  await expect(page.getByRole('alert')).toHaveText(
    'everything.csv is larger than 1 GB, the most one import can read. Split it into smaller files first.',
  );

  // An old binary Excel file: the engine's own reason, through the error mapping.
  const xls = testInfo.outputPath('old.xls');
  writeFileSync(xls, Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]));
  await page.getByLabel('Choose a file').setInputFiles(xls);
  await expect(page.getByRole('alert')).toContainText(/xls/i);
  await expect(page.getByRole('region', { name: 'Import from a file' })).toBeVisible();

  // A file dropped on the drop zone is read like a chosen one.
  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    const csv = 'Full Name,E-mail Address\nZed Shaw,zed@example.com\n';
    transfer.items.add(new File([csv], 'dropped.csv', { type: 'text/csv' }));
    return transfer;
  });
  await page.getByText('Drag a file here, or').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByRole('region', { name: 'Columns' })).toContainText('dropped.csv');
  await expect(page.getByLabel('Import column “Full Name” as')).toHaveValue('fullName');
  await expect(page.getByLabel('Import column “E-mail Address” as')).toHaveValue('email');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

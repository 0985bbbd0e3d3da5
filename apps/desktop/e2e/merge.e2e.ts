/**
 * Duplicates end to end: two leads with one email are found, compared side by side, merged with
 * a value chosen from the loser, and a second signed-in device sees one lead with the merged
 * values (the loser tombstoned on every replica).
 */
import { newAccount, signIn, signUp } from './support/accounts.ts';
import { expect, launchShell, suiteServerUrl, test } from './support/fixtures.ts';
import { createLead, leadGrid, leadRows } from './support/leads.ts';

test('duplicates: find, compare, merge choosing values; the second device sees the result', async ({
  page,
  shell,
  browser,
}) => {
  test.setTimeout(120_000);
  const account = newAccount('merge');
  await signUp(page, shell.url, account);
  await createLead(page, {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@acme.io',
    company: 'Acme',
  });
  await createLead(page, {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ADA@acme.io',
    company: 'Acme Incorporated',
  });
  const rows = leadRows(page);
  await expect(rows).toHaveCount(2);

  // The second device is signed in before the merge, and sees both.
  const laptop = await launchShell(suiteServerUrl());
  const laptopContext = await browser.newContext();
  try {
    const laptopPage = await laptopContext.newPage();
    await signIn(laptopPage, laptop.url, account);
    await expect(leadRows(laptopPage)).toHaveCount(2, { timeout: 20_000 });

    await page.getByRole('button', { name: 'Duplicates' }).click();
    const groups = page.getByRole('region', { name: 'Duplicate groups' });
    await expect(groups).toContainText('ada@acme.io');
    await groups.getByRole('button', { name: /ada@acme\.io/ }).click();
    const compare = page.getByRole('region', { name: 'Compare and merge' });
    await expect(compare).toBeVisible();
    // Keep the first lead, but take the second one's company name.
    await compare.getByRole('radio', { name: 'Acme Incorporated' }).check();
    await compare.getByRole('button', { name: /^Merge 1 into/ }).click();
    await expect(page.getByText(/Merged 1 lead into Ada Lovelace/)).toBeVisible();

    await page.getByRole('button', { name: 'Duplicates' }).click();
    await expect(rows).toHaveCount(1);
    await expect(leadGrid(page)).toContainText('Acme Incorporated');

    // The other device converges: one lead, with the chosen value.
    await expect(leadRows(laptopPage)).toHaveCount(1, { timeout: 20_000 });
    await expect(leadGrid(laptopPage)).toContainText('Acme Incorporated');
  } finally {
    await laptopContext.close();
    await laptop.stop();
  }
});

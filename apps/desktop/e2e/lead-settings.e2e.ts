import type { Locator, Page } from '@playwright/test';
import { newAccount, signUp } from './support/accounts.ts';
import { expect, test } from './support/fixtures.ts';

/** `n`, the new-lead dialog, create; the lead opens in the detail panel. */
async function createLead(
  page: Page,
  lead: { firstName: string; lastName: string; title: string },
) {
  await page.locator('body').press('n');
  const dialog = page.getByRole('dialog', { name: 'New lead' });
  await dialog.getByLabel('First name').fill(lead.firstName);
  await dialog.getByLabel('Last name').fill(lead.lastName);
  await dialog.getByLabel('Title').fill(lead.title);
  await dialog.getByRole('button', { name: 'Create lead' }).click();
  await expect(dialog).toBeHidden();
  const detail = page.getByRole('complementary', { name: `${lead.firstName} ${lead.lastName}` });
  await expect(detail).toBeVisible();
  return detail;
}

/** The rule at `index` of the fit rule list. */
const rule = (section: Locator, index: number) =>
  section.getByRole('list', { name: 'Fit rules' }).locator(':scope > li').nth(index);

async function addRule(section: Locator, kind: string) {
  await section.getByLabel('New rule on').selectOption(kind);
  await section.getByRole('button', { name: 'Add rule' }).click();
}

test('an admin adds a pipeline stage and fit rules; the lead detail shows the new score and why', async ({
  page,
  shell,
}) => {
  test.setTimeout(90_000);
  await signUp(page, shell.url, newAccount('scoring'));

  // A lead scored under the default settings (no rules): 0, and it says why.
  let detail = await createLead(page, {
    firstName: 'Ada',
    lastName: 'Lovelace',
    title: 'VP Sales',
  });
  const country = detail.getByLabel('Country', { exact: true });
  await country.fill('Germany');
  await country.press('Enter');
  await expect(country).not.toHaveAttribute('aria-busy', 'true');
  const score = detail.getByRole('region', { name: 'Score' });
  await expect(score.getByText('Score 0', { exact: true })).toBeVisible();
  await expect(score).toContainText('No scoring rule matches this lead.');
  await page.keyboard.press('Escape');

  // Settings → Leads.
  await page.keyboard.press('g');
  await page.keyboard.press('s');
  const section = page.getByRole('region', { name: 'Leads', exact: true });
  await expect(section).toBeVisible();
  const save = section.getByRole('button', { name: 'Save changes' });
  await expect(save).toBeDisabled();

  // A new pipeline stage, placed before "Qualified".
  await section.getByLabel('New stage').fill('Meeting booked');
  await section.getByRole('button', { name: 'Add stage' }).click();
  const stage = section.getByRole('group', { name: 'Stage Meeting booked' });
  await expect(stage).toBeVisible();
  await expect(stage.getByText('Key: meeting_booked')).toBeVisible();
  for (let i = 0; i < 3; i++) {
    await stage.getByRole('button', { name: 'Move Meeting booked up' }).click();
  }
  const stageNames = section
    .getByRole('list', { name: 'Pipeline stages' })
    .getByLabel('Stage name');
  await expect(stageNames).toHaveCount(6);
  await expect(stageNames.nth(2)).toHaveValue('Meeting booked');

  // Scoring: a title rule with no terms yet is refused, and the problem shows under its field.
  await section.getByRole('radio', { name: 'Scoring' }).check();
  await addRule(section, 'title');
  const title = rule(section, 0);
  await title.getByLabel('Rule name').fill('VP title');
  await title.getByLabel('Points').fill('30');
  await save.click();
  const terms = title.getByLabel('Any of these terms');
  await expect(terms).toHaveAttribute('aria-invalid', 'true');
  await expect(section.getByRole('radio', { name: /^Scoring \(1 to fix\)/ })).toBeChecked();
  await expect(section.getByText('One thing needs attention before saving.')).toBeVisible();
  await terms.fill('VP');
  await terms.press('Enter');
  await expect(title.getByRole('listitem').filter({ hasText: 'VP' })).toBeVisible();

  await addRule(section, 'country');
  const dach = rule(section, 1);
  await dach.getByLabel('Rule name').fill('DACH');
  await dach.getByLabel('Points').fill('20');
  const countries = dach.getByLabel('Country is any of');
  await countries.fill('Austria');
  await countries.press('Enter');
  await countries.fill('de');
  await countries.press('Enter');
  await expect(dach.getByRole('list', { name: 'Current values' })).toHaveText(/AT\s*DE/);

  // The live preview scores a picked lead with the rules being edited.
  const preview = section.getByRole('region', { name: 'Score preview' });
  await preview.getByLabel('Find a lead').fill('ada');
  await preview.getByRole('button', { name: 'Ada Lovelace' }).click();
  await expect(preview.getByText('Preview score 50', { exact: true })).toBeVisible();
  await expect(preview).toContainText('Title "VP Sales" has the word "VP"');
  await expect(preview).toContainText('Country is DE');

  await save.click();
  await expect(page.getByText('Lead settings saved')).toBeVisible();
  await expect(save).toBeDisabled();

  // Back to the lead: the new score and why; the new stage is in the status list.
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  const grid = page.getByRole('grid', { name: 'Leads' });
  await grid.getByRole('rowgroup').nth(1).getByRole('row').filter({ hasText: 'Ada' }).click();
  detail = page.getByRole('complementary', { name: 'Ada Lovelace' });
  const explained = detail.getByRole('region', { name: 'Score' });
  await expect(explained.getByText('Score 50', { exact: true })).toBeVisible();
  const why = explained.getByRole('list', { name: 'Why this score' }).getByRole('listitem');
  await expect(why).toHaveCount(2);
  await expect(why.nth(0)).toContainText('+30');
  await expect(why.nth(0)).toContainText('VP title');
  await expect(why.nth(1)).toContainText('+20');
  await expect(why.nth(1)).toContainText('Country is DE');
  await expect(detail.getByLabel('Status', { exact: true }).locator('option')).toContainText([
    'New',
    'Working',
    'Meeting booked',
    'Qualified',
  ]);

  // An edit of a field a rule reads changes the score at once.
  const titleField = detail.getByLabel('Title', { exact: true });
  await titleField.fill('Head of Sales');
  await titleField.press('Enter');
  await expect(explained.getByText('Score 20', { exact: true })).toBeVisible();
  await expect(why).toHaveCount(1);
});

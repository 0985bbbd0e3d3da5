/** Steps and locators of the Leads area shared by end-to-end tests. */
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';

export type NewLead = { firstName: string; lastName: string; email: string; company: string };

/** The lead table (an ARIA grid). */
export function leadGrid(page: Page) {
  return page.getByRole('grid', { name: 'Leads' });
}

/** The table's data rows (the header row is in the first row group). */
export function leadRows(page: Page) {
  return leadGrid(page).getByRole('rowgroup').nth(1).getByRole('row');
}

/** `n`, fill the new-lead dialog, create; the lead opens in the detail panel, Esc closes it. */
export async function createLead(page: Page, lead: NewLead) {
  await page.locator('body').press('n');
  const dialog = page.getByRole('dialog', { name: 'New lead' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('First name').fill(lead.firstName);
  await dialog.getByLabel('Last name').fill(lead.lastName);
  await dialog.getByLabel('Email').fill(lead.email);
  await dialog.getByLabel('Company').fill(lead.company);
  await dialog.getByRole('button', { name: 'Create lead' }).click();
  await expect(dialog).toBeHidden();
  const detail = page.getByRole('complementary', { name: `${lead.firstName} ${lead.lastName}` });
  await expect(detail).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
}

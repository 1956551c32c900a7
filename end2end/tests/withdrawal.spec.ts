import { expect, test } from '@playwright/test';
import { aboutYou, recovery, resumeLink, scenarios, start, views } from './survey';

test('a participant withdraws their answers with the code from the thank-you page', async ({ page }, info) => {
  await start(page, info);
  const link = await resumeLink(page);
  await aboutYou(page, info);
  await recovery(page, info);
  await scenarios(page, info);
  await views(page, info);
  await page.getByRole('button', { name: 'Submit answers' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();
  const code = (await page.locator('.withdrawal-code code').textContent())!.trim();
  expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);

  await page.getByRole('link', { name: 'Withdraw your answers' }).click();
  await page.getByLabel('Withdrawal code').fill('aaaa-bbbb-cccc');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await page.getByLabel('Withdrawal code').fill(code.toUpperCase());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Are you sure you want to withdraw your answers?' })).toBeVisible();
  await page.getByRole('button', { name: 'Yes, delete my answers' }).click();
  await expect(page.getByRole('heading', { name: 'Your answers have been deleted' })).toBeVisible();

  await page.goto(link);
  await expect(page.getByText('We could not find any answers for this link')).toBeVisible();
});

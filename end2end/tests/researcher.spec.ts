import { expect, test } from '@playwright/test';
import { signIn } from './accounts';
import { aboutYou, recovery, scenarios, settled, start, views } from './survey';

test('a researcher reads every answer to R2 side by side, filtered to inpatient workers', async ({ page }, info) => {
  await start(page, info);
  await aboutYou(page, info);
  await recovery(page, info);
  await scenarios(page, info);
  await views(page, info);
  await page.getByRole('button', { name: 'Submit answers' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();

  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();
  await page.getByRole('link', { name: /the Sam study/ }).click();
  await settled(page, info);
  await expect(page.getByRole('figure').filter({ hasText: 'Responses in progress, by the furthest step reached' })).toBeVisible();
  await expect(page.locator('.chart__bars').first()).toBeVisible();
  await page.getByRole('link', { name: /what aspects do you think would help them/ }).click();
  await settled(page, info);
  await page.getByLabel('Work setting').selectOption('inpatient');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/setting=inpatient/);
  await expect(page.getByText(/P\d+: Inpatient SW, 14 months experience/).first()).toBeVisible();
  await expect(page.getByText('Community SW')).toHaveCount(0);

  await page.goto('/admin/studies/sam/likert');
  await expect(page.getByRole('heading', { name: 'How the Likert items fall' })).toBeVisible();
  await expect(page.locator('.likert__svg').first()).toBeVisible();
  await expect(page.getByText(/All respondents: n = \d+, median/).first()).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to the researcher area' })).toBeVisible();
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/sign-in$/);
});

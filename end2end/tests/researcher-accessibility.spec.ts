import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { owner, signIn } from './accounts';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

test('the researcher pages are accessible', async ({ page }) => {
  const check = async (what: string) => {
    const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), what).toEqual([]);
  };
  await page.goto('/admin/sign-in');
  await check('sign in');
  await signIn(page, 'not the password at all');
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await check('sign in error');
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();
  await check('studies');
  await page.goto('/admin/studies/sam');
  await check('dashboard');
  await page.goto('/admin/studies/sam/questions/r2');
  await check('answers side by side');
  await page.goto('/admin/studies/sam/likert');
  await page.locator('summary').first().click();
  await check('likert charts with a breakdown open');
});

test("the owner's audit log is accessible", async ({ page }) => {
  await signIn(page, owner.password, owner.email);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'signed in' }).first()).toBeVisible();
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  expect(results.violations.map((v) => v.id)).toEqual([]);
});

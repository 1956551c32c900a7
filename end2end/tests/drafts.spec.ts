import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { researcher, useSession } from './accounts';
import { expectAccessible } from './axe';

let project: TestInfo | undefined;
const check = (page: Page, what: string) => expectAccessible(page, what, project);

async function saved(page: Page) {
  await expect(page.getByRole('status')).toContainText('Saved in the draft');
}

// Walked with and without JavaScript (the two projects): every form is a plain post.
test('a researcher copies Sam in the app, writes a variant, balances the order, previews and publishes it', async ({ page }, info) => {
  project = info;
  const slug = `drafted-${info.project.name}-${Date.now() % 100000}`;
  const title = `Sam drafted in the app (${info.project.name})`;
  await useSession(page, researcher.email);
  await page.goto('/admin/studies/sam/versions');
  await page.getByLabel('Title of the new study').fill(title);
  await page.getByLabel('Short name for its address').fill('Not A Slug');
  await page.getByRole('button', { name: 'Copy the study' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(page.getByLabel('Title of the new study')).toHaveValue(title);
  await check(page, 'versions page with a copy error');
  await page.getByLabel('Short name for its address').fill(slug);
  await page.getByRole('button', { name: 'Copy the study' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/studies/${slug}/draft$`));
  await expect(page.getByRole('heading', { name: `Draft: ${title}` })).toBeVisible();
  await check(page, 'draft overview');

  // Not open until 2099, so the other tests' start page is unchanged.
  await page.getByLabel('First day').fill('31/12/2098');
  await page.getByRole('button', { name: 'Save the dates' }).click();
  await expect(page.getByRole('link', { name: /year-month-day/ })).toBeVisible();
  await expect(page.getByLabel('First day')).toHaveValue('31/12/2098');
  await check(page, 'draft overview with an error');
  await page.getByLabel('First day').fill('2099-01-01');
  await page.getByRole('button', { name: 'Save the dates' }).click();
  await saved(page);

  for (const [id, label] of [['they', 'Sam described as they'], ['she', 'Sam described as she']]) {
    await page.getByLabel('What it changes').fill(label);
    await page.getByLabel('Short name of the variant').fill(id);
    await page.getByRole('button', { name: 'Add the variant' }).click();
    await saved(page);
  }
  await page.getByLabel(/^Balanced: every order/).check();
  for (const situation of ["Situation 1 of 3: Sam's money", "Situation 2 of 3: Sam's medication", 'Situation 3 of 3: a night at the pub']) {
    await page.getByRole('checkbox', { name: situation }).check();
  }
  await page.getByRole('button', { name: 'Save the order' }).click();
  await saved(page);

  await page.getByRole('link', { name: 'Meet Sam (3 questions)' }).click();
  await expect(page.getByRole('heading', { name: 'Draft page: Meet Sam' })).toBeVisible();
  await page.locator('#variant-she-body').fill('Sam is in her late twenties and hopes to train as a chef.');
  if (info.project.use.javaScriptEnabled !== false) {
    // With JavaScript a text previews in place, rendered as participants will see it.
    const she = page.getByRole('group', { name: 'In the variant "Sam described as she"' });
    await she.locator('textarea').last().fill('Sam is in her late twenties and **hopes** to train as a chef.');
    await she.getByRole('button', { name: 'Preview the text' }).click();
    await expect(she.locator('.prose strong')).toHaveText('hopes');
    await she.locator('textarea').last().fill('Sam is in her late twenties and hopes to train as a chef.');
  }
  await page.getByRole('button', { name: 'Save the page' }).click();
  await saved(page);
  await check(page, 'draft page editor');

  await page.getByRole('link', { name: 'Preview this page as participants see it' }).click();
  await expect(page.getByRole('heading', { name: 'Meet Sam', exact: true })).toBeVisible();
  await page.getByRole('link', { name: 'Sam described as she' }).click();
  await expect(page.getByText('Sam is in her late twenties and hopes to train as a chef.')).toBeVisible();
  await check(page, 'preview of a variant');
  await page.getByRole('link', { name: 'Back to the draft' }).click();

  await page.getByRole('link', { name: 'Review the changes and publish' }).click();
  await expect(page.getByRole('heading', { name: `Changes in the draft of ${title}` })).toBeVisible();
  await check(page, 'changes');
  await page.getByRole('button', { name: 'Publish the new study' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/studies/${slug}/versions\\?new-study=1$`));
  await expect(page.getByRole('status')).toContainText('version 1');
});

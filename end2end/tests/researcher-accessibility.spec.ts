import { expect, test, type Page } from '@playwright/test';
import { enterPassword, owner, researcher, useSession } from './accounts';
import { settled, submitWith } from './survey';
import { copyOfSam, copyWithMistake } from './authoring';
import { expectAccessible as check } from './axe';

test('the researcher pages are accessible', async ({ page }, info) => {
  await page.goto('/admin/sign-in');
  await check(page, 'sign in');
  await enterPassword(page, researcher.email, 'not the password at all');
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await check(page, 'sign in error');
  await enterPassword(page, researcher.email, researcher.password);
  await expect(page.getByRole('heading', { name: 'Enter the code from your authenticator app' })).toBeVisible();
  await page.getByLabel('Code').fill('000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await check(page, 'wrong code');
  await page.context().clearCookies();

  await useSession(page, researcher.email);
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();
  await check(page, 'studies');
  await page.goto('/admin/studies/sam');
  await check(page, 'dashboard');
  await page.goto('/admin/studies/sam/questions/r2');
  await check(page, 'answers side by side');
  await page.goto('/admin/studies/sam/likert');
  await settled(page, info);
  await page.locator('summary').first().click();
  await check(page, 'likert charts with a breakdown open');
  await page.goto('/admin/studies/sam/responses');
  await check(page, 'responses');
  await page.goto('/admin/studies/sam/versions');
  await expect(page.getByRole('link', { name: 'Download version 1' })).toBeVisible();
  await check(page, 'versions');
  await page.goto('/admin/publish');
  await check(page, 'publish a study file');
  await page.getByLabel("Or the file's text").fill(copyWithMistake('copy-accessibility').text);
  await page.getByRole('button', { name: 'Check and publish' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await check(page, 'publish with a problem');
  await page.getByLabel("Or the file's text").fill(copyOfSam('copy-accessibility'));
  await page.getByRole('button', { name: 'Check and publish' }).click();
  await expect(page.getByRole('status')).toContainText('version 1');
  await check(page, 'published');
  // Its start page says when it opens, and offers no Start button.
  await page.goto('/s/copy-accessibility');
  await expect(page.getByRole('status')).toContainText('2099');
  await expect(page.getByRole('link', { name: 'Start now' })).toHaveCount(0);
  await check(page, 'a study not yet open');
  // A copy that ran in January 2020: its start page and its consent page say it closed.
  await page.goto('/admin/publish');
  await page.getByLabel("Or the file's text").fill(copyOfSam('copy-closed', 'open_from = 2020-01-01\nopen_until = 2020-01-31'));
  await page.getByRole('button', { name: 'Check and publish' }).click();
  await expect(page.getByRole('status')).toContainText('version 1');
  await page.goto('/s/copy-closed');
  await expect(page.getByRole('status')).toContainText('closed on');
  await check(page, 'a closed study');
  const consent = await page.goto('/s/copy-closed/consent');
  expect(consent?.status()).toBe(410);
  await check(page, 'the consent page of a closed study');
  await page.goto('/admin/studies/sam/redactions');
  await check(page, 'identifier review');
  const first = page.locator('table a').first();
  if ((await first.count()) > 0) {
    await first.click();
    await expect(page.getByRole('link', { name: 'Delete this response' })).toBeVisible();
    await check(page, 'one response');
    await page.getByRole('link', { name: 'Delete this response' }).click();
    await expect(page.getByRole('button', { name: 'Yes, delete this response' })).toBeVisible();
    await check(page, 'delete confirmation');
  }
});

test("the owner's audit log is accessible", async ({ page }) => {
  await useSession(page, owner.email);
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'two-factor set up' }).first()).toBeVisible();
  await check(page, 'audit log');
});

test('the withdrawal pages are accessible', async ({ page }) => {
  await page.goto('/withdraw');
  await check(page, 'withdraw');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await check(page, 'withdraw error');
  await page.goto('/withdraw/done');
  await check(page, 'withdrawn');
});

test("a member of staff's account page is accessible, and a wrong current password is refused", async ({ page }) => {
  await useSession(page, researcher.email);
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Your account' }).click();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await check(page, 'your account');
  await page.getByLabel('Current password').fill('not the password at all');
  await page.getByLabel('New password', { exact: true }).fill('a new and longer passphrase');
  await page.getByLabel('New password again').fill('a new and longer passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Enter your current password correctly' })).toBeVisible();
  await check(page, 'your account with an error');
});

test("the owner's accounts page, with its actions on each account, is accessible", async ({ page }) => {
  await useSession(page, owner.email);
  await page.goto('/admin/team');
  await expect(page.getByRole('heading', { name: 'Accounts' })).toBeVisible();
  await expect(page.getByRole('button', { name: `End sessions of ${researcher.email}` })).toBeVisible();
  await check(page, 'accounts');
});

test("the owner's page of a study's members is accessible", async ({ page }) => {
  await useSession(page, owner.email);
  await page.goto('/admin/studies/sam/members');
  await expect(page.getByRole('checkbox', { name: researcher.email })).toBeChecked();
  await check(page, 'members of a study');
});

test('the thematic analysis pages are accessible and fit at 320px (tables scroll in their own box)', async ({ page }, info) => {
  const words = `Walking the dog with a neighbour (${info.project.name}, accessibility)`;
  await submitWith(page, info, words);
  await page.setViewportSize({ width: 320, height: 900 });
  await useSession(page, researcher.email);
  await page.goto('/admin/studies/sam/analysis');
  await expect(page.getByRole('heading', { name: 'Thematic analysis' })).toBeVisible();
  await settled(page, info);
  await check(page, 'analysis');
  await page.getByRole('button', { name: 'Add the code' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await check(page, 'analysis with an error');
  await page.getByLabel('Name', { exact: true }).fill('Hope (accessibility)');
  await page.getByRole('button', { name: 'Add the code' }).click();
  await page.getByRole('link', { name: 'Hope (accessibility)' }).click();
  await expect(page.getByRole('heading', { name: 'Code: Hope (accessibility)' })).toBeVisible();
  await check(page, 'collated extracts');
  await page.goto('/admin/studies/sam/analysis');
  await page.getByLabel('Theme name').fill('Belonging (accessibility)');
  await page.getByLabel('Central organising concept').fill('Recovery as being part of something.');
  await page.getByRole('button', { name: 'Add the theme' }).click();
  await expect(page.getByRole('heading', { name: 'Theme: Belonging (accessibility)' })).toBeVisible();
  await check(page, 'a theme');
  await page.getByLabel('A memo on this theme').fill('Belonging came up before any code named it.');
  await page.getByRole('button', { name: 'Add the memo' }).click();
  await expect(page.getByText('Belonging came up before any code named it.')).toBeVisible();
  await check(page, 'a theme with a memo');
  await page.goto('/admin/studies/sam/analysis/journal');
  await page.getByRole('button', { name: 'Add the memo' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await check(page, 'the journal with an error');
  await page.goto('/admin/studies/sam/analysis/beside');
  await expect(page.getByRole('heading', { name: "Your themes beside the study's" })).toBeVisible();
  await check(page, 'themes beside the published ones');
  await page.goto('/admin/studies/sam/analysis/by-group');
  await expect(page.getByRole('heading', { name: 'Themes by group' })).toBeVisible();
  await check(page, 'themes by group');
  await page.goto('/admin/studies/sam/analysis/log');
  await expect(page.getByRole('cell', { name: 'theme added' }).first()).toBeVisible();
  await check(page, 'analysis log');
  await page.goto('/admin/studies/sam/analysis/team');
  await expect(page.getByRole('heading', { name: 'Answers coded by more than one coder' })).toBeVisible();
  await check(page, 'coding together');
  await page.goto('/admin/studies/sam/analysis/untouched');
  await expect(page.getByText(words)).toBeVisible();
  await check(page, 'answers no theme touches');
  await page.goto('/admin/studies/sam/analysis/questions/r2');
  await settled(page, info);
  await check(page, 'coding grid');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'no sideways scrolling at 320px').toBeLessThanOrEqual(320);
  await page.locator('section.coding').filter({ hasText: words }).getByRole('heading').getByRole('link').click();
  await expect(page.getByRole('heading', { name: 'Memos on this participant' })).toBeVisible();
  await settled(page, info);
  await check(page, "a participant's answers");
  const answer = page.locator('section.coding').filter({ hasText: words });
  await answer.getByText('Memos on this answer (0)').click();
  await answer.getByRole('button', { name: 'Add the memo' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(answer.getByLabel('A memo on this answer')).toBeVisible();
  await check(page, "a participant's answers with an error");
  const participantWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(participantWidth, 'no sideways scrolling at 320px').toBeLessThanOrEqual(320);
});

test('the thematic map and the import pages are accessible at 320px, and each says what went wrong', async ({ page }, info) => {
  await page.setViewportSize({ width: 320, height: 900 });
  await useSession(page, researcher.email);
  await page.goto('/admin/studies/sam/analysis/map');
  await expect(page.getByRole('heading', { name: 'Thematic map' })).toBeVisible();
  await settled(page, info);
  await check(page, 'thematic map');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'the map scrolls in its own box at 320px').toBeLessThanOrEqual(320);
  await page.getByRole('button', { name: 'Keep a snapshot of the map' }).click();
  await expect(page.getByRole('link', { name: /^The map of .* kept by / }).first()).toBeVisible();
  await check(page, 'thematic map with a snapshot');

  await page.goto('/admin/studies/sam/analysis/import');
  await expect(page.getByRole('heading', { name: 'Import codings from QDA software' })).toBeVisible();
  await settled(page, info);
  await check(page, 'import');
  await page.getByRole('button', { name: 'Compare with this study' }).click();
  await expect(page.getByRole('link', { name: 'Choose a project file (.qdpx) to import' })).toBeVisible();
  await check(page, 'import with an error');
  const project = await page.request.get('/admin/studies/sam/exports/qdpx');
  expect(project.status()).toBe(200);
  await page.getByLabel('Project file (.qdpx)').setInputFiles({ name: 'sam.qdpx', mimeType: 'application/zip', buffer: await project.body() });
  await page.getByRole('button', { name: 'Compare with this study' }).click();
  await expect(page.getByRole('heading', { name: 'What the import would change' })).toBeVisible();
  await expect(page.getByText(/^sam\.qdpx: \d+ answers matched; \d+ codings are here already at the same place; \d+ differences\.$/)).toBeVisible();
  await check(page, 'what the import would change');
  await page.getByRole('button', { name: 'Discard this import' }).click();
  await expect(page.getByRole('heading', { name: 'Import codings from QDA software' })).toBeVisible();
});

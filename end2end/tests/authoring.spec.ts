import { expect, test } from '@playwright/test';
import { owner, researcher, useSession } from './accounts';
import { copyOfSam, copyWithMistake } from './authoring';

test('a researcher publishes a copy of Sam: a mistake is named by line and kept, the corrected file is published', async ({ page }, info) => {
  const slug = `copy-${info.project.name}`;
  await useSession(page, researcher.email);
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Publish a study file' }).click();
  await expect(page.getByRole('heading', { name: 'Publish a study file' })).toBeVisible();

  const { text, line } = copyWithMistake(slug);
  await page.getByLabel("Or the file's text").fill(text);
  await page.getByRole('button', { name: 'Check and publish' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(page.getByRole('link', { name: `Line ${line}, pages[2].questions[0].max_chars:` })).toBeVisible();
  // The text comes back to be corrected; nothing was published.
  await expect(page.getByLabel("Or the file's text")).toHaveValue(text);

  // Corrected as a file chosen from disk: the file is used instead of the text box.
  await page.getByLabel('Study file').setInputFiles({ name: `${slug}.toml`, mimeType: 'application/toml', buffer: Buffer.from(copyOfSam(slug)) });
  await page.getByRole('button', { name: 'Check and publish' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/studies/${slug}/versions\\?(new-study|unchanged)=1$`));
  await expect(page.getByRole('status')).toContainText('version 1');
  await expect(page.getByRole('link', { name: 'Download version 1' })).toBeVisible();
});

test("an owner opens a study's members from the list of studies and saves them unchanged", async ({ page }) => {
  await useSession(page, owner.email);
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Members of Recovery and positive risk-taking: the Sam study' }).click();
  await expect(page.getByRole('heading', { name: /^Members of / })).toBeVisible();
  // Everyone ticked stays ticked: the researchers of the other tests keep reading Sam.
  await expect(page.getByRole('checkbox', { name: researcher.email })).toBeChecked();
  await page.getByRole('button', { name: 'Save members' }).click();
  await expect(page.getByRole('status')).toContainText('The members are saved.');
  await expect(page.getByRole('checkbox', { name: researcher.email })).toBeChecked();
});

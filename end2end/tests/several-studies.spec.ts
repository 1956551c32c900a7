import { expect, test } from '@playwright/test';
import { samStudy, startOwnServer, type OwnServer } from './own-server';
import { expectAccessible } from './axe';

// The start page of an instance with two open studies lists them. The shared server keeps one
// open study (the other tests start at Sam), so this file runs a server of its own whose studies
// folder holds Sam and an open copy of it.
const otherTitle = 'Recovery and risk: a second study';

let server: OwnServer;
let baseURL = '';

test.beforeAll(async ({}, workerInfo) => {
  const sam = samStudy();
  const second = sam
    .replace('slug = "sam"', 'slug = "second"')
    .replace('title = "Recovery and positive risk-taking: the Sam study"', `title = "${otherTitle}"`);
  server = await startOwnServer('two-studies', 3150 + workerInfo.parallelIndex, { 'sam.toml': sam, 'second.toml': second });
  baseURL = server.baseURL;
});

test.afterAll(async () => {
  await server?.stop();
});

test('the start page lists the open studies, each leading to its own start page', async ({ page }, info) => {
  await page.goto(`${baseURL}/`);
  await expect(page.locator('.study-list > li')).toHaveCount(2);
  await expect(page.getByRole('link', { name: 'Recovery and positive risk-taking: the Sam study' })).toBeVisible();
  await expectAccessible(page, 'the start page of two studies', info);
  await page.getByRole('link', { name: otherTitle }).click();
  await expect(page).toHaveURL(`${baseURL}/s/second`);
  await expect(page.getByRole('heading', { name: otherTitle, level: 1 })).toBeVisible();
});

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { enterPassword, setUpTwoFactor } from './accounts';
import { expectAccessible } from './axe';
import { visit } from './coding';
import { root, samStudy, startOwnServer, type OwnServer } from './own-server';
import { usesJavaScript } from './survey';

// The question grid past one page, as a researcher reads a study of 55 participants: 50 answers
// a page, unread ones first, the next and previous pages reached by keyboard, with JavaScript and
// without; an answer marked read goes behind the unread ones. The 55 answer through the load
// tool's journeys (over HTTP, as phones do), on a server of this file's own.
const rita = { email: 'rita@example.org', password: 'granite orchard pillow 6', role: 'researcher', studies: ['sam'] };
const respondents = 55;
const grid = '/admin/studies/sam/analysis/questions/r2';

let server: OwnServer;

test.beforeAll(async ({}, workerInfo) => {
  test.setTimeout(120_000);
  server = await startOwnServer('grid-paging', 3170 + workerInfo.parallelIndex, { 'sam.toml': samStudy() }, [rita]);
  const journeys = spawnSync(
    path.join(root, 'target/debug/loadtest'),
    ['run', '--url', server.baseURL, '--database-url', server.databaseURL, '--respondents', `${respondents}`,
      '--think-ms', '0', '--ramp-seconds', '0'],
    { cwd: root, encoding: 'utf8' },
  );
  if (journeys.status !== 0) {
    throw new Error(`the load tool's journeys failed (cargo build -p loadtest first?): ${journeys.stdout}${journeys.stderr}`);
  }
});

test.afterAll(async () => {
  await server?.stop();
});

async function signedIn(browser: Browser, info: TestInfo): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseURL, javaScriptEnabled: usesJavaScript(info) });
  const page = await context.newPage();
  await enterPassword(page, rita.email, rita.password);
  await setUpTwoFactor(page);
  return page;
}

/** From the last control of the page's last answer, Tab reaches the page navigation's first
 * link, `name`, and Enter follows it, as a keyboard user would. */
async function followByKeyboard(page: Page, name: string) {
  await page.locator('section.coding').last().getByRole('button').last().focus();
  await page.keyboard.press('Tab');
  const pages = page.getByRole('navigation', { name: 'Pages of answers' });
  await expect(pages.getByRole('link', { name })).toBeFocused();
  await page.keyboard.press('Enter');
}

test('the grid shows 50 answers a page, unread first, and pages by keyboard', async ({ browser }, info) => {
  const page = await signedIn(browser, info);
  await page.setViewportSize({ width: 320, height: 900 });
  await visit(page, info, grid);
  await expect(page.getByText(`You have read 0 of ${respondents} answers; unread ones come first.`)).toBeVisible();
  await expect(page.getByText('Showing answers 1 to 50, page 1 of 2.')).toBeVisible();
  await expect(page.locator('section.coding')).toHaveCount(50);
  const pages = page.getByRole('navigation', { name: 'Pages of answers' });
  await expect(pages.getByRole('link', { name: 'Previous page' })).toHaveCount(0);

  await followByKeyboard(page, 'Next page');
  await expect(page.getByText('Showing answers 51 to 55, page 2 of 2.')).toBeVisible();
  expect(new URL(page.url()).searchParams.get('page')).toBe('2');
  await expect(page.locator('section.coding')).toHaveCount(respondents - 50);
  await expect(pages.getByRole('link', { name: 'Next page' })).toHaveCount(0);
  await expectAccessible(page, 'the second page of the grid', info);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'no sideways scrolling at 320px').toBeLessThanOrEqual(320);

  // Read answers go behind the unread ones: the first of page 2, marked read, comes back last.
  const first = page.locator('section.coding').first();
  const label = (await first.locator('h2 a').textContent())!;
  await first.getByRole('button', { name: 'Mark as read' }).click();
  await expect(page.getByText(`You have read 1 of ${respondents} answers; unread ones come first.`)).toBeVisible();
  await expect(page.getByText('Showing answers 51 to 55, page 2 of 2.')).toBeVisible();
  const last = page.locator('section.coding').last();
  await expect(last.getByRole('heading', { level: 2 })).toHaveText(`${label} (read)`);
  await expect(last.getByRole('button', { name: 'Mark as unread' })).toBeVisible();

  await followByKeyboard(page, 'Previous page');
  await expect(page.getByText('Showing answers 1 to 50, page 1 of 2.')).toBeVisible();
  await expect(page.getByRole('link', { name: label, exact: true })).toHaveCount(0);
});

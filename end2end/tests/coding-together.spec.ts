import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { enterPassword, setUpTwoFactor } from './accounts';
import { expectAccessible } from './axe';
import { answerSection, code, visit } from './coding';
import { samStudy, startOwnServer, type OwnServer } from './own-server';
import { settled, submitWith, usesJavaScript } from './survey';

// The thematic analysis as two researchers new to it would try it: they code the Sam answers
// independently, compare, build three themes, review the collated extracts, see the themes by
// setting (suppressed: too few people), export, and re-import a coded project through the diff.
// Independent mode is study-wide, so this file runs a server of its own.
const ana = { email: 'ana@example.org', password: 'copper meadow spindle 3', role: 'researcher', studies: ['sam'] };
const ben = { email: 'ben@example.org', password: 'lantern thistle harbour 8', role: 'researcher', studies: ['sam'] };
const first = 'Cooking with their brother again, and drawing at the day centre.';
const second = 'Seeing their brother, and a peer group about drink and drugs.';
const analysis = '/admin/studies/sam/analysis';
const grid = `${analysis}/questions/r2`;

let server: OwnServer;

test.beforeAll(async ({}, workerInfo) => {
  server = await startOwnServer('coding-together', 3160 + workerInfo.parallelIndex, { 'sam.toml': samStudy() }, [ana, ben]);
});

test.afterAll(async () => {
  await server?.stop();
});

/** A page of a fresh browser context on this file's server, as the project runs (with JS or not). */
async function freshPage(browser: Browser, info: TestInfo): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseURL, javaScriptEnabled: usesJavaScript(info) });
  return context.newPage();
}

async function signedIn(browser: Browser, info: TestInfo, account: typeof ana): Promise<Page> {
  const page = await freshPage(browser, info);
  await enterPassword(page, account.email, account.password);
  await setUpTwoFactor(page);
  return page;
}

async function release(page: Page, info: TestInfo) {
  await visit(page, info, `${analysis}/team`);
  await page.getByRole('button', { name: 'Release my codings' }).click();
  await expect(page.getByText(`${ana.email} (released)`).or(page.getByText(`${ben.email} (released)`)).first()).toBeVisible();
  await settled(page, info);
}

async function addTheme(page: Page, info: TestInfo, name: string, concept: string, definition: string, codes: string[]) {
  await visit(page, info, analysis);
  await page.getByLabel('Theme name').fill(name);
  await page.getByLabel('Central organising concept').fill(concept);
  await page.getByRole('button', { name: 'Add the theme' }).click();
  await expect(page.getByRole('heading', { name: `Theme: ${name}` })).toBeVisible();
  await settled(page, info);
  await page.getByLabel('What the theme is').fill(definition);
  await page.getByRole('button', { name: 'Save the definition' }).click();
  await expect(page.getByLabel('What the theme is')).toHaveValue(definition);
  await settled(page, info);
  for (const codeName of codes) {
    await page.getByRole('checkbox', { name: codeName, exact: true }).check();
  }
  await page.getByRole('button', { name: 'Save the codes' }).click();
  await expect(page.getByRole('checkbox', { name: codes[0], exact: true })).toBeChecked();
  await settled(page, info);
}

test('two researchers code on their own, compare, build themes, review, export and re-import through the diff', async ({ browser }, info) => {
  test.setTimeout(300_000);
  for (const answer of [first, second]) {
    const participant = await freshPage(browser, info);
    await submitWith(participant, info, answer);
    await participant.context().close();
  }
  const anaPage = await signedIn(browser, info, ana);
  const benPage = await signedIn(browser, info, ben);

  // Ana turns independent mode on and codes; Ben sees her codes but none of her codings.
  await visit(anaPage, info, `${analysis}/team`);
  await anaPage.getByRole('button', { name: 'Turn independent mode on' }).click();
  await expect(anaPage.getByText('Independent mode is on')).toBeVisible();
  await visit(anaPage, info, grid);
  await code(anaPage, info, first, 'their brother', 'Family', true);
  await code(anaPage, info, second, 'a peer group', 'Peer support', true);

  await visit(benPage, info, grid);
  await expect(benPage.locator('section.coding mark')).toHaveCount(0);
  await code(benPage, info, first, 'their brother', 'Family');
  await code(benPage, info, first, 'Cooking', 'Everyday skills', true);
  await code(benPage, info, second, 'drink and drugs', 'Substance use', true);
  await expect(answerSection(benPage, second).locator('mark')).toHaveText(['drink and drugs']);
  await expectAccessible(benPage, 'the grid in independent mode', info);

  // Once both release, each answer shows both coders side by side, and they note what they decide.
  await release(anaPage, info);
  await visit(benPage, info, grid);
  await expect(answerSection(benPage, second).locator('mark')).toHaveText(['drink and drugs']);
  await release(benPage, info);
  await visit(anaPage, info, `${analysis}/team`);
  const compared = anaPage.locator('section.coding').filter({ hasText: first });
  await expect(compared.getByRole('heading', { name: ana.email })).toBeVisible();
  await expect(compared.getByRole('heading', { name: ben.email })).toBeVisible();
  await expect(compared.getByRole('heading', { level: 3 })).toContainText('1 differences');
  const decision = 'Both saw family; everyday skills stays as Ben coded it.';
  await compared.getByText('Memos on this answer (0)').click();
  await compared.getByLabel('A memo on this answer').fill(decision);
  await compared.getByRole('button', { name: 'Add the memo' }).click();
  await settled(anaPage, info);
  // Back at the answer with its memos unfolded, the new one among them.
  await expect(compared.locator('details[open]').getByText('Memos on this answer (1)')).toBeVisible();
  await expect(compared.getByText(decision)).toBeVisible();
  await expectAccessible(anaPage, 'two coders compared, with a memo', info);
  await visit(anaPage, info, grid);
  // Overlapping codings mark their words once.
  await expect(answerSection(anaPage, first).locator('mark')).toHaveText(['Cooking', 'their brother']);
  await expect(answerSection(anaPage, first).getByText('Family: “their brother”')).toHaveCount(2);

  // Three themes, each with a definition and its codes.
  await addTheme(anaPage, info, 'Connection', 'Recovery runs through the people who stay.', 'Family and friends who keep in touch.', ['Family']);
  await addTheme(anaPage, info, 'Ordinary life', 'Hope shows first in everyday things.', 'Cooking, drawing, a routine.', ['Everyday skills']);
  await addTheme(anaPage, info, 'Risk in company', 'Peers can both help and endanger.', 'Groups, friends who use, the pub.', ['Peer support', 'Substance use']);
  await visit(anaPage, info, analysis);
  await expect(anaPage.locator('ul.themes > li')).toHaveText([
    'Connection (Candidate; codes: Family)',
    'Ordinary life (Candidate; codes: Everyday skills)',
    'Risk in company (Candidate; codes: Peer support, Substance use)',
  ]);

  // The collated extracts of a code: both coders' extracts, with the whole answer on demand.
  await anaPage.getByRole('link', { name: 'Family', exact: true }).click();
  await expect(anaPage.getByRole('heading', { name: 'Code: Family' })).toBeVisible();
  await expect(anaPage.locator('blockquote')).toHaveText(['their brother', 'their brother']);
  await expectAccessible(anaPage, 'the collated extracts of a code', info);

  // Themes by setting: two inpatient participants are too few to break down.
  await visit(anaPage, info, `${analysis}/by-group`);
  await expect(anaPage.getByText(/fewer than \d+ in group/).first()).toBeVisible();
  await expectAccessible(anaPage, 'themes by group, suppressed', info);

  // The extracts table and the project for QDA software.
  const extracts = await (await anaPage.request.get(`${analysis}/exports/extracts`)).text();
  expect(extracts.split('\n').filter((row) => row.includes(',their brother,'))).toHaveLength(2);
  expect(extracts).toContain(ben.email);
  const project = await anaPage.request.get('/admin/studies/sam/exports/qdpx');
  expect(project.status()).toBe(200);
  const qdpx = await project.body();
  expect(qdpx.subarray(0, 2).toString()).toBe('PK');

  // Ben takes back a coding; re-importing the project offers it again, and nothing else.
  await visit(benPage, info, grid);
  await answerSection(benPage, first).getByRole('button', { name: 'Remove "Everyday skills" here' }).click();
  await expect(answerSection(benPage, first).locator('mark')).toHaveText(['their brother']);
  await visit(anaPage, info, `${analysis}/import`);
  await anaPage.getByLabel('Project file (.qdpx)').setInputFiles({ name: 'sam.qdpx', mimeType: 'application/zip', buffer: qdpx });
  await anaPage.getByRole('button', { name: 'Compare with this study' }).click();
  await expect(anaPage.getByRole('heading', { name: 'What the import would change' })).toBeVisible();
  await expect(anaPage.getByText(/; 1 differences\.$/)).toBeVisible();
  const offered = anaPage.getByRole('checkbox', { name: /Everyday skills/ });
  await expect(offered).toBeChecked();
  await expect(anaPage.getByRole('group', { name: `Codings for ${ben.email}` })).toContainText('Cooking');
  await settled(anaPage, info);
  await expectAccessible(anaPage, 'an import with a difference to accept', info);
  await anaPage.getByRole('button', { name: 'Apply the ticked changes' }).click();
  await visit(benPage, info, grid);
  await expect(answerSection(benPage, first).locator('mark')).toHaveText(['Cooking', 'their brother']);
  await expect(answerSection(benPage, first).getByText('Everyday skills: “Cooking”')).toBeVisible();
});

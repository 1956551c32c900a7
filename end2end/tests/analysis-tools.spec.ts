import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { owner, researcher, useSession } from './accounts';
import { expectAccessible } from './axe';
import { answerSection, code, visit } from './coding';
import { tabTo } from './keyboard';
import { settled, submitWith, usesJavaScript } from './survey';

// The analysis's other ways in, as a researcher uses them: one participant's answers at a time,
// the code tree (moving and splitting codes), a codebook file, and another coder's changes
// announced on an open page. Every name carries the project, as both projects share the server.
const analysis = '/admin/studies/sam/analysis';
const grid = `${analysis}/questions/r2`;

/** Adds a code on the analysis page. */
async function addCode(page: Page, info: TestInfo, name: string, definition = '') {
  await visit(page, info, analysis);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Definition').fill(definition);
  await page.getByRole('button', { name: 'Add the code' }).click();
  await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
}

/** A page in a context of its own, as the project runs (with JS or not). */
async function otherPage(browser: Browser, info: TestInfo): Promise<Page> {
  const context = await browser.newContext({
    baseURL: info.project.use.baseURL,
    javaScriptEnabled: usesJavaScript(info),
  });
  return context.newPage();
}

test('a researcher codes one participant’s answers together, by keyboard', async ({ page }, info) => {
  const project = info.project.name;
  const r2 = `Drawing with their niece in ${project}, and a walking group.`;
  await submitWith(page, info, r2);
  await useSession(page, researcher.email);
  await visit(page, info, grid);
  const label = await answerSection(page, r2).locator('h2 a').textContent();
  await answerSection(page, r2).getByRole('link', { name: label! }).click();
  await expect(page.getByRole('heading', { level: 1, name: label! })).toBeVisible();
  await expect(page.getByText("All of this participant's written answers")).toBeVisible();
  await settled(page, info);
  await expectAccessible(page, 'the participant view', info);
  const participantPage = page.url();

  // The keyboard alone: the words, then a new code, then the button.
  const codeName = `Creativity (${project})`;
  await answerSection(page, r2).getByLabel(/Words to code/).focus();
  await page.keyboard.type('Drawing');
  await tabTo(page, answerSection(page, r2).getByRole('textbox', { name: 'Or a new code' }));
  await page.keyboard.type(codeName);
  await page.keyboard.press('Tab');
  await expect(answerSection(page, r2).getByRole('button', { name: 'Code', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(answerSection(page, r2).locator('mark')).toHaveText(['Drawing']);
  await expect(answerSection(page, r2).getByText(`${codeName}: “Drawing”`)).toBeVisible();
  expect(page.url().split('#')[0]).toBe(participantPage);
  await settled(page, info);

  // The other answers of the same person are on the same page, with their own forms.
  await expect(answerSection(page, 'Loneliness and friends who use.')).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'Memos on this participant' })).toBeVisible();
});

test('the code tree: a code moves inside another and splits off the extracts ticked', async ({ page }, info) => {
  const project = info.project.name;
  const r2 = `Phoning their brother and their sister in ${project}.`;
  await submitWith(page, info, r2);
  await useSession(page, researcher.email);
  const [relationships, family, siblings] = ['Relationships', 'Family', 'Sister'].map((n) => `${n} (${project} tree)`);
  await addCode(page, info, relationships);
  await addCode(page, info, family, 'Relatives Sam is in touch with.');
  await visit(page, info, grid);
  await code(page, info, r2, 'their brother', family);
  await code(page, info, r2, 'their sister', family);

  await visit(page, info, analysis);
  await page.getByRole('link', { name: family, exact: true }).click();
  await settled(page, info);
  await page.getByLabel('Inside another code (the code tree)').selectOption({ label: relationships });
  await page.getByRole('button', { name: 'Move in the tree' }).click();
  await expect(page.getByLabel('Inside another code (the code tree)')).toHaveValue(/.+/);
  await visit(page, info, analysis);
  await expect(page.getByRole('link', { name: `${relationships} / ${family}`, exact: true })).toBeVisible();

  await page.getByRole('link', { name: `${relationships} / ${family}`, exact: true }).click();
  await settled(page, info);
  // Without a name nothing moves, and the ticked extract stays ticked.
  const sister = page.getByRole('checkbox', { name: /their sister/ });
  await sister.check();
  await page.getByRole('button', { name: 'Split', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: /their sister/ })).toBeChecked();
  await expect(page.getByText('2 extracts from')).toBeVisible();
  await expectAccessible(page, 'a refused split', info);

  await page.getByLabel('Name of the new code').fill(siblings);
  await page.getByRole('button', { name: 'Split', exact: true }).click();
  await expect(page.locator('blockquote')).toHaveText(['their sister']);
  await visit(page, info, analysis);
  await page.getByRole('link', { name: `${relationships} / ${family}`, exact: true }).click();
  await expect(page.locator('blockquote')).toHaveText(['their brother']);
  await visit(page, info, `${analysis}/log`);
  await expect(page.getByRole('cell', { name: 'code moved in the tree' }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: 'code split' }).first()).toBeVisible();
});

test('a codebook file adds the codes the study lacks, nested, and says what it did', async ({ page }, info) => {
  const project = info.project.name;
  const [hope, steps] = [`Hope (${project} codebook)`, `Small steps (${project} codebook)`];
  await useSession(page, researcher.email);
  await visit(page, info, `${analysis}/import`);
  const codebook = page.getByLabel('Codebook (.qdc or .csv)');
  const upload = async (name: string, text: string) => {
    await codebook.setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    await page.getByRole('button', { name: 'Import the codebook' }).click();
    await settled(page, info);
  };

  await upload('wrong.csv', 'title,text\nHope,Looking forward\n');
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(page.getByText('The CSV has no "code" column').first()).toBeVisible();
  await expectAccessible(page, 'a refused codebook', info);

  const goals = `Goals Sam sets (${project})`;
  const csv = `code,definition,code_path\n"${hope}",Looking forward,"${hope}"\n"${steps}","${goals}","${hope} / ${steps}"\n`;
  await upload('codebook.csv', csv);
  const notification = page.locator('.notification');
  await expect(notification).toContainText('Codebook imported: 2 codes added');
  await upload('codebook.csv', csv);
  await expect(notification).toContainText("0 codes added, 0 codes given the file's definition, 2 codes here already");

  await visit(page, info, analysis);
  await expect(page.getByRole('link', { name: `${hope} / ${steps}`, exact: true })).toBeVisible();
  await expect(page.getByText(goals)).toBeVisible();
});

test('another coder’s change is announced on an open page, which never reloads itself', async ({ page, browser }, info) => {
  const project = info.project.name;
  await useSession(page, researcher.email);
  await visit(page, info, grid);
  const typing = page.getByLabel(/Words to code/).first();
  await typing.fill('half-typed words');

  const other = await otherPage(browser, info);
  await useSession(other, owner.email);
  const newCode = `Peer support (${project} live)`;
  await addCode(other, info, newCode);
  await other.context().close();

  const notice = page.getByRole('status').filter({ hasText: 'owner@example.org made a change: code added.' });
  if (usesJavaScript(info)) {
    await expect(notice).toBeVisible();
    await expect(typing).toHaveValue('half-typed words');
    await expectAccessible(page, 'the grid with a live notice', info);
    await notice.getByRole('link', { name: 'Reload the page to see it' }).click();
  } else {
    // Without JavaScript the page shows the change when it is next loaded.
    await expect(notice).toHaveCount(0);
    await page.reload();
  }
  await expect(page.getByLabel(newCode, { exact: true }).first()).toBeVisible();
});

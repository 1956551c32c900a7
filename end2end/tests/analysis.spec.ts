import { expect, test, type Page } from '@playwright/test';
import { researcher, useSession } from './accounts';
import { tabTo } from './keyboard';
import { settled, submitWith, usesJavaScript } from './survey';

/** Drags the mouse across `words` inside `text`, as a person selects them. */
async function selectWithMouse(page: Page, textId: string, words: string) {
  const box = await page.evaluate(
    ([id, wanted]) => {
      const text = document.getElementById(id)!;
      const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(wanted);
        if (at >= 0) {
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + wanted.length);
          const r = range.getBoundingClientRect();
          return { left: r.left, right: r.right, y: r.top + r.height / 2 };
        }
      }
      throw new Error(`${wanted} is not in #${id}`);
    },
    [textId, words],
  );
  await page.mouse.move(box.left + 1, box.y);
  await page.mouse.down();
  await page.mouse.move(box.right - 1, box.y, { steps: 5 });
  await page.mouse.up();
}

test('a researcher codes an answer by mouse or by keyboard, and reads the extracts collated', async ({ page }, info) => {
  const project = info.project.name;
  const r2 = `Cooking 😀 with e\u0301clat and seeing the ${project} family.`;
  await submitWith(page, info, r2);

  await useSession(page, researcher.email);
  await page.goto('/admin/studies/sam');
  await page.getByRole('link', { name: 'Code the written answers (thematic analysis)' }).click();
  await expect(page.getByRole('heading', { name: 'Thematic analysis' })).toBeVisible();
  await settled(page, info);
  const code = `Family (${project})`;
  await page.getByLabel('Name', { exact: true }).fill(code);
  await page.getByLabel('Definition').fill('Relatives Sam is in touch with, or could be again.');
  await page.getByRole('button', { name: 'Add the code' }).click();
  await expect(page.getByRole('link', { name: code })).toBeVisible();
  await page.locator('a[href="/admin/studies/sam/analysis/questions/r2"]').click();
  await settled(page, info);

  const answer = page.locator('section.coding').filter({ hasText: `the ${project} family` });
  await expect(answer).toHaveCount(1);
  const words = `${project} family`;
  // The keyboard: type the words, tab to the code, tick it, send.
  await answer.getByLabel(/Words to code/).focus();
  await page.keyboard.type('Cooking');
  await tabTo(page, answer.getByLabel(code));
  await page.keyboard.press('Space');
  await tabTo(page, answer.getByRole('button', { name: 'Code', exact: true }));
  await page.keyboard.press('Enter');
  const coded = page.locator('section.coding').filter({ hasText: `the ${project} family` });
  await expect(coded.locator('mark')).toHaveText(['Cooking']);
  await settled(page, info);
  if (usesJavaScript(info)) {
    // The mouse: the selection fills the form, positions and all.
    const textId = await coded.locator('.coding__text').getAttribute('id');
    await selectWithMouse(page, textId!, words);
    await expect(coded.getByLabel(/Words to code/)).toHaveValue(words);
  } else {
    // Without JavaScript the words are pasted.
    await coded.getByLabel(/Words to code/).fill(words);
  }
  await coded.getByLabel(code).check();
  await coded.getByRole('button', { name: 'Code', exact: true }).click();
  await expect(coded.locator('mark')).toHaveText(['Cooking', words]);
  await expect(coded.getByText(`${code}: “${words}”`)).toBeVisible();
  await settled(page, info);

  // Words not in the answer are refused, and what was typed stays.
  await coded.getByLabel(/Words to code/).fill('baking bread');
  await coded.getByRole('textbox', { name: 'Or a new code' }).fill(`Skills (${project})`);
  await coded.getByRole('button', { name: 'Code', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(page.getByText('"baking bread" is not in this answer').first()).toBeVisible();
  const again = page.locator('section.coding').filter({ hasText: `the ${project} family` });
  await expect(again.getByLabel(/Words to code/)).toHaveValue('baking bread');

  await page.goto('/admin/studies/sam/analysis');
  await page.getByRole('link', { name: code }).click();
  await expect(page.getByRole('heading', { name: `Code: ${code}` })).toBeVisible();
  await expect(page.getByText('2 extracts from')).toBeVisible();
  await expect(page.locator('blockquote')).toHaveText(['Cooking', words]);
  await page.getByText('The whole answer').first().click();
  await expect(page.getByText(r2).first()).toBeVisible();

  const extracts = await page.request.get('/admin/studies/sam/analysis/exports/extracts');
  expect(extracts.status()).toBe(200);
  const csv = await extracts.text();
  // "Cooking 😀 with éclat and seeing the " is 37 code points (the emoji one, the accent its own).
  const before = [...`Cooking 😀 with e\u0301clat and seeing the `].length;
  expect(csv).toContain(`,${before},${before + [...words].length},${words},no,`);
});

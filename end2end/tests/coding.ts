// Coding answers on the analysis pages, shared by the analysis specs.
import { expect, type Page, type TestInfo } from '@playwright/test';
import { settled } from './survey';

/** Goes to `address` and waits, with JavaScript, until the page has hydrated. */
export async function visit(page: Page, info: TestInfo, address: string) {
  await page.goto(address);
  await settled(page, info);
}

/** The coding section (on the grid or the participant view) of the answer holding `text`. */
export const answerSection = (page: Page, text: string) => page.locator('section.coding').filter({ hasText: text });

/** Codes `words` of the answer holding `answer` with an existing code, or a new one. */
export async function code(page: Page, info: TestInfo, answer: string, words: string, codeName: string, isNew = false) {
  const section = answerSection(page, answer);
  await section.getByLabel(/Words to code/).fill(words);
  if (isNew) {
    await section.getByRole('textbox', { name: 'Or a new code' }).fill(codeName);
  } else {
    await section.getByLabel(codeName, { exact: true }).check();
  }
  await section.getByRole('button', { name: 'Code', exact: true }).click();
  await expect(answerSection(page, answer).getByText(`${codeName}: “${words}”`)).toBeVisible();
  await settled(page, info);
}

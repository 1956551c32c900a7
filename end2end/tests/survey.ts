// Walking the Sam survey as a participant would, shared by the specs.
import { expect, type Page, type TestInfo } from '@playwright/test';

export const usesJavaScript = (info: TestInfo) => info.project.name === 'hydrated';

/** With JavaScript, waits until the wasm has hydrated the page (autosave only works then). */
export async function settled(page: Page, info: TestInfo) {
  if (usesJavaScript(info)) {
    await page.locator('main[data-hydrated="true"]').waitFor();
  }
}

export const answers = {
  r1: 'Living a meaningful life, with or without symptoms.',
  r2: 'Their cooking, their drawing and reconnecting with their brother.',
  r3: 'Loneliness and friends who use.',
};

export async function start(page: Page, info: TestInfo) {
  await page.goto('/');
  await page.getByRole('link', { name: 'Start now' }).click();
  await expect(page.getByText('Step 1 of 9')).toBeVisible();
  await settled(page, info);
  await page.getByLabel('I have read the information').check();
  await page.getByRole('button', { name: 'Agree and continue' }).click();
  await expect(page.getByRole('heading', { name: 'About your work' })).toBeVisible();
  await settled(page, info);
}

export async function aboutYou(page: Page, info: TestInfo) {
  await page.getByLabel('Inpatient mental health services').check();
  await page.getByLabel('Support worker', { exact: true }).check();
  await page.getByLabel('Years').fill('1');
  await page.getByLabel('Months').fill('2');
  await saveAndContinue(page, info);
  await expect(page.getByRole('heading', { name: 'Before you start' })).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Meet Sam' })).toBeVisible();
  await settled(page, info);
}

export async function saveAndContinue(page: Page, info: TestInfo) {
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.waitForLoadState('load');
  await settled(page, info);
}

export async function recovery(page: Page, info: TestInfo) {
  await page.getByLabel(/what may that mean\?/).fill(answers.r1);
  await page.getByLabel(/what aspects do you think would help them/).fill(answers.r2);
  await page.getByLabel(/What may hinder Sam's recovery/).fill(answers.r3);
  await saveAndContinue(page, info);
}

export async function scenario(page: Page, info: TestInfo, title: RegExp) {
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await page.getByLabel(/what do you believe would be the right thing to do/).fill('Plan it together with Sam.');
  await page.getByLabel('What do you believe your responsibilities would be?').fill('Support Sam and keep them safe.');
  await page.getByRole('group', { name: /How far would you support Sam/ }).getByLabel('Support', { exact: true }).check();
  await page.getByRole('group', { name: /How likely is it/ }).getByLabel('Likely', { exact: true }).check();
  await page.getByRole('group', { name: /How confident would you feel/ }).getByLabel('Very confident').check();
  await saveAndContinue(page, info);
}

export async function views(page: Page, info: TestInfo) {
  await expect(page.getByRole('heading', { name: 'Your views' })).toBeVisible();
  await page.getByRole('group', { name: /Setbacks are a normal part/ }).getByLabel('Strongly agree').check();
  await saveAndContinue(page, info);
  await expect(page.getByRole('heading', { name: /Check your answers/ })).toBeVisible();
}

export async function scenarios(page: Page, info: TestInfo) {
  await scenario(page, info, /Sam's money/);
  await scenario(page, info, /Sam's medication/);
  await scenario(page, info, /a night at the pub/);
}

/** Where a step of the Sam study lives: the address names the step, never the participant. */
export const stepAddress = (step: string) => `/s/sam/answers/${step}`;

export async function resumeLink(page: Page): Promise<string> {
  const href = await page.locator('.resume-link__url a').getAttribute('href');
  expect(href).toMatch(/\/r\/[A-Za-z0-9_-]{43}$/);
  return href!;
}

/** Submits the whole survey with `r2` as the answer to the question of what would help Sam. */
export async function submitWith(page: Page, info: TestInfo, r2: string) {
  await start(page, info);
  await aboutYou(page, info);
  await page.getByLabel(/what may that mean\?/).fill(answers.r1);
  await page.getByLabel(/what aspects do you think would help them/).fill(r2);
  await page.getByLabel(/What may hinder Sam's recovery/).fill(answers.r3);
  await saveAndContinue(page, info);
  await scenarios(page, info);
  await views(page, info);
  await page.getByRole('button', { name: 'Submit answers' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();
}

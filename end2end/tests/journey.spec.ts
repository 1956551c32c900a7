import { expect, test } from '@playwright/test';
import { answers, aboutYou, recovery, resumeLink, scenarios, settled, start, usesJavaScript, views } from './survey';

test('a support worker completes the survey and submits once', async ({ page }, info) => {
  // Hydration mismatches and panics in the wasm show up as page errors or console errors.
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await start(page, info);
  await expect(page.getByText('Step 2 of 9')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your private link' })).toBeVisible();
  await aboutYou(page, info);
  await expect(page.getByText('Step 4 of 9')).toBeVisible();
  await recovery(page, info);
  await scenarios(page, info);
  await views(page, info);

  await expect(page.getByText('Inpatient mental health services')).toBeVisible();
  await expect(page.getByText('14 months')).toBeVisible();
  await expect(page.getByText(answers.r2)).toBeVisible();
  await page.getByRole('button', { name: 'Submit answers' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();
  expect(problems).toEqual([]);

  // The private link now says the answers are read-only.
  await page.goBack();
  await page.reload();
  await expect(page.getByText('can no longer be changed')).toBeVisible();
});

test('a change link returns to the check page', async ({ page }, info) => {
  await start(page, info);
  await aboutYou(page, info);
  await recovery(page, info);
  await scenarios(page, info);
  await views(page, info);
  await page.getByRole('link', { name: /Change\s*your answer to: What may hinder/ }).click();
  await settled(page, info);
  await page.getByLabel(/What may hinder Sam's recovery/).fill('Being judged.');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('heading', { name: /Check your answers/ })).toBeVisible();
  await expect(page.getByText('Being judged.')).toBeVisible();
});

test('answers resume from the private link in a fresh browser', async ({ page, browser }, info) => {
  await start(page, info);
  await aboutYou(page, info);
  const link = await resumeLink(page);
  const text = 'Typed on my phone in a break, never sent with Continue.';
  if (usesJavaScript(info)) {
    // Autosave: the answer is saved while typing, without pressing anything.
    await page.getByLabel(/what may that mean\?/).pressSequentially(text.slice(0, 20));
    await page.getByLabel(/what may that mean\?/).fill(text);
    await expect(page.getByRole('status').filter({ hasText: 'Saved' }).first()).toBeVisible();
  } else {
    await page.getByLabel(/what may that mean\?/).fill(text);
    await page.getByRole('button', { name: 'Save and continue' }).click();
  }

  const other = await browser.newContext({ javaScriptEnabled: usesJavaScript(info) });
  const elsewhere = await other.newPage();
  await elsewhere.goto(link);
  if (!usesJavaScript(info)) {
    await expect(elsewhere.getByRole('heading', { name: /Sam's money/ })).toBeVisible();
    await elsewhere.getByRole('link', { name: 'Back' }).click();
  }
  await expect(elsewhere.getByRole('heading', { name: 'Meet Sam' })).toBeVisible();
  await expect(elsewhere.getByLabel(/what may that mean\?/)).toHaveValue(text);
  // Earlier pages are restored too.
  await elsewhere.goto(link.replace(/\/r\/([^/]+)$/, '/r/$1/about-you'));
  await expect(elsewhere.getByLabel('Inpatient mental health services')).toBeChecked();
  await expect(elsewhere.getByLabel('Years')).toHaveValue('1');
  await other.close();
});

test('the same browser is offered its answers back from the start page', async ({ page }, info) => {
  await start(page, info);
  await page.goto('/');
  await page.getByRole('link', { name: 'Continue where you left off' }).click();
  await expect(page.getByRole('heading', { name: 'About your work' })).toBeVisible();
});

test('submitting with answers missing lists them, linked to their steps', async ({ page }, info) => {
  await start(page, info);
  const link = await resumeLink(page);
  await page.goto(link.replace(/\/r\/([^/]+)$/, '/r/$1/check'));
  await page.getByRole('button', { name: 'Submit answers' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await page.getByRole('link', { name: /Meet Sam: answer “What may hinder/ }).click();
  await expect(page.getByRole('heading', { name: 'Meet Sam' })).toBeVisible();
});

test('consent is required', async ({ page }, info) => {
  await page.goto('/s/sam/consent');
  await settled(page, info);
  await page.getByRole('button', { name: 'Agree and continue' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await page.getByRole('link', { name: /Confirm that you have read/ }).click();
  await expect(page.getByLabel('I have read the information')).toBeFocused();
});

test('a mistyped experience keeps what was typed and says what is wrong', async ({ page }, info) => {
  await start(page, info);
  await page.getByLabel('Community mental health services').check();
  await page.getByLabel('Years').fill('two');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(page.getByLabel('Years')).toHaveValue('two');
  await expect(page.getByLabel('Community mental health services')).toBeChecked();
});

test('the survey can be completed with the keyboard alone', async ({ page }, info) => {
  const tabTo = async (selector: string) => {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      if (await page.locator(selector).evaluate((el) => el === document.activeElement)) return;
    }
    throw new Error(`could not reach ${selector} with Tab`);
  };
  const next = async (button = 'button[type=submit]') => {
    await tabTo(button);
    await page.keyboard.press('Enter');
    await page.waitForLoadState('load');
    await settled(page, info);
  };
  const chooseFirst = async (groupId: string) => {
    await tabTo(`#${groupId}`);
    await page.keyboard.press('Space');
  };
  const write = async (id: string, text: string) => {
    await tabTo(`#${id}`);
    await page.keyboard.type(text);
  };

  await page.goto('/');
  await settled(page, info);
  await tabTo('a.button--start');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Step 1 of 9')).toBeVisible();
  await settled(page, info);
  await tabTo('#consent');
  await page.keyboard.press('Space');
  await next();
  await chooseFirst('setting');
  await chooseFirst('role');
  await write('experience', '3');
  await next();
  await next();
  await write('r1', 'Hope.');
  await write('r2', 'Friends.');
  await write('r3', 'Stigma.');
  await next();
  for (const prefix of ['money', 'medication', 'social']) {
    await write(`${prefix}_right_thing`, 'Talk with Sam.');
    await write(`${prefix}_responsibilities`, 'Support.');
    for (const item of ['support', 'outcome', 'confidence']) {
      await chooseFirst(`${prefix}_${item}`);
      await page.keyboard.press('ArrowDown');
    }
    await next();
  }
  await next();
  await expect(page.getByRole('heading', { name: /Check your answers/ })).toBeVisible();
  await expect(page.getByText('3 years')).toBeVisible();
  await next();
  await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();
});

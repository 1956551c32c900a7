import { expect, test } from '@playwright/test';
import { answers, aboutYou, recovery, resumeLink, scenarios, settled, start, stepAddress, usesJavaScript, views } from './survey';

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
  await expect(page.locator('.withdrawal-code')).toBeVisible();
  expect(problems).toEqual([]);

  // The browser has forgotten the answers: history brings back neither them nor the code.
  await page.goBack();
  await expect(page.getByText('holds no answers in progress')).toBeVisible();
  // Forward would resend the submit: the browser asks first, or shows its own error page.
  await page.goForward().catch(() => undefined);
  await expect(page.locator('.withdrawal-code')).toHaveCount(0);
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
  // The link opens a warning first; only its button opens the answers.
  await expect(elsewhere.getByRole('heading', { name: 'Your answers in progress' })).toBeVisible();
  await expect(elsewhere.getByText('If someone else gave you this link')).toBeVisible();
  await expect(elsewhere.getByLabel(/what may that mean\?/)).toHaveCount(0);
  await elsewhere.getByRole('button', { name: 'Continue my answers' }).click();
  // This browser did not hold the link, so it gets a new one and the old one stops working.
  await expect(elsewhere.getByRole('heading', { name: 'Your private link has changed' })).toBeVisible();
  const renewed = await resumeLink(elsewhere);
  expect(renewed).not.toEqual(link);
  expect(elsewhere.url()).not.toContain(renewed.split('/r/')[1]);
  if (!usesJavaScript(info)) {
    await expect(elsewhere.getByRole('heading', { name: /Sam's money/ })).toBeVisible();
    await elsewhere.getByRole('link', { name: 'Back' }).click();
  }
  await expect(elsewhere.getByRole('heading', { name: 'Meet Sam' })).toBeVisible();
  await expect(elsewhere.getByLabel(/what may that mean\?/)).toHaveValue(text);
  // Earlier pages are restored too.
  await elsewhere.goto(stepAddress('about-you'));
  await expect(elsewhere.getByLabel('Inpatient mental health services')).toBeChecked();
  await expect(elsewhere.getByLabel('Years')).toHaveValue('1');
  await other.close();

  // Whoever held the old link, this first browser included, can no longer open the answers.
  await page.goto(link);
  await expect(page.getByText('We could not find any answers for this link')).toBeVisible();
  await page.goto(stepAddress('sam'));
  await expect(page.getByText('holds no answers in progress')).toBeVisible();
});

test('forget this device removes the answers from the browser, and the link brings them back', async ({ page }, info) => {
  await start(page, info);
  const link = await resumeLink(page);
  await page.getByLabel('Inpatient mental health services').check();
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Before you start' })).toBeVisible();
  await page.getByRole('button', { name: 'Forget this device' }).click();
  await expect(page.getByText('This browser no longer holds your answers')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Continue where you left off' })).toHaveCount(0);
  await page.goto(stepAddress('about-you'));
  await expect(page.getByText('holds no answers in progress')).toBeVisible();

  await page.goto(link);
  await page.getByRole('button', { name: 'Continue my answers' }).click();
  await expect(page.getByRole('heading', { name: 'Your private link has changed' })).toBeVisible();
  await page.goto(stepAddress('about-you'));
  await expect(page.getByLabel('Inpatient mental health services')).toBeChecked();
});

test('the same browser is offered its answers back from the start page', async ({ page }, info) => {
  await start(page, info);
  await page.goto('/');
  await page.getByRole('link', { name: 'Continue where you left off' }).click();
  await expect(page.getByRole('heading', { name: 'About your work' })).toBeVisible();
});

test('submitting with answers missing lists them, linked to their steps', async ({ page }, info) => {
  await start(page, info);
  await page.goto(stepAddress('check'));
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
  const next = async (button = 'form:not(.forget-device) button[type=submit]') => {
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

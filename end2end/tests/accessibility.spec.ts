import { expect, test, type Page } from '@playwright/test';
import { aboutYou, recovery, resumeLink, scenario, settled, start, stepAddress, usesJavaScript, views } from './survey';
import { expectAccessible } from './axe';

async function expectNoSidewaysScroll(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${what} scrolls sideways at ${page.viewportSize()?.width}px`).toBeLessThanOrEqual(0);
}

async function check(page: Page, what: string) {
  await expectAccessible(page, what);
  await expectNoSidewaysScroll(page, what);
}

for (const width of [320, 1280]) {
  test(`every step is accessible and fits at ${width}px`, async ({ page }, info) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/');
    await settled(page, info);
    await check(page, 'start page');

    await page.goto('/s/sam/consent');
    await settled(page, info);
    await check(page, 'consent');
    await page.getByRole('button', { name: 'Agree and continue' }).click();
    await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
    await check(page, 'consent error');

    await start(page, info);
    await check(page, 'about you');
    await page.getByLabel('Years').fill('many');
    if (usesJavaScript(info)) {
      // The failed autosave's message takes two lines at 320px and moves the button down; a click
      // in the middle of that move can miss it. Let the message appear first, as a person would see it.
      await page.getByLabel('Years').blur();
      await expect(page.getByText('Not saved: Years must be a whole number')).toBeVisible();
    }
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
    await settled(page, info);
    await check(page, 'about you error');
    await page.getByLabel('Years').fill('');

    const link = await resumeLink(page);
    await aboutYou(page, info);
    await check(page, 'vignette and recovery questions');
    await page.getByLabel(/what may that mean\?/).fill('Saved while typing.');
    await expect(page.getByRole('status').filter({ hasText: 'Saved' }).first()).toBeVisible();
    await check(page, 'a field showing Saved');
    await recovery(page, info);
    for (const title of [/Sam's money/, /Sam's medication/, /a night at the pub/]) {
      await check(page, `scenario ${title}`);
      await scenario(page, info, title);
    }
    await check(page, 'your views');
    await views(page, info);
    await check(page, 'check your answers');

    await page.goto(link);
    await settled(page, info);
    await check(page, 'private link entry page');
    await page.getByRole('button', { name: 'Continue my answers' }).click();
    await expect(page.getByRole('heading', { name: /Check your answers/ })).toBeVisible();
    await settled(page, info);
    await check(page, 'check page, opened from the private link');
    await page.getByRole('link', { name: /Change\s*your answer to: What is your role/ }).click();
    await settled(page, info);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();
    await check(page, 'thank you');

    await page.goto('/r/not-a-real-link');
    await check(page, 'unknown link');
    await page.goto(stepAddress('check'));
    await check(page, 'no answers on this device');
  });
}

test('the check page error state is accessible', async ({ page }, info) => {
  await start(page, info);
  await page.goto(stepAddress('check'));
  await settled(page, info);
  await page.getByRole('button', { name: 'Submit answers' }).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await settled(page, info);
  await check(page, 'check page with errors');
});

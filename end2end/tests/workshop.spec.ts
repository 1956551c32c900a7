import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { enterPassword, trainer } from './accounts';
import { expectAccessible } from './axe';

const check = (page: Page, info: TestInfo, what: string) => expectAccessible(page, what, info);

test('a trainer runs a workshop: three phones join by code, answer, and see the results once shown', async ({ page, browser }, info) => {
  const title = `Ward team (${info.project.name})`;
  await enterPassword(page, trainer.email, trainer.password);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole('link', { name: 'Your workshops' }).click();
  await check(page, info, 'workshops');
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(page.getByRole('link', { name: 'Enter a name for the workshop' })).toBeVisible();
  await page.getByLabel('Name of the workshop').fill(title);
  await page.getByRole('button', { name: 'Create the workshop' }).click();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  const id = page.url().split('/').pop()!;
  const code = /Code (\w{3} \w{3})/.exec((await page.locator('.lead').textContent())!)![1];
  await check(page, info, 'console');
  // What it asks: the default, looked at and kept.
  await page.getByRole('link', { name: 'Choose the pages and questions' }).click();
  await expect(page.getByRole('checkbox', { name: /^Ask: How far would you support Sam/ }).first()).toBeChecked();
  await check(page, info, 'plan');
  await page.getByRole('button', { name: 'Save what the workshop asks' }).click();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();

  const screen = await page.context().newPage();
  await screen.goto(`/admin/workshops/${id}/screen`);
  await expect(screen.locator('.projector__code')).toHaveText(code);
  await expect(screen.getByRole('img', { name: 'QR code of the join address' })).toBeVisible();
  await expect(screen.getByRole('button')).toHaveCount(0);
  await check(screen, info, 'projector');

  // Two phones like the project's, one without JavaScript.
  // With JavaScript, the screen and phones follow the room live; without, they reload or follow a link.
  const live = info.project.use.javaScriptEnabled !== false;
  const phones: Page[] = [];
  for (const javaScriptEnabled of [live, live, false]) {
    const context = await browser.newContext({ baseURL: info.project.use.baseURL, javaScriptEnabled });
    const phone = await context.newPage();
    await phone.goto('/join');
    await phone.getByLabel('Code on the screen').fill(code.toLowerCase());
    await phone.getByRole('button', { name: 'Join' }).click();
    await expect(phone.getByRole('heading', { name: title, level: 1 })).toBeVisible();
    phones.push(phone);
  }
  await check(phones[0], info, 'phone waiting');
  if (!live) await screen.reload();
  await expect(screen.getByText('3 joined')).toBeVisible();
  // The console's counts follow the room too.
  if (live) await expect(page.locator('.lead')).toContainText('3 joined');

  await page.getByRole('button', { name: 'Next step' }).click();
  await page.getByRole('button', { name: 'Next step' }).click();
  await page.getByRole('button', { name: 'Open answering' }).click();
  await expect(page.getByRole('status')).toContainText('Answering is open');
  for (const [index, phone] of phones.entries()) {
    // The third phone has no JavaScript: it asks for the next question itself.
    if (!live || index === 2) await phone.getByRole('link', { name: 'Check for the next question' }).click();
    await expect(phone.getByRole('heading', { name: "Situation 1 of 3: Sam's money" })).toBeVisible();
    await phone.getByRole('group', { name: /How far would you support Sam/ }).getByLabel(index === 2 ? 'Strongly support' : 'Support', { exact: true }).check();
    if (index === 0) await phone.getByLabel(/what do you believe would be the right thing to do/).fill('Agree a weekly budget with Sam.');
    await phone.getByRole('button', { name: 'Send my answers' }).click();
    await expect(phone.getByRole('status')).toContainText('Your answers are saved');
  }
  await check(phones[0], info, 'phone with a question');
  // One phone gives its answers to the study's research, and keeps the code that withdraws them.
  await phones[0].getByLabel(/I agree that my answers are used for research/).check();
  await phones[0].getByRole('button', { name: 'Give my answers to the research' }).click();
  await expect(phones[0].locator('.withdrawal-code')).toBeVisible();
  await check(phones[0], info, 'phone after giving its answers');
  await expect(screen.getByRole('heading', { name: 'Results' })).toHaveCount(0);

  // What the room wrote waits for the facilitator; placed on a theme, it shows beside the study.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Written answers' })).toBeVisible();
  await expect(page.getByText('1 written, 1 waiting')).toBeVisible();
  await check(page, info, 'console with written answers');
  await page.getByLabel('Theme of the study').selectOption({ label: 'Importance of a support-system' });
  await page.getByRole('button', { name: 'Place and show' }).click();
  await expect(page.getByText('On the screen, placed on Importance of a support-system')).toBeVisible();

  await page.getByRole('button', { name: 'Show the results' }).click();
  if (!live) await screen.reload();
  await expect(screen.getByRole('row', { name: 'Support 2' })).toBeVisible();
  await expect(screen.getByRole('row', { name: 'Strongly support 1' })).toBeVisible();
  await expect(screen.getByRole('heading', { name: 'This room beside the study' })).toBeVisible();
  await expect(screen.getByRole('row', { name: /Importance of a support-system .*Agree a weekly budget with Sam/ })).toBeVisible();
  await check(screen, info, 'projector with results');
  if (live) await expect(phones[0].getByRole('heading', { name: 'Results' })).toBeVisible();
  await phones[2].getByRole('link', { name: 'Check for the next question' }).click();
  await expect(phones[2].getByRole('heading', { name: 'Results' })).toBeVisible();

  // Afterwards: the summary for the group, beside the study's themes.
  await page.getByRole('link', { name: 'The summary for the group' }).click();
  await expect(page.getByRole('heading', { name: `Summary: ${title}` })).toBeVisible();
  await expect(page.getByRole('row', { name: /Importance of a support-system .*Agree a weekly budget with Sam/ })).toBeVisible();
  await check(page, info, 'summary');

  // The materials, made from the same wording.
  await page.goto(`/admin/workshops/${id}/pack`);
  await expect(page.getByRole('heading', { name: 'Answer sheet' })).toBeVisible();
  await check(page, info, 'printable pack');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Researcher area' })).toBeHidden();
  await page.emulateMedia({ media: 'screen' });
  await page.goto(`/admin/workshops/${id}/guide`);
  await expect(page.getByRole('heading', { name: 'Timings' })).toBeVisible();
  await check(page, info, 'facilitator guide');
});

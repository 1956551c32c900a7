import { expect, test } from '@playwright/test';
import { enterPassword, newcomers, researcher, setUpTwoFactor, totp, useSession } from './accounts';
import { aboutYou, recovery, scenarios, settled, start, usesJavaScript, views } from './survey';
import { expectAccessible } from './axe';

test('a researcher reads every answer to R2 side by side, filtered to inpatient workers', async ({ page }, info) => {
  await start(page, info);
  await aboutYou(page, info);
  await recovery(page, info);
  await scenarios(page, info);
  await views(page, info);
  await page.getByRole('button', { name: 'Submit answers' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();

  await useSession(page, researcher.email);
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();
  await page.getByRole('link', { name: /the Sam study/ }).click();
  await settled(page, info);
  await expect(page.getByRole('figure').filter({ hasText: 'Responses in progress, by the furthest step reached' })).toBeVisible();
  await expect(page.locator('.chart__bars').first()).toBeVisible();
  await expect(page.getByText('Median time to complete')).toBeVisible();
  await page.getByRole('link', { name: /what aspects do you think would help them/ }).click();
  await settled(page, info);
  await page.getByLabel('Work setting').selectOption('inpatient');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/setting=inpatient/);
  await expect(page.getByText(/P\d+: Inpatient SW, 14 months experience/).first()).toBeVisible();
  await expect(page.getByText('Community SW')).toHaveCount(0);

  await page.goto('/admin/studies/sam/likert');
  await expect(page.getByRole('heading', { name: 'How the Likert items fall' })).toBeVisible();
  await expect(page.locator('.likert__svg').first()).toBeVisible();
  await expect(page.getByText(/All respondents: n = \d+, median/).first()).toBeVisible();
});

test('a researcher filters the responses and opens one in full', async ({ page }, info) => {
  await useSession(page, researcher.email);
  await start(page, info);
  await aboutYou(page, info);
  await page.goto('/admin/studies/sam/responses');
  await settled(page, info);
  await expect(page.getByRole('heading', { name: 'Responses' })).toBeVisible();
  await page.getByLabel('Status').selectOption('in-progress');
  await page.getByLabel('Experience').selectOption('1-2-years');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/status=in-progress/);
  await page.getByRole('link', { name: /Not submitted: Inpatient SW, 14 months experience/ }).first().click();
  await settled(page, info);
  await expect(page.getByRole('heading', { name: /Not submitted: Inpatient SW/ })).toBeVisible();
  await expect(page.getByText('Inpatient mental health services')).toBeVisible();
  await expect(page.getByText('Not answered').first()).toBeVisible();
});

test('a new researcher sets up two-factor sign-in, signs out, and signs in with a code', async ({ page }, info) => {
  const account = newcomers.find((n) => n.project === info.project.name)!;
  const checkAccessible = (what: string) => expectAccessible(page, what, info);
  await enterPassword(page, account.email, account.password);
  await expect(page.locator('.qr-code svg')).toBeVisible();
  await settled(page, info);
  await checkAccessible('two-factor setup');
  await page.getByLabel('Code from the app').fill('000000');
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByText('The code did not match').first()).toBeVisible();
  await checkAccessible('two-factor setup error');
  const key = await setUpTwoFactor(page);
  await expect(page.locator('.recovery-codes li')).toHaveCount(10);
  await checkAccessible('recovery codes');
  await page.getByRole('link', { name: 'I have saved my recovery codes' }).click();
  await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to the researcher area' })).toBeVisible();
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/sign-in$/);

  await enterPassword(page, account.email, account.password);
  await expect(page.getByRole('heading', { name: 'Enter the code from your authenticator app' })).toBeVisible();
  await page.goto('/admin/studies/sam');
  await expect(page).toHaveURL(/\/admin\/sign-in\/code$/, { timeout: 10_000 });
  await settled(page, info);
  await checkAccessible('code page');
  await page.getByLabel('Code').fill(totp(key, 1));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();
});

test('a warning comes before an idle session ends, and the session can be kept', async ({ page }, info) => {
  test.skip(!usesJavaScript(info), 'the warning needs JavaScript: the server cannot warn a page that sits idle');
  await page.clock.install();
  await useSession(page, researcher.email);
  await page.goto('/admin');
  await settled(page, info);
  await expect(page.getByRole('alert').filter({ hasText: 'signed out in 5 minutes' })).toHaveCount(0);
  await page.clock.fastForward('25:30');
  const warning = page.getByRole('alert').filter({ hasText: 'You will be signed out in 5 minutes' });
  await expect(warning).toBeVisible();
  await page.getByRole('button', { name: 'Stay signed in' }).click();
  await expect(warning).toHaveCount(0);
  await page.clock.fastForward('10:00');
  await expect(page.getByRole('alert').filter({ hasText: 'signed out' })).toHaveCount(0);
});

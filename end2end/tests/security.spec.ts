import { expect, test, type Page } from '@playwright/test';
import { researcher, useSession } from './accounts';
import { settled, start, usesJavaScript } from './survey';

/** Collects every Content Security Policy violation the page reports, by event and in the console. */
async function watchPolicy(page: Page) {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportViolation: (t: string) => void }).reportViolation(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`,
      );
    });
  });
  return violations;
}

test('the survey hydrates and autosaves under the Content Security Policy, with no violation', async ({ page }, info) => {
  const violations = await watchPolicy(page);
  const response = await page.goto('/');
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
  expect(policy).toContain("object-src 'none'");
  await start(page, info);
  await page.getByLabel('Inpatient mental health services').check();
  if (usesJavaScript(info)) {
    await expect(page.locator('main[data-hydrated="true"]')).toBeVisible();
    await page.getByLabel('Years').fill('3');
    await page.getByLabel('Years').blur();
    await expect(page.getByRole('status').filter({ hasText: 'Saved' }).first()).toBeVisible();
  }
  expect(violations).toEqual([]);
});

test('the researcher area hydrates under the Content Security Policy, with no violation', async ({ page }, info) => {
  const violations = await watchPolicy(page);
  await useSession(page, researcher.email);
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'Studies' })).toBeVisible();
  await settled(page, info);
  await page.getByRole('link', { name: /the Sam study/ }).click();
  await settled(page, info);
  await page.goto('/admin/studies/sam/likert');
  await settled(page, info);
  await expect(page.getByRole('heading', { name: 'How the Likert items fall' })).toBeVisible();
  expect(violations).toEqual([]);
});

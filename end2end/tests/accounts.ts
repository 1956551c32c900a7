import type { Page } from '@playwright/test';

// The researcher account the e2e server is started with (see playwright.config.ts).
export const researcher = { email: 'researcher@example.org', password: 'kettle orbit lantern 42' };

export async function signIn(page: Page, password = researcher.password) {
  await page.goto('/admin/sign-in');
  await page.getByLabel('Email address').fill(researcher.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

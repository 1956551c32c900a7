import type { Page } from '@playwright/test';

// The researcher account the e2e server is started with (see playwright.config.ts).
export const researcher = { email: 'researcher@example.org', password: 'kettle orbit lantern 42' };
export const owner = { email: 'owner@example.org', password: 'harbour violet compass 7' };

export async function signIn(page: Page, password = researcher.password, email = researcher.email) {
  await page.goto('/admin/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

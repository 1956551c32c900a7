import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, type Browser, type Page } from '@playwright/test';

// The accounts the e2e server is started with (see playwright.config.ts). Passwords reach the
// server on standard input, never as arguments.
export const researcher = { email: 'researcher@example.org', password: 'kettle orbit lantern 42' };
export const owner = { email: 'owner@example.org', password: 'harbour violet compass 7' };
/** Runs workshops; reads no research data, so signs in with a password alone. */
export const trainer = { email: 'trainer@example.org', password: 'willow beacon ladder 5' };
/** Accounts that have not set up two-factor yet: one per browser project, used by one test each. */
export const newcomers = ['hydrated', 'no-js'].map((project) => ({
  project,
  email: `newcomer-${project}@example.org`,
  password: 'meadow signal pebble 19',
}));

const dataDir = () => process.env.E2E_DATA_DIR!;
export const sessionFile = (email: string) => path.join(dataDir(), `session-${email}.json`);

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    const index = alphabet.indexOf(c);
    if (index < 0) throw new Error(`not base32: ${c}`);
    bits += index.toString(2).padStart(5, '0');
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** The code an authenticator app shows (RFC 6238, SHA-1, 6 digits, 30 s), `stepsAhead` steps on. */
export function totp(key: string, stepsAhead = 0): string {
  const step = Math.floor(Date.now() / 1000 / 30) + stepsAhead;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', base32Decode(key)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const number = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 1_000_000).padStart(6, '0');
}

export async function enterPassword(page: Page, email: string, password: string) {
  await page.goto('/admin/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** On the setup page: reads the key the QR code holds, turns two-factor on, returns the key. */
export async function setUpTwoFactor(page: Page): Promise<string> {
  await expect(page.getByRole('heading', { name: 'Set up two-factor sign-in' })).toBeVisible();
  const key = (await page.locator('.secret-key').textContent())!.trim();
  await page.getByLabel('Code from the app').fill(totp(key));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByRole('heading', { name: /save your recovery codes/ })).toBeVisible();
  return key;
}

/** Signs the page in with a session prepared before the tests (see global-setup.ts). */
export async function useSession(page: Page, email: string) {
  const state = JSON.parse(fs.readFileSync(sessionFile(email), 'utf8'));
  await page.context().addCookies(state.cookies);
}

/** For global setup: sets up two-factor for an account and keeps its signed-in cookies. */
export async function prepareSession(browser: Browser, baseURL: string, email: string, password: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await enterPassword(page, email, password);
  await setUpTwoFactor(page);
  await context.storageState({ path: sessionFile(email) });
  await context.close();
}

import { chromium, type FullConfig } from '@playwright/test';
import { owner, prepareSession, researcher } from './tests/accounts';

// The researcher and the owner set up two-factor once, before the tests; the tests reuse their
// sessions, so that no code is needed twice within one 30-second step.
export default async function globalSetup(config: FullConfig) {
  const { baseURL, launchOptions } = config.projects[0].use;
  const browser = await chromium.launch(launchOptions);
  for (const account of [researcher, owner]) {
    await prepareSession(browser, baseURL!, account.email, account.password);
  }
  await browser.close();
}

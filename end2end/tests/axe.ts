import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { usesJavaScript } from './survey';

/** WCAG 2.2 AA and the levels under it, as axe tags them. */
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Fails with axe's violations on the page, each with the elements it found. Given the test's
 * `info`, checks on the hydrated project only: axe runs inside the page, and the no-JS project
 * walks the same server-rendered HTML (see playwright.config.ts).
 */
export async function expectAccessible(page: Page, what: string, info?: TestInfo) {
  if (info && !usesJavaScript(info)) return;
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `axe violations on ${what}`).toEqual([]);
}

import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The start page of an instance with two open studies lists them. The shared server keeps one
// open study (the other tests start at Sam), so this file runs a second server of its own, with
// its own database and a studies folder holding Sam and an open copy of it.
const root = path.resolve(__dirname, '../..');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const otherTitle = 'Recovery and risk: a second study';

let server: ChildProcess | undefined;
let baseURL = '';
let dataDir = '';

test.beforeAll(async ({}, workerInfo) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vignette-e2e-two-studies-'));
  dataDir = dir;
  const studies = path.join(dir, 'studies');
  fs.mkdirSync(studies);
  const sam = fs.readFileSync(path.join(root, 'studies/sam.toml'), 'utf8');
  fs.writeFileSync(path.join(studies, 'sam.toml'), sam);
  fs.writeFileSync(
    path.join(studies, 'second.toml'),
    sam
      .replace('slug = "sam"', 'slug = "second"')
      .replace('title = "Recovery and positive risk-taking: the Sam study"', `title = "${otherTitle}"`),
  );
  const port = 3150 + workerInfo.parallelIndex;
  baseURL = `http://127.0.0.1:${port}`;
  server = spawn(path.join(root, 'target/release/server'), [], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dir}/two-studies.db`,
      TWO_FACTOR_KEY_FILE: `${dir}/two-factor.key`,
      LISTEN_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
      STUDIES_DIR: studies,
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      if ((await fetch(`${baseURL}/`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the second server did not start on ${baseURL}`);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill();
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the start page lists the open studies, each leading to its own start page', async ({ page }, info) => {
  await page.goto(`${baseURL}/`);
  await expect(page.locator('.study-list > li')).toHaveCount(2);
  await expect(page.getByRole('link', { name: 'Recovery and positive risk-taking: the Sam study' })).toBeVisible();
  if (info.project.use.javaScriptEnabled !== false) {
    // axe runs inside the page: on the hydrated project (see playwright.config.ts).
    const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  await page.getByRole('link', { name: otherTitle }).click();
  await expect(page).toHaveURL(`${baseURL}/s/second`);
  await expect(page.getByRole('heading', { name: otherTitle, level: 1 })).toBeVisible();
});

import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newcomers, owner, researcher, trainer } from './tests/accounts';

// The release server built by `cargo leptos build --release`, on its own port with a fresh SQLite file.
const root = path.resolve(__dirname, '..');
const port = Number(process.env.E2E_PORT ?? 3100);
const server = path.join(root, 'target/release/server');
const dataDir = process.env.E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vignette-e2e-'));
process.env.E2E_DATA_DIR = dataDir;

// Accounts first (passwords come on stdin, never as arguments), then the server.
// Researchers read the Sam study as its members; owners read every study.
const addAccount = (email: string, role: string, passwordVariable: string, studies = '') =>
  `echo "$${passwordVariable}" | ${server} user add --email ${email} --role ${role} ${studies}`;
const accounts = [
  addAccount(researcher.email, 'researcher', 'E2E_PASSWORD', '--study sam'),
  addAccount(owner.email, 'owner', 'E2E_OWNER_PASSWORD'),
  addAccount(trainer.email, 'trainer', 'E2E_TRAINER_PASSWORD'),
  ...newcomers.map((n) => addAccount(n.email, 'researcher', 'E2E_NEWCOMER_PASSWORD', '--study sam')),
];

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 2,
  // No retries: a test that fails once has failed. (Before islands, about 1 page load in 100 under
  // the full suite was served whole but never hydrated, and one retry hid it; with islands the whole
  // suite ran 10 times in a row without a failure.) A failing test keeps its trace: console, network,
  // DOM.
  retries: 0,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      // Debian's Chromium; Playwright never downloads a browser here.
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true } },
    // axe runs inside the page, so the accessibility checks run on the hydrated pages only;
    // the no-JS pages are the same server-rendered HTML.
    { name: 'no-js', use: { javaScriptEnabled: false }, testIgnore: /accessibility/ },
  ],
  webServer: {
    command: `bash -c '${accounts.join(' && ')} && exec ${server}'`,
    cwd: root,
    url: `http://127.0.0.1:${port}/`,
    timeout: 60_000,
    reuseExistingServer: false,
    // Warnings and errors of the server (RUST_LOG=warn) show beside a failing test.
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      TWO_FACTOR_KEY_FILE: `${dataDir}/two-factor.key`,
      LISTEN_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
      STUDIES_DIR: 'studies',
      RUST_LOG: 'warn',
      // Every test signs in and withdraws from this one address, faster than any person would.
      RATE_LIMIT_SIGN_INS_PER_MINUTE: '1000',
      E2E_PASSWORD: researcher.password,
      E2E_OWNER_PASSWORD: owner.password,
      E2E_TRAINER_PASSWORD: trainer.password,
      E2E_NEWCOMER_PASSWORD: newcomers[0].password,
    },
  },
});

// A release server of a test file's own, with its own database and studies folder, for tests
// whose state would disturb the shared server's other tests (another open study, a study in
// independent coding mode).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(__dirname, '../..');
const binary = path.join(root, 'target/release/server');

export interface OwnServer {
  baseURL: string;
  /** The server's SQLite database, for the load tool to check what it stored. */
  databaseURL: string;
  stop(): Promise<void>;
}

export interface Account {
  email: string;
  password: string;
  role: string;
  studies?: string[];
}

/**
 * Starts the server on `port` with the study files `studies` (file name → text), a fresh
 * SQLite database holding `accounts`, and waits until it answers.
 */
export async function startOwnServer(
  name: string,
  port: number,
  studies: Record<string, string>,
  accounts: Account[] = [],
): Promise<OwnServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vignette-e2e-${name}-`));
  const studiesDir = path.join(dir, 'studies');
  fs.mkdirSync(studiesDir);
  for (const [file, text] of Object.entries(studies)) {
    fs.writeFileSync(path.join(studiesDir, file), text);
  }
  const baseURL = `http://127.0.0.1:${port}`;
  const databaseURL = `sqlite://${dir}/${name}.db`;
  const env = {
    ...process.env,
    DATABASE_URL: databaseURL,
    TWO_FACTOR_KEY_FILE: `${dir}/two-factor.key`,
    LISTEN_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: 'target/site',
    STUDIES_DIR: studiesDir,
    RUST_LOG: 'warn',
  };
  // Accounts go in through the CLI before the server starts; passwords on standard input.
  for (const { email, password, role, studies: slugs = [] } of accounts) {
    const args = ['user', 'add', '--email', email, '--role', role, ...slugs.flatMap((s) => ['--study', s])];
    const added = spawnSync(binary, args, { cwd: root, env, input: `${password}\n`, encoding: 'utf8' });
    if (added.status !== 0) {
      throw new Error(`adding ${email} failed: ${added.stderr}`);
    }
  }
  const server: ChildProcess = spawn(binary, [], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill();
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      if ((await fetch(`${baseURL}/`)).ok) return { baseURL, databaseURL, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`the ${name} server did not start on ${baseURL}`);
}

export const samStudy = () => fs.readFileSync(path.join(root, 'studies/sam.toml'), 'utf8');

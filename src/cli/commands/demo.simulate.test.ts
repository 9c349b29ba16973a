/**
 * `jingwu demo simulate` as a user runs it: starts the platform on a fresh embedded database (demo city
 * seeded), takes simulated calls that a dispatcher sees over the API, stops cleanly on Ctrl-C; bad options
 * and production are refused.
 */
import { execFile, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../demo/demo-accounts.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jw-simulate-'));
  dirs.push(d);
  return d;
}

async function cli(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('jingwu demo simulate', () => {
  it('refuses bad options with a message that says what to give', async () => {
    const env = { DATA_DIR: tempDir() };
    for (const [args, says] of [
      [['--rate', '0'], 'use a rate between'],
      [['--rate', 'lots'], 'use a rate between'],
      [['--speedup', '0.5'], 'use a factor between 1 and 100'],
      [['--auto-dispatch', '1.5'], 'use a share between 0 and 1'],
      [['--seed', '-3'], 'use a whole number'],
    ] as const) {
      const r = await cli(env, 'demo', 'simulate', ...args);
      expect(r.code, r.stdout).not.toBe(0);
      expect(r.stderr).toContain(says);
    }
  }, 60_000);

  it('is refused in production', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const r = await cli(
      {
        NODE_ENV: 'production',
        DATA_DIR: tempDir(),
        DEMO_SEED: 'false',
        AUDIT_HMAC_KEY: '22'.repeat(32),
        AUDIT_SIGNING_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      },
      'demo',
      'simulate',
    );
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('refused in production');
  }, 60_000);

  it('starts the platform with the demo city and simulated calls, and stops cleanly on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', 'demo', 'simulate', '--rate', '120', '--seed', '3'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: '',
          DATA_DIR: tempDir(),
          DEMO_SCALE: 'small',
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 120_000;
      while (!out.includes('Simulator:') && Date.now() < deadline && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(out).toContain('Simulator: 120 calls/min');
      expect(out).toContain('Demo logins');
      const url = /running at (http:\/\/\S+)/.exec(out)![1]!;
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dispatcher', password: DEMO_PASSWORD }),
      });
      expect(login.status).toBe(200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      // Two calls a second on average: within a few seconds the dispatcher sees some.
      let items: { description: string | null }[] = [];
      for (let i = 0; i < 40 && items.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const res = await fetch(`${url}/api/incidents?limit=50`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        items = ((await res.json()) as { items: typeof items }).items;
      }
      expect(items.length).toBeGreaterThan(0);
      expect(items[0]!.description).toMatch(/报警人|举报/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 180_000);
});

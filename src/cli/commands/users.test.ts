import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, query, type Database } from '../../server/db/client.ts';
import { migrate } from '../../server/db/migrate.ts';
import { verifyPassword } from '../../server/modules/auth/password.hasher.ts';
import { createServerDatabase, dropServerDatabase } from '../../../test/helpers/db.ts';
import { dbTarget, pgAdminUrl } from '../../../test/helpers/env.ts';
import { insertJurisdictions, insertUser, type CreatedUser } from '../../../test/helpers/factories.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

let dataDir: string;
let env: Record<string, string>;
let serverDb: { url: string; name: string } | undefined;
let user: CreatedUser;

/** Opens the database the CLI will use (embedded in dataDir, or the PostgreSQL test database). */
const open = (): Promise<Database> => (serverDb ? openDatabase({ url: serverDb.url }) : openDatabase({ dataDir }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'jingwu-cli-users-'));
  env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    DEMO_SEED: 'false',
    AUDIT_HMAC_KEY: '22'.repeat(32),
  };
  if (dbTarget === 'postgres' && pgAdminUrl) {
    serverDb = await createServerDatabase(pgAdminUrl);
    env.DATABASE_URL = serverDb.url;
  }
  const database = await open();
  try {
    await migrate(database);
    await insertJurisdictions(database.db);
    user = await insertUser(database.db, { username: 'resetme' });
    await database.db.execute(
      sql`insert into sessions (user_id, access_token_hash, access_expires_at, expires_at)
          values (${user.id}, ${'a'.repeat(64)}, now() + interval '1 hour', now() + interval '8 hours')`,
    );
    await database.db.execute(sql`update users set locked_until = now() + interval '1 hour' where id = ${user.id}`);
  } finally {
    await database.close();
  }
});

afterAll(async () => {
  if (serverDb && pgAdminUrl) await dropServerDatabase(pgAdminUrl, serverDb.name);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('jingwu users reset-password', () => {
  it('has --help with usage and an example', async () => {
    const res = await cli('users', 'reset-password', '--help');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Usage: jingwu users reset-password [options] <username>');
    expect(res.stdout).toContain('Example:');
    const group = await cli('users', '--help');
    expect(group.stdout).toContain('reset-password');
  });

  it('sets a temporary password that must be changed, ends sessions and clears the lock', async () => {
    const res = await cli('users', 'reset-password', 'resetme');
    expect(res.code, res.stderr).toBe(0);
    const temp = /^ {2}(\S{16,})$/m.exec(res.stdout)?.[1];
    expect(temp, res.stdout).toBeDefined();
    expect(res.stdout).toContain('Ended 1 active session(s).');

    const database = await open();
    try {
      const [row] = await query<{ password_hash: string; must_change_password: boolean; locked_until: unknown }>(
        database.db,
        sql`select password_hash, must_change_password, locked_until from users where id = ${user.id}`,
      );
      expect(await verifyPassword(row!.password_hash, temp!)).toBe(true);
      expect(await verifyPassword(row!.password_hash, user.password)).toBe(false);
      expect(row!.must_change_password).toBe(true);
      expect(row!.locked_until).toBeNull();
      const live = await query(
        database.db,
        sql`select 1 from sessions where user_id = ${user.id} and revoked_at is null`,
      );
      expect(live).toHaveLength(0);
    } finally {
      await database.close();
    }
  });

  it('fails with exit code 1 and USER_NOT_FOUND for an unknown user', async () => {
    const res = await cli('users', 'reset-password', 'nobody-known');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('USER_NOT_FOUND');
    expect(res.stdout).not.toContain('Temporary password');
  });
});

/** Throw-away databases on a PostgreSQL server (tests and benchmarks; no test-runner imports here). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Creates an empty database on the server and returns its URL (caller drops it with dropServerDatabase). */
export async function createServerDatabase(adminUrl: string): Promise<{ url: string; name: string }> {
  const name = `jw_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

export async function dropServerDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

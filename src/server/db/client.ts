/**
 * Database connection: embedded PGlite (default, data in DATA_DIR) or a PostgreSQL server (DATABASE_URL).
 *
 * Both are real PostgreSQL, so migrations and queries are the same. Services receive a Drizzle `Executor`
 * (the database or a transaction); raw SQL stays visible through Drizzle's `sql` template.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';

/** A Drizzle database over either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;
/** A transaction handed to `db.transaction` callbacks. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that runs queries: the database itself or an open transaction. */
export type Executor = Db | Tx;

/** One connection held for a while (advisory locks, multi-statement scripts). */
export interface DedicatedConnection {
  db: Db;
  execScript(script: string): Promise<void>;
  /** Marks the connection broken so it is closed instead of returned to the pool. */
  destroy(): void;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Runs a script of several statements (migrations); no parameters. */
  execScript(script: string): Promise<void>;
  /**
   * Runs `fn` on one dedicated connection (PostgreSQL) so session-level state such as advisory locks holds
   * across statements. PGlite has a single connection, so `fn` simply gets the shared database.
   */
  withDedicatedConnection<T>(fn: (conn: DedicatedConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The PGlite instance when embedded (tests use it to dump/load a template); undefined on PostgreSQL. */
  pglite?: PGlite;
  pool?: pg.Pool;
}

// Return bigint/int8 and numeric as strings are the pg default; timestamps are parsed to Date by both drivers.

export interface OpenOptions {
  /** postgres:// URL; when absent PGlite is used. */
  url?: string;
  /** PGlite data folder; absent means in-memory (tests). */
  dataDir?: string;
  /** PGlite: start from a dumped data directory (a migrated template) instead of running initdb. */
  loadDataDir?: Blob | File;
  poolSize?: number;
}

/** Opens the database chosen by the options. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.poolSize ?? 10);
  return openPglite(opts.dataDir, opts.loadDataDir);
}

async function openPglite(dataDir: string | undefined, loadDataDir: Blob | File | undefined): Promise<Database> {
  let dir: string | undefined;
  if (dataDir) {
    dir = join(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
  }
  const client = await PGlite.create({ dataDir: dir, loadDataDir });
  const db = drizzlePglite(client) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    pglite: client,
    async execScript(script) {
      await client.exec(script);
    },
    async withDedicatedConnection(fn) {
      return fn({ db, execScript: async (script) => void (await client.exec(script)), destroy: () => undefined });
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'jingwu' });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = drizzlePg(pool) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    pool,
    async execScript(script) {
      await pool.query(script);
    },
    async withDedicatedConnection(fn) {
      const client = await pool.connect();
      // A held connection can die while idle in our hands (e.g. a terminated backend during sequencer fail-over):
      // the next query reports it; without a listener the 'error' event would crash the process.
      const onError = (): void => undefined;
      client.on('error', onError);
      let destroyed = false;
      try {
        return await fn({
          db: drizzlePg(client) as unknown as Db,
          execScript: async (script) => void (await client.query(script)),
          destroy: () => {
            destroyed = true;
          },
        });
      } finally {
        client.off('error', onError);
        client.release(destroyed);
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Runs a query and returns its rows, on either driver. */
export async function query<T extends Record<string, unknown>>(ex: Executor, q: SQL): Promise<T[]> {
  const res = (await ex.execute(q)) as unknown as { rows: T[] };
  return res.rows;
}

/** True when the database answers a trivial query within the timeout. */
export async function ping(database: Database, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      database.db.execute(sql`select 1`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What the test run has available. On a developer's machine tests that need an absent PostgreSQL server or
 * browser are skipped with a message; under CI=true the same absence fails the run.
 */
import { existsSync } from 'node:fs';

export const isCI = process.env.CI === 'true';
/** Admin URL of a PostgreSQL server for tests (set by .ci/run). */
export const pgAdminUrl = process.env.JW_TEST_PG_URL || undefined;
/** When 'postgres', every database test runs on the server instead of embedded PGlite. */
export const dbTarget: 'pglite' | 'postgres' = process.env.JW_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
/** Shared reference data (../shared/data), absent outside the workplace. */
export const sharedDataDir = new URL('../../../shared/data/', import.meta.url).pathname;
export const hasSharedData = existsSync(sharedDataDir);

const announced = new Set<string>();

/**
 * Returns true when a requirement is missing and the suite must be skipped. Under CI this throws instead:
 * CI promised the requirement.
 */
export function missing(what: string, present: boolean, howToProvide: string): boolean {
  if (present) return false;
  if (isCI) throw new Error(`CI=true but ${what} is not available: ${howToProvide}`);
  if (!announced.has(what)) {
    announced.add(what);
    console.warn(`[skip] ${what} is not available, skipping its tests. ${howToProvide}`);
  }
  return true;
}

/** True when PostgreSQL-server-only tests must be skipped. */
export function skipWithoutPostgres(): boolean {
  return missing(
    'PostgreSQL server (JW_TEST_PG_URL)',
    pgAdminUrl !== undefined,
    'Set JW_TEST_PG_URL=postgres://… (see .ci/run).',
  );
}

/** True when browser tests must be skipped. */
export function skipWithoutChromium(): boolean {
  return missing(
    `Chromium (${chromiumPath})`,
    hasChromium,
    'Install it with: apt-get install -y chromium fonts-noto-cjk',
  );
}

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('uses documented defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.auth.maxFailedLogins).toBe(5);
  });

  it('reads PORT, DATA_DIR and DATABASE_URL', () => {
    const c = loadConfig({ PORT: '9000', DATA_DIR: '/tmp/x', DATABASE_URL: 'postgres://u:p@localhost:5432/db' });
    expect(c.port).toBe(9000);
    expect(c.dataDir).toBe('/tmp/x');
    expect(c.databaseUrl).toBe('postgres://u:p@localhost:5432/db');
  });

  it('rejects a non-numeric port with a message that says how to fix it', () => {
    const [p] = problemsOf({ PORT: 'eighty' });
    expect(p).toMatch(/PORT="eighty" is not a whole number; set it to an integer between 0 and 65535/);
  });

  it('rejects out-of-range numbers', () => {
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/out of range/);
  });

  it('rejects a database URL of another scheme', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://x@y/z' })[0]).toMatch(/DATABASE_URL must look like postgres:\/\//);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'loud', DEMO_SEED: 'maybe', AUDIT_HMAC_KEY: 'abcd' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL="loud" is not allowed; use one of: fatal, error/);
    expect(problems.join('\n')).toMatch(/AUDIT_HMAC_KEY must hold at least 32 random bytes/);
  });

  it('refuses to run production without explicit audit keys', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.some((p) => p.startsWith('AUDIT_HMAC_KEY is required in production'))).toBe(true);
    expect(problems.some((p) => p.startsWith('AUDIT_SIGNING_KEY is required in production'))).toBe(true);
  });

  it('accepts a hex HMAC key and a PEM signing key', () => {
    const c = loadConfig({
      AUDIT_HMAC_KEY: 'ab'.repeat(32),
      AUDIT_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIA==\\n-----END PRIVATE KEY-----',
    });
    expect(c.audit.hmacKey?.length).toBe(32);
    expect(c.audit.signingKeyPem).toContain('\n');
  });
});

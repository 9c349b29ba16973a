/**
 * Configuration, parsed once at start-up from the environment (and an optional `.env`).
 *
 * Every variable is documented in `.env.example`. A bad value fails fast with a message that says how to fix
 * it; `loadConfig` collects *all* problems before failing so an operator fixes them in one go.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';

export interface Config {
  /** `development`, `test` or `production`; production refuses generated secrets. */
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** The address residents reach the public pages at (the SMS progress link). */
  publicUrl: string;
  /** Folder for the embedded database and generated development keys. */
  dataDir: string;
  /** `postgres://…` to use a PostgreSQL server; undefined means embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Optional owner connection used for migrations, so the app role can be denied UPDATE/DELETE on audit rows. */
  databaseMigrationUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  /** TCP port of the device line protocol (`modules/devices`); undefined means off. 0 picks a free port. */
  deviceTcpPort: number | undefined;
  auth: {
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    idleTimeoutMinutes: number;
    maxFailedLogins: number;
    lockoutMinutes: number;
    passwordMinLength: number;
    passwordMaxAgeDays: number;
    passwordHistory: number;
  };
  audit: {
    /** HMAC key for payload digests; undefined means "generate and keep in dataDir" (not allowed in production). */
    hmacKey: Buffer | undefined;
    /** Ed25519 private key (PKCS#8 PEM) for checkpoints; undefined means generated like hmacKey. */
    signingKeyPem: string | undefined;
    /** How often the sequencer folds pending entries into the Merkle tree. */
    sequenceIntervalMs: number;
  };
  demo: { seedOnStart: boolean; scale: 'small' | 'city' | 'province'; seed: number };
  deployment: {
    /** How often pending deployment approvals past their deadline escalate (ms); 0 = off (the default in tests). */
    approvalEscalationIntervalMs: number;
  };
}

/** Raised when the environment is invalid; `problems` holds one fix-it line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  str(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }

  optional(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string, fallback: number, opts: { min: number; max: number }): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^-?\d+$/.test(raw.trim())) {
      this.problems.push(
        `${name}="${raw}" is not a whole number; set it to an integer between ${opts.min} and ${opts.max} (default ${fallback}).`,
      );
      return fallback;
    }
    const n = Number(raw);
    if (n < opts.min || n > opts.max) {
      this.problems.push(
        `${name}=${n} is out of range; set it between ${opts.min} and ${opts.max} (default ${fallback}).`,
      );
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    this.problems.push(`${name}="${raw}" is not a boolean; use true or false.`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name}="${raw}" is not allowed; use one of: ${allowed.join(', ')}.`);
    return fallback;
  }
}

function parseDatabaseUrl(r: Reader, name: string): string | undefined {
  const raw = r.optional(name);
  if (raw === undefined) return undefined;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('protocol');
    return raw;
  } catch {
    r.problems.push(
      `${name} must look like postgres://user:password@host:5432/dbname; leave it unset to use the embedded database.`,
    );
    return undefined;
  }
}

function parseKey(r: Reader, name: string): Buffer | undefined {
  const raw = r.optional(name);
  if (raw === undefined) return undefined;
  const buf = /^[0-9a-fA-F]+$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (buf.length < 32) {
    r.problems.push(
      `${name} must hold at least 32 random bytes as hex or base64; generate one with: openssl rand -hex 32`,
    );
    return undefined;
  }
  return buf;
}

function parseSigningKey(r: Reader, name: string): string | undefined {
  const raw = r.optional(name);
  if (raw === undefined) return undefined;
  const pem = raw.replace(/\\n/g, '\n');
  if (!pem.includes('BEGIN PRIVATE KEY')) {
    r.problems.push(
      `${name} must be an Ed25519 private key in PKCS#8 PEM; generate one with: openssl genpkey -algorithm ed25519`,
    );
    return undefined;
  }
  return pem;
}

/** Reads `.env` in `cwd` if present; real environment variables win over the file. */
export function readEnv(cwd = process.cwd(), env: Env = process.env): Env {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

/** Parses and validates configuration; throws ConfigError listing every problem with its fix. */
export function loadConfig(env: Env = readEnv()): Config {
  const r = new Reader(env);
  const nodeEnv = r.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const config: Config = {
    env: nodeEnv,
    host: r.str('HOST', '127.0.0.1'),
    port: r.int('PORT', 8080, { min: 0, max: 65535 }),
    publicUrl: '',
    dataDir: resolve(r.str('DATA_DIR', './data')),
    databaseUrl: parseDatabaseUrl(r, 'DATABASE_URL'),
    databaseMigrationUrl: parseDatabaseUrl(r, 'DATABASE_MIGRATION_URL'),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1_048_576, { min: 1024, max: 100 * 1_048_576 }),
    deviceTcpPort:
      r.optional('DEVICE_TCP_PORT') === undefined ? undefined : r.int('DEVICE_TCP_PORT', 0, { min: 0, max: 65535 }),
    auth: {
      accessTokenTtlSeconds: r.int('ACCESS_TOKEN_TTL_SECONDS', 900, { min: 30, max: 86_400 }),
      refreshTokenTtlSeconds: r.int('REFRESH_TOKEN_TTL_SECONDS', 8 * 3600, { min: 60, max: 30 * 86_400 }),
      idleTimeoutMinutes: r.int('SESSION_IDLE_MINUTES', 30, { min: 1, max: 24 * 60 }),
      maxFailedLogins: r.int('LOGIN_MAX_FAILURES', 5, { min: 1, max: 100 }),
      lockoutMinutes: r.int('LOGIN_LOCKOUT_MINUTES', 15, { min: 1, max: 24 * 60 }),
      passwordMinLength: r.int('PASSWORD_MIN_LENGTH', 10, { min: 8, max: 128 }),
      passwordMaxAgeDays: r.int('PASSWORD_MAX_AGE_DAYS', 90, { min: 0, max: 3650 }),
      passwordHistory: r.int('PASSWORD_HISTORY', 5, { min: 0, max: 24 }),
    },
    audit: {
      hmacKey: parseKey(r, 'AUDIT_HMAC_KEY'),
      signingKeyPem: parseSigningKey(r, 'AUDIT_SIGNING_KEY'),
      sequenceIntervalMs: r.int('AUDIT_SEQUENCE_INTERVAL_MS', 200, { min: 10, max: 60_000 }),
    },
    demo: {
      seedOnStart: r.bool('DEMO_SEED', nodeEnv !== 'production'),
      scale: r.oneOf('DEMO_SCALE', ['small', 'city', 'province'] as const, 'city'),
      seed: r.int('DEMO_RANDOM_SEED', 110, { min: 0, max: 2 ** 31 - 1 }),
    },
    deployment: {
      approvalEscalationIntervalMs: r.int('DEPLOYMENT_ESCALATION_INTERVAL_MS', nodeEnv === 'test' ? 0 : 60_000, {
        min: 0,
        max: 3_600_000,
      }),
    },
  };
  config.publicUrl = r.str('PUBLIC_URL', `http://localhost:${config.port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(config.publicUrl))
    r.problems.push('PUBLIC_URL must be an http(s) URL, e.g. https://110.example.gov.cn');
  if (nodeEnv === 'production') {
    if (!config.audit.hmacKey)
      r.problems.push('AUDIT_HMAC_KEY is required in production; generate: openssl rand -hex 32');
    if (config.demo.seedOnStart)
      r.problems.push('DEMO_SEED=true is refused in production: demo accounts share a known password.');
    if (!config.audit.signingKeyPem)
      r.problems.push('AUDIT_SIGNING_KEY is required in production; generate: openssl genpkey -algorithm ed25519');
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** A valid configuration for tests, with fixed keys so nothing is generated or written to disk. */
import { generateKeyPairSync } from 'node:crypto';
import { loadConfig, type Config } from '../../src/server/config.ts';

const { privateKey } = generateKeyPairSync('ed25519');

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    AUDIT_HMAC_KEY: '11'.repeat(32),
    AUDIT_SIGNING_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    DEMO_SEED: 'false',
    ...env,
  });
}

/** Wires the audit log's parts for one process: keys, tree cache, sequencer, reader and sink. */
import type { Config } from '../../config.ts';
import type { AuditSink } from '../../context.ts';
import type { Database } from '../../db/client.ts';
import { resolveAuditKeys, type AuditKeys } from './audit.keys.ts';
import { AuditSequencer, type SequencerLogger } from './audit.sequencer.ts';
import { AuditLogReader, createAuditSink } from './audit.service.ts';
import { AuditTreeCache } from './audit.tree.ts';

export interface AuditLog {
  keys: AuditKeys;
  cache: AuditTreeCache;
  sequencer: AuditSequencer;
  reader: AuditLogReader;
  sink: AuditSink;
}

/** Builds the audit log over `database` with the configured (or development-generated) keys. */
export function openAuditLog(
  database: Database,
  config: Config,
  opts: { logger?: SequencerLogger; intervalMs?: number; batchSize?: number; keys?: AuditKeys } = {},
): AuditLog {
  const keys = opts.keys ?? resolveAuditKeys(config);
  const cache = new AuditTreeCache();
  const sequencer = new AuditSequencer(database, keys, cache, {
    intervalMs: opts.intervalMs ?? config.audit.sequenceIntervalMs,
    batchSize: opts.batchSize,
    logger: opts.logger,
  });
  return { keys, cache, sequencer, reader: new AuditLogReader(cache), sink: createAuditSink(keys) };
}

/**
 * `jingwu audit checkpoint|verify|proof`: works directly on the configured database (like `jingwu migrate`),
 * with the configured (or development-generated) audit keys.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../server/config.ts';
import { query, type Database } from '../../server/db/client.ts';
import { AppError } from '../../server/errors.ts';
import { openConfiguredDatabase } from '../../server/server.ts';
import {
  exportCheckpoint,
  parseExportedCheckpoint,
  type Checkpoint,
} from '../../server/modules/audit/audit.checkpoint.ts';
import { openAuditLog, type AuditLog } from '../../server/modules/audit/audit.log.ts';
import { leafHash, verifyInclusion } from '../../server/modules/audit/audit.merkle.ts';
import { entriesPage } from '../../server/modules/audit/audit.repository.ts';
import { verifyAuditLog, type VerifyReport } from '../../server/modules/audit/audit.verify.ts';

function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a whole number ≥ 0.');
  }
  return Number(value);
}

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Opens the database and the audit log, runs `fn`, and always closes the database. Expected failures (no
 * tables, out-of-range requests) print their message and set exit code 1 instead of a stack trace.
 */
async function withAuditLog<T>(fn: (database: Database, log: AuditLog) => Promise<T>): Promise<T | undefined> {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  try {
    const [t] = await query<{ ok: boolean }>(database.db, sql`select to_regclass('audit_entries') is not null as ok`);
    if (!t?.ok) {
      err('The database has no audit tables yet; run `jingwu migrate` first.');
      process.exitCode = 1;
      return undefined;
    }
    return await fn(database, openAuditLog(database, config));
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    err(`${e.code}: ${e.message}`);
    process.exitCode = 1;
    return undefined;
  } finally {
    await database.close();
  }
}

function printReport(report: VerifyReport, hadCheckpoint: boolean): void {
  const summary =
    `${report.treeSize} entries, root ${report.rootHash}; ${report.checkpointsChecked} signed checkpoints checked` +
    (report.exported
      ? `; exported checkpoint (size ${report.exported.treeSize}) is a prefix, consistency proof of ` +
        `${report.exported.consistencyProofLength} hashes verified`
      : '');
  if (report.ok) {
    out(`OK: the audit log verifies. ${summary}.`);
    if (!hadCheckpoint) {
      out('Note: without --checkpoint a restored older backup or a re-signed rewrite cannot be detected;');
      out('      export one regularly with `jingwu audit checkpoint --out FILE` and keep it off this server.');
    }
    return;
  }
  err(`FAILED: the audit log does not verify (${report.problems.length + report.moreProblems} problems).`);
  for (const p of report.problems) err(`  ✗ [${p.code}] ${p.message}`);
  if (report.moreProblems > 0) err(`  … and ${report.moreProblems} more`);
  err(`Recomputed from storage: ${summary.replace(/; exported checkpoint.*$/, '')}.`);
}

export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description('Tamper-evident audit log: export signed checkpoints, verify the log, print proofs');

  audit
    .command('checkpoint')
    .description(
      'Sequence pending entries, then write the latest signed checkpoint (tree size, root hash, time, ' +
        'Ed25519 signature and public key) as JSON. Keep the file somewhere the server cannot write.',
    )
    .requiredOption('--out <file>', 'file to write the checkpoint JSON to')
    .action(async (opts: { out: string }) => {
      await withAuditLog(async (database, log) => {
        const seq = await log.sequencer.sequenceNow();
        if (!seq.leader) out('Another instance is sequencing; exporting its latest checkpoint.');
        const cp = await log.reader.latestCheckpoint(database.db);
        writeFileSync(opts.out, `${JSON.stringify(exportCheckpoint(cp, log.keys), null, 2)}\n`);
        out(
          `Wrote checkpoint of ${cp.treeSize} entries (root ${cp.rootHash.toString('hex')}, ` +
            `signed ${cp.timestamp.toISOString()}) to ${opts.out}`,
        );
      });
    });

  audit
    .command('verify')
    .description(
      'Recompute the whole Merkle tree from the stored entry bytes; check every leaf hash, entry MAC and ' +
        'stored signed checkpoint; and check that an exported checkpoint is still a prefix of the log ' +
        '(RFC 9162 consistency proof). Exits 0 when everything verifies, 1 with the reasons otherwise.',
    )
    .option('--checkpoint <file>', 'a checkpoint exported earlier with `jingwu audit checkpoint --out`')
    .option('--json', 'print the full report as JSON')
    .action(async (opts: { checkpoint?: string; json?: boolean }) => {
      let exported: Checkpoint | undefined;
      if (opts.checkpoint) {
        try {
          exported = parseExportedCheckpoint(readFileSync(opts.checkpoint, 'utf8')).checkpoint;
        } catch (e) {
          err(`FAILED: cannot use ${opts.checkpoint}: ${(e as Error).message}.`);
          process.exitCode = 1;
          return;
        }
      }
      const report = await withAuditLog((database, log) => verifyAuditLog(database.db, log.keys, { exported }));
      if (!report) return;
      if (opts.json) out(JSON.stringify(report, null, 2));
      else printReport(report, exported !== undefined);
      if (!report.ok) process.exitCode = 1;
    });

  audit
    .command('proof')
    .description('Print the RFC 9162 inclusion proof of entry N in the tree of size M (default: latest checkpoint)')
    .requiredOption('--index <n>', 'leaf index of the entry', nonNegativeInt)
    .option('--size <m>', 'tree size to prove against (default: latest signed checkpoint)', nonNegativeInt)
    .action(async (opts: { index: number; size?: number }) => {
      await withAuditLog(async (database, log) => {
        const p = await log.reader.inclusionProof(database.db, opts.index, opts.size);
        const [row] = await entriesPage(database.db, opts.index, 1);
        const ok =
          row !== undefined && verifyInclusion(leafHash(row.entry), p.leafIndex, p.treeSize, p.proof, p.rootHash);
        out(
          JSON.stringify(
            {
              leafIndex: p.leafIndex,
              treeSize: p.treeSize,
              leafHash: p.leafHash.toString('hex'),
              rootHash: p.rootHash.toString('hex'),
              proof: p.proof.map((h) => h.toString('hex')),
              verifiesAgainstStoredEntry: ok,
            },
            null,
            2,
          ),
        );
        if (!ok) process.exitCode = 1;
      });
    });
}

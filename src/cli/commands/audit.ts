/** `jingwu audit checkpoint|verify|proof` (being implemented). */
import type { Command } from 'commander';

export function registerAudit(program: Command): void {
  program.command('audit').description('Tamper-evident audit log: checkpoints, verification, proofs');
}

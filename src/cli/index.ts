/** The `jingwu` command line. One file per command under commands/. */
import { Command } from 'commander';
import { ConfigError } from '../server/config.ts';
import { registerStart } from './commands/start.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerUsers } from './commands/users.ts';
import { registerAudit } from './commands/audit.ts';
import { registerDemo } from './commands/demo.ts';
import { registerGeo } from './commands/geo.ts';

const program = new Command();
program.name('jingwu').description('Jingwu (警务) integrated police operations platform').showHelpAfterError();
registerStart(program);
registerMigrate(program);
registerUsers(program);
registerAudit(program);
registerDemo(program);
registerGeo(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n\nSee .env.example for every setting.\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

/** `jingwu migrate`: apply pending database migrations and exit. */
import type { Command } from 'commander';
import { loadConfig } from '../../server/config.ts';
import { migrateConfiguredDatabase, openConfiguredDatabase } from '../../server/server.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (also done automatically by start)')
    .action(async () => {
      const config = loadConfig();
      const database = await openConfiguredDatabase(config);
      try {
        const applied = await migrateConfiguredDatabase(config, database);
        process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
      } finally {
        await database.close();
      }
    });
}

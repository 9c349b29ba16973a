/** `jingwu demo seed`: create the demo province, city and one account per role. */
import type { Command } from 'commander';
import { loadConfig } from '../../server/config.ts';
import { systemContext } from '../../server/context.ts';
import { buildApp } from '../../server/app.ts';
import { migrateConfiguredDatabase, openConfiguredDatabase } from '../../server/server.ts';
import { seedDemo } from '../../demo/demo.seed.ts';
import { demoLoginLines } from '../../demo/demo-logins.ts';

export function registerDemo(program: Command): void {
  const demo = program.command('demo').description('Demo data for trying the platform');
  demo
    .command('seed')
    .description('Create the demo jurisdictions and one account per role (does nothing if they exist)')
    .action(async () => {
      const config = loadConfig();
      const database = await openConfiguredDatabase(config);
      try {
        await migrateConfiguredDatabase(config, database);
        // The app wires the audit sink (keys, sequencer); seeding goes through it like any write.
        const app = await buildApp({ config, database, logger: false });
        await app.ready();
        try {
          const result = await seedDemo(systemContext(database.db, app.auditSink));
          process.stdout.write(
            result.seeded
              ? `Seeded ${result.jurisdictions} jurisdictions and ${result.users} accounts.\n${demoLoginLines().join('\n')}\n`
              : 'Demo data already present.\n',
          );
        } finally {
          await app.close();
        }
      } finally {
        await database.close();
      }
    });
}

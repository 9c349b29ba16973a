/** `jingwu demo seed`: generate the demo city (geography, population) and one account per role. */
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../server/config.ts';
import { systemContext } from '../../server/context.ts';
import { buildApp } from '../../server/app.ts';
import { migrateConfiguredDatabase, openConfiguredDatabase } from '../../server/server.ts';
import { seedDemo } from '../../demo/demo.seed.ts';
import { demoLoginLines } from '../../demo/demo-logins.ts';
import type { CityScale } from '../../demo/city.model.ts';

const SCALES: readonly CityScale[] = ['small', 'city', 'province'];

function parseScale(value: string): CityScale {
  if (!(SCALES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`use one of: ${SCALES.join(', ')}`);
  }
  return value as CityScale;
}

function parseSeed(value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2 ** 31 - 1) {
    throw new InvalidArgumentError('use a whole number between 0 and 2147483647');
  }
  return Number(value);
}

export function registerDemo(program: Command): void {
  const demo = program.command('demo').description('Demo data for trying the platform');
  demo
    .command('seed')
    .description('Generate the demo city and one account per role (does nothing if the demo province exists)')
    .option('--scale <scale>', `city size: ${SCALES.join(' | ')} (default: DEMO_SCALE or city)`, parseScale)
    .option(
      '--seed <n>',
      'random seed; the same seed gives the same city (default: DEMO_RANDOM_SEED or 110)',
      parseSeed,
    )
    .action(async (opts: { scale?: CityScale; seed?: number }) => {
      const config = loadConfig();
      const scale = opts.scale ?? config.demo.scale;
      const seed = opts.seed ?? config.demo.seed;
      const database = await openConfiguredDatabase(config);
      try {
        await migrateConfiguredDatabase(config, database);
        // The app wires the audit sink (keys, sequencer); seeding goes through it like any write.
        const app = await buildApp({ config, database, logger: false });
        await app.ready();
        try {
          const result = await seedDemo(systemContext(database.db, app.auditSink), { scale, seed });
          process.stdout.write(
            result.seeded
              ? `Seeded the ${scale} demo city (seed ${seed}) in ${((result.generateMs + result.writeMs) / 1000).toFixed(1)} s ` +
                  `(generate ${result.generateMs} ms, write ${result.writeMs} ms): ` +
                  `${Object.entries(result.counts)
                    .map(([k, v]) => `${v} ${k}`)
                    .join(', ')}.\n${demoLoginLines().join('\n')}\n`
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

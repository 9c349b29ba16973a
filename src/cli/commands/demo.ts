/** `jingwu demo seed`: generate the demo city (geography, population) and one account per role. */
import { InvalidArgumentError, type Command } from 'commander';
import { withCliContext } from '../cli-context.ts';
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
      // Seeding goes through the real audit sink (keys, sequencer) like any write.
      await withCliContext(async (ctx, config) => {
        const scale = opts.scale ?? config.demo.scale;
        const seed = opts.seed ?? config.demo.seed;
        const result = await seedDemo(ctx, { scale, seed });
        if (!result.seeded) {
          process.stdout.write('Demo data already present.\n');
          return;
        }
        const counts = Object.entries(result.counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ');
        const seconds = ((result.generateMs + result.writeMs) / 1000).toFixed(1);
        process.stdout.write(
          `Seeded the ${scale} demo city (seed ${seed}) in ${seconds} s ` +
            `(generate ${result.generateMs} ms, write ${result.writeMs} ms): ${counts}.\n` +
            `${demoLoginLines().join('\n')}\n`,
        );
      });
    });
}

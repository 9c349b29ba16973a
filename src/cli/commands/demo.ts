/**
 * `jingwu demo seed`: generate the demo city (geography, population) and one account per role.
 * `jingwu demo simulate`: run the platform with simulated calls and crews (src/server/modules/simulator).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { withCliContext } from '../cli-context.ts';
import { loadConfig } from '../../server/config.ts';
import { Simulator } from '../../server/modules/simulator/simulator.service.ts';
import { closeOnSignals, startAndAnnounce } from './start.ts';
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

/** A number within [min, max] (commander option parser). */
function numberIn(min: number, max: number, what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`use ${what} between ${min} and ${max}`);
    }
    return n;
  };
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
  demo
    .command('simulate')
    .description(
      'Start the platform like "start" (demo city seeded if empty) and run the simulator in it: calls drawn ' +
        "from the city's history, crews that acknowledge, drive the roads, arrive and close, patrols, AVL reports",
    )
    .option('--rate <n>', 'new calls per minute (Poisson)', numberIn(0.01, 600, 'a rate'), 6)
    .option(
      '--speedup <k>',
      'simulated driving, crew delays and time on scene run k times faster',
      numberIn(1, 100, 'a factor'),
      1,
    )
    .option(
      '--auto-dispatch <f>',
      'share of its calls the simulator dispatches itself with the top recommendation (0-1); the rest wait for the board',
      numberIn(0, 1, 'a share'),
      0,
    )
    .option('--seed <s>', 'random seed: the same seed and city give the same calls', parseSeed, 1)
    .action(async (opts: { rate: number; speedup: number; autoDispatch: number; seed: number }, cmd: Command) => {
      const base = loadConfig();
      if (base.env === 'production') {
        cmd.error('demo simulate is refused in production: it invents 110 calls and moves real units.', {
          exitCode: 78,
        });
      }
      // Like `start`, but the demo city must exist: the simulator draws its calls and units from it.
      const config = { ...base, demo: { ...base.demo, seedOnStart: true } };
      const server = await startAndAnnounce(config);
      const sim = new Simulator(server.app, {
        ratePerMin: opts.rate,
        speedup: opts.speedup,
        autoDispatch: opts.autoDispatch,
        seed: opts.seed,
      });
      await sim.start();
      process.stdout.write(
        `  Simulator: ${opts.rate} calls/min, speedup ${opts.speedup}, auto-dispatch ${opts.autoDispatch}, seed ${opts.seed}; ` +
          `acting as the account "simulator". Ctrl-C stops.\n\n`,
      );
      const report = setInterval(() => {
        const s = sim.stats;
        server.app.log.info(
          { simulator: s },
          `simulator: ${s.calls} calls, ${s.dispatches} dispatched, ${s.closed} closed`,
        );
      }, 60_000);
      report.unref();
      closeOnSignals(server, async () => {
        clearInterval(report);
        await sim.stop();
      });
    });
}

/**
 * `npm run bench -- <name> [--key value …]`: runs one benchmark and prints its result as one JSON line.
 * Figures are only comparable within one run on one machine; ratios are the point.
 */
import os from 'node:os';

type Bench = (args: Record<string, string>) => Promise<Record<string, unknown>>;

const BENCHES: Record<string, () => Promise<Bench>> = {
  cad: async () => {
    const { benchCad } = await import('./cad.bench.ts');
    return (args) =>
      benchCad({
        units: args.units ? Number(args.units) : undefined,
        searches: args.searches ? Number(args.searches) : undefined,
        positions: args.positions ? Number(args.positions) : undefined,
        pgUrl: args.pg,
        only: args.only,
        days: args.days ? Number(args.days) : undefined,
        callsPerDay: args.calls ? Number(args.calls) : undefined,
        rate: args.rate ? Number(args.rate) : undefined,
        seconds: args.seconds ? Number(args.seconds) : undefined,
        sweep: args.sweep ? args.sweep.split(',').map(Number) : undefined,
      });
  },
  city: async () => {
    const { benchCity } = await import('./city.bench.ts');
    return (args) =>
      benchCity({
        searches: args.searches ? Number(args.searches) : undefined,
        seed: args.seed ? Number(args.seed) : undefined,
      });
  },
  core: async () => (await import('./core.bench.ts')).runCoreBench,
  deployment: async () => {
    const { benchDeployment } = await import('./deployment.bench.ts');
    return (args) =>
      benchDeployment({
        seeds: args.seeds ? Number(args.seeds) : undefined,
        largeSeeds: args['large-seeds'] ? Number(args['large-seeds']) : undefined,
        whatifs: args.whatifs ? Number(args.whatifs) : undefined,
      });
  },
  fanout: async () => {
    const { benchFanout } = await import('./fanout.bench.ts');
    return (args) =>
      benchFanout({
        clients: args.clients ? Number(args.clients) : undefined,
        rate: args.rate ? Number(args.rate) : undefined,
        seconds: args.seconds ? Number(args.seconds) : undefined,
        pgUrl: args.pg,
      });
  },
  geo: async () => {
    const { benchGeo } = await import('./geo.bench.ts');
    return (args) =>
      benchGeo({
        searches: args.searches ? Number(args.searches) : undefined,
        skipProvince: args['skip-province'] === 'true',
      });
  },
  web: async () => {
    const { benchWeb } = await import('./web.bench.ts');
    return (args) =>
      benchWeb({
        runs: args.runs ? Number(args.runs) : undefined,
        scale: args.scale as 'small' | 'city' | 'province' | undefined,
      });
  },
};

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        out[a.slice(2)] = next;
        i++;
      } else out[a.slice(2)] = 'true';
    }
  }
  return out;
}

const [name, ...rest] = process.argv.slice(2);
const load = name ? BENCHES[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--key value …]\n`);
  process.exit(2);
}
const started = Date.now();
const result = await (await load())(parseArgs(rest));
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
};
process.stdout.write(
  `${JSON.stringify({ bench: name, ...result, seconds: (Date.now() - started) / 1000, machine })}\n`,
);
process.exit(0);

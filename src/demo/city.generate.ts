/**
 * Generates the whole demo city for a seed and scale: the geography first, then the population drawn from
 * it. Both are deterministic; `writeCity` stores them.
 */
import type { CityGeography, CityScale } from './city.model.ts';
import type { CityPartWriter } from './city.writer.ts';
import { generateGeography } from './geography/geography.generator.ts';
import { generatePopulation } from './population/population.generate.ts';
import { writePopulation } from './population/population.writer.ts';

/** Options of generateCity. */
export interface GenerateCityOptions {
  seed: number;
  scale: CityScale;
}

/** A generated city: its geography, and a writer for the population (absent until the population exists). */
export interface GeneratedCity {
  geography: CityGeography;
  population?: CityPartWriter;
  /** Milliseconds spent generating each part. */
  timings: Record<string, number>;
}

/** Generates geography (and population) for a seed and scale. */
export function generateCity(options: GenerateCityOptions): GeneratedCity {
  const t0 = performance.now();
  const geography = generateGeography(options);
  const timings: Record<string, number> = { geography: Math.round(performance.now() - t0) };
  const t1 = performance.now();
  const population = generatePopulation(geography, options);
  timings.population = Math.round(performance.now() - t1);
  // writeCity's own demo.seed audit entry records the population counts too.
  return { geography, population: (tx) => writePopulation(tx, population, { audit: false }), timings };
}

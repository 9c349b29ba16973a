/**
 * Planted hotspots: a few dense commercial (nightlife) areas where public-order incidents, disputes and thefts
 * concentrate. Their centres are the ground truth hotspot-detection tests compare against.
 */
import type { AddressIndex } from './address.index.ts';
import type { Hotspot } from './population.model.ts';
import type { Rng } from './random.ts';

export interface HotspotOptions {
  count: number;
  radiusM: number;
  /** Minimum distance between two hotspot centres. */
  separationM: number;
}

/** Picks hotspot centres among commercial addresses with the most commercial neighbours, kept apart. */
export function chooseHotspots(index: AddressIndex, rng: Rng, opts: HotspotOptions): Hotspot[] {
  const commercial = index.addresses.flatMap((a, i) => (a.kind === 'commercial' ? [i] : []));
  if (commercial.length === 0 || opts.count <= 0) return [];
  // Score a bounded sample of candidates by commercial density within 2 radii.
  const candidates = commercial.length <= 600 ? commercial : rng.shuffle([...commercial]).slice(0, 600);
  const scored = candidates
    .map((i) => {
      const near = index.within(index.xy[2 * i]!, index.xy[2 * i + 1]!, opts.radiusM * 2);
      return { i, score: near.filter((j) => index.addresses[j]!.kind === 'commercial').length + rng.float() };
    })
    .sort((a, b) => b.score - a.score);
  const centres: number[] = [];
  for (const { i } of scored) {
    if (centres.length >= opts.count) break;
    if (centres.every((c) => index.distance(c, i) >= opts.separationM)) centres.push(i);
  }
  return centres.map((c, k) => {
    const x = index.xy[2 * c]!;
    const y = index.xy[2 * c + 1]!;
    return {
      index: k,
      center: index.addresses[c]!.location,
      radiusM: opts.radiusM,
      addressIds: index
        .within(x, y, opts.radiusM)
        .sort((a, b) => a - b)
        .map((j) => index.addresses[j]!.id),
    };
  });
}

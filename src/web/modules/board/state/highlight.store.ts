/** Units the recommendation panel proposes, for the board map to ring (shared between sibling components). */
import { useSyncExternalStore } from 'react';

let ids: readonly string[] = [];
const listeners = new Set<() => void>();

/** Replaces the highlighted units (an equal list changes nothing). */
export function setHighlightedUnits(next: readonly string[]): void {
  if (next.length === ids.length && next.every((id, i) => id === ids[i])) return;
  ids = [...next];
  listeners.forEach((l) => l());
}

/** React hook: the highlighted unit ids. */
export function useHighlightedUnits(): readonly string[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => ids,
  );
}

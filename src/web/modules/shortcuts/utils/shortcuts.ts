/** The console's keyboard shortcuts: one table, used by the key handler and listed in the help panel. */
export const SHORTCUTS = [
  { key: '?', action: 'help' },
  { key: '/', action: 'search' },
  { key: 'l', action: 'layers' },
  { key: 'd', action: 'dark' },
  { key: 't', action: 'largeText' },
  { key: 'g', action: 'language' },
  { key: 'h', action: 'home' },
  // Command board (指挥调度): handled by the board while it is open; their help text lives in the board's strings.
  { key: 'n', action: 'newCall', labelKey: 'board.keys.newCall' },
  { key: 'a', action: 'accept', labelKey: 'board.keys.accept' },
  { key: 'j', action: 'nextIncident', labelKey: 'board.keys.next' },
  { key: 'k', action: 'prevIncident', labelKey: 'board.keys.prev' },
  { key: 'Escape', action: 'escape' },
] as const;
export type ShortcutAction = (typeof SHORTCUTS)[number]['action'];

/** True when the key press belongs to a text field (so letters must not trigger shortcuts). */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The action a key press triggers, or null. Modifier chords and typing in fields are left alone. */
export function shortcutFor(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>,
): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === 'Escape') return 'escape';
  if (typing(e.target)) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  return SHORTCUTS.find((s) => s.key === key)?.action ?? null;
}

/** Keyboard helpers of the board (the global letter shortcuts themselves are in the shortcuts module). */

/** True for Ctrl+Enter / Cmd+Enter: submit the form from any field. */
export function isSubmitChord(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey'>): boolean {
  return e.key === 'Enter' && (e.ctrlKey || e.metaKey);
}

/** The option index after an arrow key in a list of `length` options (clamped, -1 when empty). */
export function moveActive(index: number, key: string, length: number): number {
  if (length === 0) return -1;
  if (key === 'ArrowDown') return Math.min(length - 1, index + 1);
  if (key === 'ArrowUp') return Math.max(0, index - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return length - 1;
  return Math.min(Math.max(index, 0), length - 1);
}

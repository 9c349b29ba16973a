/**
 * Idempotency keys per user action: a fresh UUID when the officer presses a button, the same UUID again when
 * they retry that action after a failure (so a request that reached the server but whose answer was lost is
 * not applied twice), and a new one once the action succeeded.
 */
export class ActionKeys {
  private readonly keys = new Map<string, string>();

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  /** The key for `action` (e.g. `ack:<orderId>`): reused until `succeeded(action)` is called. */
  keyFor(action: string): string {
    let key = this.keys.get(action);
    if (!key) {
      key = this.newKey();
      this.keys.set(action, key);
    }
    return key;
  }

  /** The action went through: its next attempt is a new action with a new key. */
  succeeded(action: string): void {
    this.keys.delete(action);
  }

  /** Drops the kept key without success (e.g. the officer changed the note's text, so it is a new action). */
  forget(action: string): void {
    this.keys.delete(action);
  }
}

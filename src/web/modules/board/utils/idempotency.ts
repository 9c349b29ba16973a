/**
 * One Idempotency-Key per user action: a retry of the same request (after a timeout or a network error) reuses
 * the key, so the server answers it once; a changed request or a new action gets a fresh key.
 */
export class ActionKeys {
  private last: { signature: string; key: string } | null = null;

  constructor(private readonly fresh: () => string) {}

  /** The key for sending `body` now: the pending one when this is a retry of the same body. */
  keyFor(body: unknown): string {
    const signature = JSON.stringify(body);
    if (this.last?.signature === signature) return this.last.key;
    this.last = { signature, key: this.fresh() };
    return this.last.key;
  }

  /** The action went through (or was abandoned): the next one gets a new key. */
  settle(): void {
    this.last = null;
  }
}

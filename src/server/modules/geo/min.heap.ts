/**
 * A binary min-heap of (id, key) pairs over typed arrays, with lazy deletion: push an id again with a
 * smaller key instead of decreasing it, and skip stale pops. Written here rather than taking `flatqueue`
 * because Dijkstra needs Float64 keys in reusable typed arrays (no per-search allocation) — 60 lines.
 */
export class MinHeap {
  private ids: Int32Array;
  private keys: Float64Array;
  /** Number of entries. */
  size = 0;

  constructor(capacity = 1024) {
    this.ids = new Int32Array(Math.max(16, capacity));
    this.keys = new Float64Array(this.ids.length);
  }

  /** Empties the heap, keeping its memory. */
  clear(): void {
    this.size = 0;
  }

  /** Adds an entry. */
  push(id: number, key: number): void {
    if (this.size === this.ids.length) this.grow();
    const ids = this.ids;
    const keys = this.keys;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk <= key) break;
      ids[i] = ids[parent]!;
      keys[i] = pk;
      i = parent;
    }
    ids[i] = id;
    keys[i] = key;
  }

  /** Key of the smallest entry (undefined behaviour when empty). */
  peekKey(): number {
    return this.keys[0]!;
  }

  /** Removes the smallest entry and returns its id (call only when size > 0). */
  pop(): number {
    const ids = this.ids;
    const keys = this.keys;
    const top = ids[0]!;
    const n = --this.size;
    if (n > 0) {
      const id = ids[n]!;
      const key = keys[n]!;
      let i = 0;
      const half = n >> 1;
      while (i < half) {
        let child = 2 * i + 1;
        const right = child + 1;
        if (right < n && keys[right]! < keys[child]!) child = right;
        if (keys[child]! >= key) break;
        ids[i] = ids[child]!;
        keys[i] = keys[child]!;
        i = child;
      }
      ids[i] = id;
      keys[i] = key;
    }
    return top;
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    const keys = new Float64Array(this.keys.length * 2);
    ids.set(this.ids);
    keys.set(this.keys);
    this.ids = ids;
    this.keys = keys;
  }
}

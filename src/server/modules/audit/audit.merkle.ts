/**
 * RFC 9162 (Certificate Transparency v2) Merkle tree hashing, proofs and proof verification. Pure: no
 * database, no I/O, so the same code serves the server, the CLI verifier and the tests.
 *
 *   leaf hash  = SHA-256(0x00 || entry bytes)                                (§2.1.1)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n
 *
 * `MerkleTree` keeps every *complete* subtree hash (levels[h][i] covers leaves [i·2^h, (i+1)·2^h)) in one
 * contiguous buffer per level, so any RFC 9162 proof needs O(log n) lookups plus at most O(log n) hashes for
 * the one incomplete right-edge subtree: well under a millisecond at 10^6 leaves.
 */
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;
/** MTH of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** SHA-256(0x00 || data): the hash of one log entry. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(0)).update(data).digest();
}

/** SHA-256(0x01 || left || right): an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.of(1)).update(left).update(right).digest();
}

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over a list of leaf hashes by the RFC's recursive definition (reference; O(n)). */
export function rootFromLeafHashes(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  const go = (start: number, n: number): Buffer => {
    if (n === 1) return Buffer.from(leaves[start]!);
    const k = splitPoint(n);
    return nodeHash(go(start, k), go(start + k, n - k));
  };
  return go(0, leaves.length);
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

function log2Exact(n: number): number {
  return Math.round(Math.log2(n));
}

/** An append-only Merkle tree over leaf hashes with cached complete-subtree hashes. */
export class MerkleTree {
  private levels: Buffer[] = [Buffer.alloc(0)];
  private counts: number[] = [0];
  private _size = 0;

  /** Number of leaves. */
  get size(): number {
    return this._size;
  }

  /** Builds a tree from leaf hashes. */
  static from(leafHashes: Iterable<Uint8Array>): MerkleTree {
    const t = new MerkleTree();
    for (const h of leafHashes) t.append(h);
    return t;
  }

  /** Appends one leaf hash and updates every complete subtree it closes. */
  append(hash: Uint8Array): void {
    if (hash.length !== HASH_SIZE) throw new Error(`leaf hash must be ${HASH_SIZE} bytes`);
    let level = 0;
    let value: Uint8Array = hash;
    for (;;) {
      this.push(level, value);
      const count = this.counts[level]!;
      if (count % 2 === 1) break;
      value = nodeHash(this.get(level, count - 2), this.get(level, count - 1));
      level++;
    }
    this._size++;
  }

  /** Forgets leaves from `size` on (used to undo an append whose transaction rolled back). */
  truncate(size: number): void {
    if (size < 0 || size > this._size) throw new Error(`cannot truncate a tree of ${this._size} to ${size}`);
    for (let l = 0; l < this.counts.length; l++) this.counts[l] = Math.floor(size / 2 ** l);
    this._size = size;
  }

  /** The leaf hash at `index`. */
  leaf(index: number): Buffer {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this._size) throw new RangeError(`no leaf ${index}`);
    return Buffer.from(this.get(0, index));
  }

  /** MTH of the first `size` leaves (default: all). */
  root(size = this._size): Buffer {
    this.checkSize(size);
    if (size === 0) return EMPTY_ROOT;
    return Buffer.from(this.subtree(0, size));
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[size]): the inclusion proof of leaf `index` in the tree of `size`. */
  inclusionProof(index: number, size = this._size): Buffer[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`leaf index ${index} is outside a tree of size ${size}`);
    }
    const out: Buffer[] = [];
    let start = 0;
    let n = size;
    let m = index;
    // Walk down from the root, collecting siblings; the proof lists them leaf-first, so reverse at the end.
    while (n > 1) {
      const k = splitPoint(n);
      if (m < k) {
        out.push(Buffer.from(this.subtree(start + k, n - k)));
        n = k;
      } else {
        out.push(Buffer.from(this.subtree(start, k)));
        start += k;
        m -= k;
        n -= k;
      }
    }
    return out.reverse();
  }

  /** RFC 9162 §2.1.4.1 PROOF(m, D[n]): the consistency proof between tree sizes `m` and `n`. */
  consistencyProof(m: number, n = this._size): Buffer[] {
    this.checkSize(n);
    if (!Number.isSafeInteger(m) || m < 0 || m > n) throw new RangeError(`cannot prove size ${m} against ${n}`);
    if (m === 0 || m === n) return [];
    const out: Buffer[] = [];
    let start = 0;
    let size = n;
    let mm = m;
    let complete = true; // the `b` flag of SUBPROOF
    while (mm !== size) {
      const k = splitPoint(size);
      if (mm <= k) {
        out.push(Buffer.from(this.subtree(start + k, size - k)));
        size = k;
      } else {
        out.push(Buffer.from(this.subtree(start, k)));
        start += k;
        mm -= k;
        size -= k;
        complete = false;
      }
    }
    if (!complete) out.push(Buffer.from(this.subtree(start, size)));
    return out.reverse();
  }

  /** MTH(D[start : start+n]) for the ranges RFC 9162's recursion produces (left parts aligned powers of 2). */
  private subtree(start: number, n: number): Uint8Array {
    if (n === 1) return this.get(0, start);
    if (isPowerOfTwo(n) && start % n === 0) return this.get(log2Exact(n), start / n);
    const k = splitPoint(n);
    return nodeHash(this.subtree(start, k), this.subtree(start + k, n - k));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this._size) {
      throw new RangeError(`tree size ${size} is outside 0..${this._size}`);
    }
  }

  private get(level: number, index: number): Uint8Array {
    const buf = this.levels[level]!;
    return buf.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  private push(level: number, value: Uint8Array): void {
    if (this.levels.length <= level) {
      this.levels.push(Buffer.alloc(0));
      this.counts.push(0);
    }
    const count = this.counts[level]!;
    let buf = this.levels[level]!;
    const need = (count + 1) * HASH_SIZE;
    if (buf.length < need) {
      const grown = Buffer.allocUnsafe(Math.max(need, buf.length * 2, 64 * HASH_SIZE));
      buf.copy(grown, 0, 0, count * HASH_SIZE);
      buf = grown;
      this.levels[level] = buf;
    }
    buf.set(value, count * HASH_SIZE);
    this.counts[level] = count + 1;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function wellFormed(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((h) => h.length === HASH_SIZE);
}

/**
 * RFC 9162 §2.1.3.2: true when `proof` shows the leaf with `hash` at `index` is in the tree of `size`
 * whose root is `root`. Any malformed input is simply "false".
 */
export function verifyInclusion(
  hash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (hash.length !== HASH_SIZE || root.length !== HASH_SIZE || !wellFormed(proof)) return false;
  // Use BigInt-free arithmetic: sizes stay below 2^53, and division by 2 replaces the right shift.
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = hash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/**
 * RFC 9162 §2.1.4.2: true when `proof` shows the tree of `size1` (root `root1`) is a prefix of the tree of
 * `size2` (root `root2`). Size 0 is a prefix of everything; equal sizes need equal roots and an empty proof.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1) return false;
  if (!wellFormed(proof)) return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0 || root1.length !== HASH_SIZE || root2.length !== HASH_SIZE) return false;
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return equal(fr, root1) && equal(sr, root2) && sn === 0;
}

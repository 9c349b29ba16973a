import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  MerkleTree,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './audit.merkle.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Buffer => Buffer.from(s, 'hex');

// The Certificate Transparency reference leaves and tree heads, as published in
// transparency-dev/merkle (proof/verify_test.go, testonly/constants.go); pinned here as data.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  unhex,
);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// Inclusion vectors: (0-based leaf index, tree size, proof).
const INCLUSION: [number, number, string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [0, 1, []],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

const refTree = MerkleTree.from(LEAVES.map(leafHash));

describe('RFC 9162 hashing (CT reference vectors)', () => {
  it('gives the published root for every size 0..8', () => {
    expect(hex(EMPTY_ROOT)).toBe(ROOTS[0]);
    for (let n = 0; n <= 8; n++) {
      expect(hex(refTree.root(n)), `size ${n}`).toBe(ROOTS[n]);
      expect(hex(rootFromLeafHashes(LEAVES.slice(0, n).map(leafHash))), `reference size ${n}`).toBe(ROOTS[n]);
    }
  });

  it('prefixes leaves with 0x00 and nodes with 0x01', () => {
    expect(hex(leafHash(Buffer.alloc(0)))).toBe(ROOTS[1]);
    expect(hex(nodeHash(leafHash(LEAVES[0]!), leafHash(LEAVES[1]!)))).toBe(ROOTS[2]);
  });

  it.each(INCLUSION)('produces and verifies the published inclusion proof of leaf %i in size %i', (i, n, want) => {
    const proof = refTree.inclusionProof(i, n);
    expect(proof.map(hex)).toEqual(want);
    expect(verifyInclusion(leafHash(LEAVES[i]!), i, n, proof, unhex(ROOTS[n]!))).toBe(true);
  });

  it.each(CONSISTENCY)('produces and verifies the published consistency proof %i → %i', (m, n, want) => {
    const proof = refTree.consistencyProof(m, n);
    expect(proof.map(hex)).toEqual(want);
    expect(verifyConsistency(m, n, unhex(ROOTS[m]!), unhex(ROOTS[n]!), proof)).toBe(true);
  });

  it('rejects the edge cases transparency-dev rejects', () => {
    const some = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');
    for (const [i, n] of [
      [0, 0],
      [1, 0],
      [2, 1],
    ] as const) {
      expect(verifyInclusion(some, i, n, [], EMPTY_ROOT)).toBe(false);
    }
    expect(verifyConsistency(1, 0, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(false); // time travel
    expect(verifyConsistency(1, 1, EMPTY_ROOT, some, [])).toBe(false); // equal sizes, different roots
    expect(verifyConsistency(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT])).toBe(false); // non-empty proof
    expect(verifyConsistency(1, 2, unhex(ROOTS[1]!), unhex(ROOTS[2]!), [])).toBe(false); // empty proof
    expect(verifyConsistency(0, 5, EMPTY_ROOT, unhex(ROOTS[5]!), [])).toBe(true);
    expect(() => refTree.inclusionProof(8, 8)).toThrow(RangeError);
    expect(() => refTree.consistencyProof(3, 9)).toThrow(RangeError);
  });

  it('truncate undoes appends exactly', () => {
    const t = MerkleTree.from(LEAVES.map(leafHash));
    t.truncate(5);
    expect(hex(t.root())).toBe(ROOTS[5]);
    for (const l of LEAVES.slice(5)) t.append(leafHash(l));
    expect(hex(t.root())).toBe(ROOTS[8]);
  });
});

// Leaves are derived from their index so any size can be built quickly.
function syntheticTree(n: number): MerkleTree {
  const t = new MerkleTree();
  for (let i = 0; i < n; i++) t.append(leafHash(Buffer.from(`entry-${i}`)));
  return t;
}
const BIG = syntheticTree(300);

const flip = (proof: Buffer[], which: number, bit: number): Buffer[] =>
  proof.map((p, j) => {
    if (j !== which) return p;
    const c = Buffer.from(p);
    c[bit >> 3]! ^= 1 << (bit & 7);
    return c;
  });

describe('proof properties', () => {
  it('the cached tree agrees with the recursive definition for every size', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => BIG.leaf(i));
    for (let n = 0; n <= 70; n++) expect(hex(BIG.root(n))).toBe(hex(rootFromLeafHashes(leaves.slice(0, n))));
  });

  it('every valid inclusion proof verifies and every single mutation fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(255))),
        ([n, i, bit]) => {
          const root = BIG.root(n);
          const leaf = BIG.leaf(i);
          const proof = BIG.inclusionProof(i, n);
          expect(verifyInclusion(leaf, i, n, proof, root)).toBe(true);
          for (let j = 0; j < proof.length; j++)
            expect(verifyInclusion(leaf, i, n, flip(proof, j, bit), root)).toBe(false);
          const badRoot = Buffer.from(root);
          badRoot[bit >> 3]! ^= 1 << (bit & 7);
          expect(verifyInclusion(leaf, i, n, proof, badRoot)).toBe(false);
          const badLeaf = Buffer.from(leaf);
          badLeaf[bit >> 3]! ^= 1 << (bit & 7);
          expect(verifyInclusion(badLeaf, i, n, proof, root)).toBe(false);
          if (n > 1) {
            // A wrong index fails unless it names a leaf with the same hash (impossible here: leaves differ).
            expect(verifyInclusion(leaf, (i + 1) % n, n, proof, root)).toBe(false);
          }
          // Wrong sizes as transparency-dev mutates them. (A neighbouring size can share the proof's shape, e.g.
          // leaf 0 in sizes 3 and 4: the size is bound to the root by the signed checkpoint, not by the proof.)
          expect(verifyInclusion(leaf, i, n * 2, proof, root)).toBe(false);
          if (n > 1) expect(verifyInclusion(leaf, i, Math.floor(n / 2), proof, root)).toBe(false);
          if (proof.length > 0) expect(verifyInclusion(leaf, i, n, proof.slice(0, -1), root)).toBe(false);
          expect(verifyInclusion(leaf, i, n, [...proof, root], root)).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('every valid consistency proof verifies and every single mutation fails', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 300 })
          .chain((n) => fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.constant(n), fc.nat(255))),
        ([m, n, bit]) => {
          const r1 = BIG.root(m);
          const r2 = BIG.root(n);
          const proof = BIG.consistencyProof(m, n);
          expect(verifyConsistency(m, n, r1, r2, proof)).toBe(true);
          for (let j = 0; j < proof.length; j++)
            expect(verifyConsistency(m, n, r1, r2, flip(proof, j, bit))).toBe(false);
          const bad1 = Buffer.from(r1);
          bad1[bit >> 3]! ^= 1 << (bit & 7);
          const bad2 = Buffer.from(r2);
          bad2[bit >> 3]! ^= 1 << (bit & 7);
          expect(verifyConsistency(m, n, bad1, r2, proof)).toBe(false);
          expect(verifyConsistency(m, n, r1, bad2, proof)).toBe(false);
          expect(verifyConsistency(m, n, r2, r1, proof)).toBe(false);
          // Wrong sizes: a proof for (m, n) must not pass for any other (m', n') with different roots.
          if (m > 1) expect(verifyConsistency(m - 1, n, r1, r2, proof)).toBe(false);
          if (m + 1 < n) expect(verifyConsistency(m + 1, n, r1, r2, proof)).toBe(false);
          expect(verifyConsistency(m ^ 2, n, r1, r2, proof)).toBe(false);
          expect(verifyConsistency(m, n * 2, r1, r2, proof)).toBe(false);
          expect(verifyConsistency(m, Math.floor(n / 2), r1, r2, proof)).toBe(false);
          expect(verifyConsistency(m, n, r1, r2, proof.slice(0, -1))).toBe(false);
          expect(verifyConsistency(m, n, r1, r2, [...proof, r2])).toBe(false);
          expect(verifyConsistency(m, n, r1, r2, [proof[0]!, ...proof])).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a wrong-but-plausible leaf index fails for every leaf of a tree', () => {
    const n = 37;
    const root = BIG.root(n);
    for (let i = 0; i < n; i++) {
      const proof = BIG.inclusionProof(i, n);
      for (let j = 0; j < n; j++) {
        if (j !== i) expect(verifyInclusion(BIG.leaf(i), j, n, proof, root), `leaf ${i} as ${j}`).toBe(false);
      }
    }
  });
});

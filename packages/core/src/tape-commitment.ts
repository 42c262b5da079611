/**
 * The on-chain commitment to a loan tape: a Merkle root over salted loan leaves.
 *
 * Leaf: the OpenZeppelin `StandardMerkleTree` leaf over the ABI types `["bytes32", ...CANONICAL_LOAN_TYPES]`
 * and values `[salt, ...canonical values]`, i.e. in Solidity
 * `keccak256(bytes.concat(keccak256(abi.encode(salt, templateVersion, loanId, ...))))`, so that the pool's
 * `verifyLoan(tape, leaf, proof)` is OpenZeppelin's `MerkleProof.verify(proof, root, leaf)`.
 *
 * Salt: `HMAC-SHA256(saltKey, utf8(loanId))`. Without the salt a loan's fields could be guessed and tested
 * against the root (the fields have little entropy); with it the root reveals nothing, and the originator,
 * who keeps `saltKey`, can recompute every salt from the loan id alone. A salt is shared with a peer only
 * together with the loan it opens.
 *
 * Tree: exactly the tree of `StandardMerkleTree.of(values, types)` (leaves sorted by hash, its array
 * layout, its proofs), but built from the 32-byte leaves alone, kept in one buffer: a 1,000,000-loan
 * tape needs about 64 MB (every node, 32 bytes each) plus 8 MB of indexes, and no record objects.
 */
import { hexlify } from "ethers";
import { withFlatAbi } from "./abi-encode";
import { DuplicateLoanIdError, InvalidArgumentError, MerkleTreeError } from "./errors";
import {
  bytesToHex,
  bytes32OrUndefined,
  checkSecretKey,
  describeBytes32,
  hmacSha256Hex,
  isBytes32Hex,
  keccak256Bytes,
} from "./hashing";
import {
  CANONICAL_LOAN_TYPES,
  CANONICAL_LOAN_TYPES_DISCLOSURE,
  canonicalLoanRecord,
  type CanonicalLoanRecord,
  type LoanRecord,
} from "./loan-record";
import { TapeSummaryAccumulator, type TapeSummary } from "./tape-summary";

/** ABI types of a leaf's preimage: the salt, then the canonical loan record (template version 1). */
export const LOAN_LEAF_TYPES: readonly string[] = ["bytes32", ...CANONICAL_LOAN_TYPES];
/** The same for a record with disclosure fields (template version 2). */
export const LOAN_LEAF_TYPES_DISCLOSURE: readonly string[] = ["bytes32", ...CANONICAL_LOAN_TYPES_DISCLOSURE];

const NODE_BYTES = 32;

/** The per-loan salt, `HMAC-SHA256(saltKey, utf8(loanId))`, as 0x hex (32 bytes). */
export function deriveLoanSalt(saltKey: Uint8Array, loanId: string): string {
  checkSecretKey("saltKey", saltKey);
  return hmacSha256Hex(saltKey, loanId);
}

/** The leaf's preimage as ABI types and values: `[salt, ...canonicalLoanRecord(record).values]`. */
export function saltedLoanRecord(record: LoanRecord, salt: string): CanonicalLoanRecord {
  if (!isBytes32Hex(salt)) {
    throw new InvalidArgumentError("salt", "0x followed by 64 hex digits", describeBytes32(salt));
  }
  return leafPreimage(record, salt.toLowerCase());
}

/** `saltedLoanRecord` of a salt known to be lowercase 0x hex (the ABI encoder still checks its shape). */
function leafPreimage(record: LoanRecord, salt: string): CanonicalLoanRecord {
  const canonical = canonicalLoanRecord(record);
  // One of two constant type lists (the ABI encoder plans each list once).
  const types = canonical.types === CANONICAL_LOAN_TYPES ? LOAN_LEAF_TYPES : LOAN_LEAF_TYPES_DISCLOSURE;
  return { types, values: [salt, ...canonical.values] };
}

/** The loan's Merkle leaf: `keccak256(keccak256(abi.encode(salt, ...canonical values)))`, 0x hex. */
export function loanLeaf(record: LoanRecord, salt: string): string {
  return bytesToHex(loanLeafBytes(record, salt));
}

/** A loan's salt (`deriveLoanSalt`) and its leaf's 32 bytes, in one call: what committing a loan computes. */
export function saltedLoanLeaf(
  saltKey: Uint8Array,
  record: LoanRecord,
): { readonly salt: string; readonly leaf: Uint8Array } {
  const salt = deriveLoanSalt(saltKey, record.loanId);
  // The salt is HMAC output, lowercase hex: not checked again here (this runs once per loan of a tape).
  return { salt, leaf: leafOf(leafPreimage(record, salt)) };
}

/** `loanLeaf` as its 32 bytes. */
function loanLeafBytes(record: LoanRecord, salt: string): Uint8Array {
  return leafOf(saltedLoanRecord(record, salt));
}

/** The leaf of a preimage: `keccak256(keccak256(abi.encode(...)))`. */
function leafOf({ types, values }: CanonicalLoanRecord): Uint8Array {
  // Same bytes as AbiCoder.encode(types, values), ~100x faster: this runs once per loan of a tape.
  return keccak256Bytes(withFlatAbi(types, values, keccak256Bytes));
}

/** A Merkle tree over loan leaves, laid out exactly as OpenZeppelin's `StandardMerkleTree`. */
export interface LoanTree {
  /** The root, 0x hex: what the pool anchors. */
  readonly root: string;
  /** Number of leaves. */
  readonly length: number;
  /** The leaf given at position `index` (0-based, in the order the leaves were given). */
  leafAt(index: number): string;
  /**
   * The proof of the leaf given at position `index`, from the leaf's sibling up: the same array as
   * `StandardMerkleTree.getProof(index)`, and what `MerkleProof.verify` takes.
   */
  getProof(index: number): string[];
  /** Position (in the order given) of a leaf, or -1; with duplicate leaves, the first one. O(log n). */
  indexOf(leaf: string | Uint8Array): number;
}

/** Collects leaves compactly (32 bytes each, one growing buffer), then builds the tree. */
export class LoanTreeBuilder {
  #leaves = Buffer.alloc(NODE_BYTES * 1024);
  #count = 0;

  /** Adds a 32-byte leaf (0x hex or bytes); returns its position. */
  push(leaf: string | Uint8Array): number {
    const bytes = bytes32OrUndefined(leaf);
    if (bytes === undefined) {
      throw new MerkleTreeError(
        "MERKLE_NODE_INVALID",
        "a 32-byte leaf (0x followed by 64 hex digits, or 32 bytes)",
        `${describeBytes32(leaf)} at leaf ${this.#count}`,
      );
    }
    const offset = this.#count * NODE_BYTES;
    if (offset + NODE_BYTES > this.#leaves.length) {
      const grown = Buffer.alloc(this.#leaves.length * 2);
      this.#leaves.copy(grown, 0, 0, offset);
      this.#leaves = grown;
    }
    this.#leaves.set(bytes, offset);
    this.#count += 1;
    return this.#count - 1;
  }

  get length(): number {
    return this.#count;
  }

  /** Builds the tree of the leaves pushed so far; throws `MERKLE_TREE_EMPTY` if there are none. */
  build(): LoanTree {
    if (this.#count === 0) throw new MerkleTreeError("MERKLE_TREE_EMPTY", "at least one leaf", "none");
    return new PackedLoanTree(this.#leaves, this.#count);
  }
}

/** Builds the tree of `leaves` (32-byte hashes), reading them one at a time. */
export function buildLoanTree(leaves: Iterable<string | Uint8Array>): LoanTree {
  const builder = new LoanTreeBuilder();
  for (const leaf of leaves) builder.push(leaf);
  return builder.build();
}

/** OpenZeppelin's `standardNodeHash`: keccak256 of the two children, smaller first. */
function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const pair = new Uint8Array(2 * NODE_BYTES);
  const [first, second] = Buffer.compare(a, b) <= 0 ? [a, b] : [b, a];
  pair.set(first, 0);
  pair.set(second, NODE_BYTES);
  return keccak256Bytes(pair);
}

/**
 * StandardMerkleTree's layout: a complete binary tree in an array of `2n - 1` nodes, root at 0, the
 * children of node `i` at `2i + 1` and `2i + 2`, and the leaves, sorted ascending by their bytes, stored
 * from the END of the array backwards (the smallest leaf is the last node). Equal leaves keep the order
 * they were given in (OpenZeppelin sorts with a stable sort).
 */
class PackedLoanTree implements LoanTree {
  readonly root: string;
  readonly length: number;
  /** All `2n - 1` nodes, 32 bytes each, in StandardMerkleTree's array order. */
  readonly #nodes: Buffer;
  /** Tree index of the leaf given at each position. */
  readonly #treeIndexOf: Uint32Array;
  /** Position given of the leaf at each sorted rank (rank 0 = smallest leaf = last node). */
  readonly #positionOfRank: Uint32Array;

  constructor(leaves: Buffer, count: number) {
    const nodeCount = 2 * count - 1;
    const ranks = new Uint32Array(count).map((_, position) => position);
    ranks.sort((a, b) => {
      // The first 4 bytes decide almost every comparison; compare all 32 only on a tie.
      const byPrefix = leaves.readUInt32BE(a * NODE_BYTES) - leaves.readUInt32BE(b * NODE_BYTES);
      if (byPrefix !== 0) return byPrefix;
      const byBytes = leaves.compare(
        leaves,
        b * NODE_BYTES,
        (b + 1) * NODE_BYTES,
        a * NODE_BYTES,
        (a + 1) * NODE_BYTES,
      );
      return byBytes !== 0 ? byBytes : a - b;
    });
    const nodes = Buffer.alloc(nodeCount * NODE_BYTES);
    const treeIndexOf = new Uint32Array(count);
    ranks.forEach((position, rank) => {
      const treeIndex = nodeCount - 1 - rank;
      leaves.copy(nodes, treeIndex * NODE_BYTES, position * NODE_BYTES, (position + 1) * NODE_BYTES);
      treeIndexOf[position] = treeIndex;
    });
    for (let i = count - 2; i >= 0; i--) {
      nodes.set(hashPair(nodeAt(nodes, 2 * i + 1), nodeAt(nodes, 2 * i + 2)), i * NODE_BYTES);
    }
    this.#nodes = nodes;
    this.#treeIndexOf = treeIndexOf;
    this.#positionOfRank = ranks;
    this.length = count;
    this.root = bytesToHex(nodeAt(nodes, 0));
  }

  leafAt(index: number): string {
    return hexlify(nodeAt(this.#nodes, this.#treeIndex(index)));
  }

  getProof(index: number): string[] {
    const proof: string[] = [];
    for (let node = this.#treeIndex(index); node > 0; node = (node - 1) >> 1) {
      const sibling = node % 2 === 1 ? node + 1 : node - 1;
      proof.push(hexlify(nodeAt(this.#nodes, sibling)));
    }
    return proof;
  }

  indexOf(leaf: string | Uint8Array): number {
    const target = bytes32OrUndefined(leaf);
    if (target === undefined) {
      throw new MerkleTreeError("MERKLE_NODE_INVALID", "a 32-byte leaf", describeBytes32(leaf));
    }
    // Binary search for the lowest rank whose leaf is >= target.
    const leafOfRank = (rank: number): Buffer => nodeAt(this.#nodes, 2 * this.length - 2 - rank);
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (Buffer.compare(leafOfRank(middle), target) < 0) low = middle + 1;
      else high = middle;
    }
    if (low === this.length || Buffer.compare(leafOfRank(low), target) !== 0) return -1;
    return this.#positionOfRank[low] ?? -1;
  }

  #treeIndex(index: number): number {
    const treeIndex = Number.isInteger(index) ? this.#treeIndexOf[index] : undefined;
    if (treeIndex === undefined) {
      throw new MerkleTreeError(
        "MERKLE_INDEX_OUT_OF_RANGE",
        `a leaf index from 0 to ${this.length - 1}`,
        String(index),
      );
    }
    return treeIndex;
  }
}

/** The 32 bytes of node `index` (a view, not a copy). */
function nodeAt(nodes: Buffer, index: number): Buffer {
  return nodes.subarray(index * NODE_BYTES, (index + 1) * NODE_BYTES);
}

/**
 * Off-chain twin of OpenZeppelin's `MerkleProof.verify(proof, root, leaf)`: whether `proof` leads from
 * `leaf` to `root`. Throws `MERKLE_NODE_INVALID` if any input is not 32 bytes.
 */
export function verifyLoanProof(
  root: string | Uint8Array,
  leaf: string | Uint8Array,
  proof: readonly (string | Uint8Array)[],
): boolean {
  const parse = (value: string | Uint8Array, what: string): Uint8Array => {
    const bytes = bytes32OrUndefined(value);
    if (bytes === undefined) {
      throw new MerkleTreeError("MERKLE_NODE_INVALID", `a 32-byte ${what}`, describeBytes32(value));
    }
    return bytes;
  };
  const expectedRoot = parse(root, "root");
  const computed = proof.reduce<Uint8Array>(
    (node, sibling, step) => hashPair(node, parse(sibling, `proof element (#${step})`)),
    parse(leaf, "leaf"),
  );
  return Buffer.compare(computed, expectedRoot) === 0;
}

/** A committed tape: the root to anchor, the tree to serve proofs from, and the aggregates to anchor. */
export interface TapeCommitment {
  readonly root: string;
  readonly tree: LoanTree;
  readonly summary: TapeSummary;
}

export interface TapeCommitmentOptions {
  /** The originator's salt key (at least 32 bytes); keep it: it reopens every leaf. */
  readonly saltKey: Uint8Array;
}

/**
 * Commits a tape record by record (streaming): keeps each leaf (32 bytes), the running summary and the
 * loan ids seen (to reject a duplicate), never the records. A record that fails leaves the builder as it was.
 */
export class TapeCommitmentBuilder {
  readonly #saltKey: Uint8Array;
  readonly #leaves = new LoanTreeBuilder();
  readonly #summary = new TapeSummaryAccumulator();
  readonly #rowOfLoanId = new Map<string, number>();

  constructor(options: TapeCommitmentOptions) {
    checkSecretKey("saltKey", options.saltKey);
    this.#saltKey = Uint8Array.from(options.saltKey);
  }

  /**
   * Adds a checked record; returns its leaf. `row` (1-based, default: the record's ordinal) names the
   * record in errors. Throws `DuplicateLoanIdError` if the loan id was already added.
   */
  add(record: LoanRecord, row: number = this.#leaves.length + 1): string {
    const firstRow = this.#rowOfLoanId.get(record.loanId);
    if (firstRow !== undefined) throw new DuplicateLoanIdError(record.loanId, row, firstRow);
    const { leaf } = saltedLoanLeaf(this.#saltKey, record);
    this.#leaves.push(leaf);
    this.#summary.add(record);
    this.#rowOfLoanId.set(record.loanId, row);
    return bytesToHex(leaf);
  }

  get loanCount(): number {
    return this.#leaves.length;
  }

  /** The commitment of the records added so far; throws `MERKLE_TREE_EMPTY` if there are none. */
  finish(): TapeCommitment {
    const tree = this.#leaves.build();
    return { root: tree.root, tree, summary: this.#summary.result() };
  }
}

/** Commits a whole tape in one pass. */
export function commitTape(records: Iterable<LoanRecord>, options: TapeCommitmentOptions): TapeCommitment {
  const builder = new TapeCommitmentBuilder(options);
  for (const record of records) builder.add(record);
  return builder.finish();
}

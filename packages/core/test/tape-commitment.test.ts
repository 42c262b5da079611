import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { hexlify } from "ethers";
import fc from "fast-check";
import { CoreError, DuplicateLoanIdError } from "../src/errors";
import { type LoanRecord } from "../src/loan-record";
import { generateLoans } from "../src/synthetic-tape";
import {
  LOAN_LEAF_TYPES,
  LoanTreeBuilder,
  TapeCommitmentBuilder,
  buildLoanTree,
  commitTape,
  deriveLoanSalt,
  loanLeaf,
  saltedLoanRecord,
  verifyLoanProof,
  type LoanTree,
} from "../src/tape-commitment";
import { summarizeTape } from "../src/tape-summary";

const SALT_KEY = new Uint8Array(32).fill(0x5a);

/** An OpenZeppelin tree over single bytes32 values, and its leaf hashes in the order given. */
function ozTree(values: readonly string[]): { oz: StandardMerkleTree<string[]>; leaves: string[] } {
  const oz = StandardMerkleTree.of(
    values.map((value) => [value]),
    ["bytes32"],
  );
  return { oz, leaves: values.map((value) => oz.leafHash([value])) };
}

function expectSameTree(tree: LoanTree, oz: StandardMerkleTree<string[]>, leaves: readonly string[]): void {
  expect(tree.root).to.equal(oz.root);
  expect(tree.length).to.equal(oz.length);
  leaves.forEach((leaf, index) => {
    expect(tree.leafAt(index)).to.equal(leaf);
    expect(tree.getProof(index), `proof ${index}`).to.deep.equal(oz.getProof(index));
  });
}

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => hexlify(bytes));

describe("tape-commitment", () => {
  describe("deriveLoanSalt", () => {
    it("is HMAC-SHA256(saltKey, loanId) (RFC 4231 test case 6)", () => {
      const key = new Uint8Array(131).fill(0xaa);
      expect(deriveLoanSalt(key, "Test Using Larger Than Block-Size Key - Hash Key First")).to.equal(
        "0x60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
      );
    });

    it("rejects a key shorter than 32 bytes without echoing it", () => {
      expect(() => deriveLoanSalt(new Uint8Array(16).fill(7), "L1"))
        .to.throw(CoreError, "Invalid saltKey: expected a secret key of at least 32 bytes, found 16 bytes")
        .with.property("code", "INVALID_ARGUMENT");
    });
  });

  describe("loanLeaf", () => {
    it("is StandardMerkleTree's leaf over [salt, ...canonical record]", () => {
      for (const loan of generateLoans(25, 11)) {
        const salt = deriveLoanSalt(SALT_KEY, loan.loanId);
        const { types, values } = saltedLoanRecord(loan, salt);
        const oz = StandardMerkleTree.of([[...values]], [...types]);
        expect(loanLeaf(loan, salt)).to.equal(oz.leafHash([...values]));
      }
    });

    it("depends on the salt", () => {
      const [loan] = generateLoans(1, 1);
      if (loan === undefined) throw new Error("no loan");
      expect(loanLeaf(loan, "0x" + "00".repeat(32))).not.to.equal(loanLeaf(loan, "0x" + "00".repeat(31) + "01"));
    });

    it("rejects a salt that is not 32 bytes", () => {
      const [loan] = generateLoans(1, 1);
      if (loan === undefined) throw new Error("no loan");
      expect(() => loanLeaf(loan, "0x1234"))
        .to.throw(CoreError, 'Invalid salt: expected 0x followed by 64 hex digits, found "0x1234"')
        .with.property("code", "INVALID_ARGUMENT");
    });
  });

  describe("buildLoanTree", () => {
    it("matches StandardMerkleTree (root, leaves, every proof) for small sizes", () => {
      for (const size of [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 33]) {
        const values = Array.from({ length: size }, (_, i) => hexlify(new Uint8Array(32).fill(i * 37 + 1)));
        const { oz, leaves } = ozTree(values);
        expectSameTree(buildLoanTree(leaves), oz, leaves);
      }
    });

    it("matches StandardMerkleTree for random trees of 1..300 leaves, duplicates included", () => {
      const duplicate = hexlify(new Uint8Array(32).fill(0xee));
      fc.assert(
        fc.property(
          // Draw the size first: fc.array's own sizing would keep almost every tree under 12 leaves.
          fc.integer({ min: 1, max: 300 }).chain((size) =>
            fc.array(fc.oneof({ arbitrary: bytes32, weight: 19 }, { arbitrary: fc.constant(duplicate), weight: 1 }), {
              minLength: size,
              maxLength: size,
            }),
          ),
          (values) => {
            const { oz, leaves } = ozTree(values);
            expectSameTree(buildLoanTree(leaves), oz, leaves);
          },
        ),
        { numRuns: 30 },
      );
    });

    it("matches StandardMerkleTree past the builder's first buffer (1,100 leaves)", () => {
      const values = fc.sample(bytes32, { numRuns: 1100, seed: 42 });
      const { oz, leaves } = ozTree(values);
      const tree = buildLoanTree(leaves.map((leaf) => Buffer.from(leaf.slice(2), "hex")));
      expect(tree.root).to.equal(oz.root);
      for (const index of [0, 1, 1023, 1024, 1025, 1099]) {
        expect(tree.getProof(index)).to.deep.equal(oz.getProof(index));
      }
    });

    it("gives proofs that OpenZeppelin's verifier accepts", () => {
      const values = fc.sample(bytes32, { numRuns: 50, seed: 7 });
      const { oz, leaves } = ozTree(values);
      const tree = buildLoanTree(leaves);
      values.forEach((value, index) => {
        expect(StandardMerkleTree.verify(tree.root, ["bytes32"], [value], tree.getProof(index))).to.equal(true);
      });
      expect(oz.root).to.equal(tree.root);
    });

    it("finds a leaf's position with indexOf (first of duplicates, -1 if absent)", () => {
      const a = hexlify(new Uint8Array(32).fill(3));
      const b = hexlify(new Uint8Array(32).fill(1));
      const c = hexlify(new Uint8Array(32).fill(2));
      const tree = buildLoanTree([a, b, c, b]);
      expect([a, b, c].map((leaf) => tree.indexOf(leaf))).to.deep.equal([0, 1, 2]);
      expect(tree.indexOf(new Uint8Array(32).fill(4))).to.equal(-1);
      expect(tree.indexOf(new Uint8Array(32))).to.equal(-1);
      const many = fc.sample(bytes32, { numRuns: 200, seed: 3 });
      const manyTree = buildLoanTree(many);
      many.forEach((leaf, index) => expect(manyTree.indexOf(leaf)).to.equal(index));
    });

    it("treats hex case alike", () => {
      const leaf = "0x" + "Ab".repeat(32);
      expect(buildLoanTree([leaf]).root).to.equal(leaf.toLowerCase());
    });

    it("rejects no leaves, a leaf that is not 32 bytes, and an index out of range", () => {
      expect(() => buildLoanTree([]))
        .to.throw(CoreError, "Invalid Merkle tree input: expected at least one leaf, found none")
        .with.property("code", "MERKLE_TREE_EMPTY");
      expect(() => buildLoanTree(["0x" + "00".repeat(32), "0x1234"]))
        .to.throw(
          CoreError,
          'Invalid Merkle tree input: expected a 32-byte leaf (0x followed by 64 hex digits, or 32 bytes), found "0x1234" at leaf 1',
        )
        .with.property("code", "MERKLE_NODE_INVALID");
      expect(() => buildLoanTree([new Uint8Array(31)])).to.throw(CoreError, "found 31 bytes at leaf 0");
      expect(() => buildLoanTree(["00".repeat(32)]))
        .to.throw(CoreError)
        .with.property("code", "MERKLE_NODE_INVALID");
      const tree = buildLoanTree(fc.sample(bytes32, { numRuns: 5, seed: 1 }));
      for (const index of [-1, 5, 1.5, Number.NaN]) {
        expect(() => tree.getProof(index))
          .to.throw(CoreError, `Invalid Merkle tree input: expected a leaf index from 0 to 4, found ${index}`)
          .with.property("code", "MERKLE_INDEX_OUT_OF_RANGE");
        expect(() => tree.leafAt(index))
          .to.throw(CoreError)
          .with.property("code", "MERKLE_INDEX_OUT_OF_RANGE");
      }
    });

    it("LoanTreeBuilder can build, take more leaves, and build again", () => {
      const [first, second] = fc.sample(bytes32, { numRuns: 2, seed: 9 });
      if (first === undefined || second === undefined) throw new Error("no sample");
      const builder = new LoanTreeBuilder();
      expect(builder.push(first)).to.equal(0);
      const one = builder.build();
      expect(builder.push(second)).to.equal(1);
      expect(one.root).to.equal(first);
      expect(builder.build().root).to.equal(buildLoanTree([first, second]).root);
      expect(builder.length).to.equal(2);
    });
  });

  describe("verifyLoanProof", () => {
    const values = fc.sample(bytes32, { numRuns: 13, seed: 5 });
    const tree = buildLoanTree(values);

    it("accepts every leaf's proof", () => {
      values.forEach((leaf, index) => expect(verifyLoanProof(tree.root, leaf, tree.getProof(index))).to.equal(true));
    });

    it("rejects a wrong leaf, a wrong root, a tampered or truncated proof", () => {
      const proof = tree.getProof(4);
      const other = "0x" + "00".repeat(32);
      expect(verifyLoanProof(tree.root, values[5] ?? other, proof)).to.equal(false);
      expect(verifyLoanProof(other, values[4] ?? other, proof)).to.equal(false);
      expect(verifyLoanProof(tree.root, values[4] ?? other, [other, ...proof.slice(1)])).to.equal(false);
      expect(verifyLoanProof(tree.root, values[4] ?? other, proof.slice(0, -1))).to.equal(false);
    });

    it("verifies a one-leaf tree with an empty proof", () => {
      const [leaf = ""] = values;
      expect(buildLoanTree([leaf]).getProof(0)).to.deep.equal([]);
      expect(verifyLoanProof(leaf, leaf, [])).to.equal(true);
    });

    it("rejects a malformed node with MERKLE_NODE_INVALID", () => {
      const [leaf = ""] = values;
      expect(() => verifyLoanProof(tree.root, leaf, ["0xzz"]))
        .to.throw(CoreError, 'Invalid Merkle tree input: expected a 32-byte proof element (#0), found "0xzz"')
        .with.property("code", "MERKLE_NODE_INVALID");
      expect(() => verifyLoanProof(new Uint8Array(33), leaf, [])).to.throw(
        CoreError,
        "expected a 32-byte root, found 33 bytes",
      );
    });
  });

  describe("commitTape and TapeCommitmentBuilder", () => {
    const loans: LoanRecord[] = [...generateLoans(60, 2024)];

    it("commits to the same root and proofs as StandardMerkleTree over the salted records", () => {
      const commitment = commitTape(loans, { saltKey: SALT_KEY });
      const values = loans.map((loan) => [...saltedLoanRecord(loan, deriveLoanSalt(SALT_KEY, loan.loanId)).values]);
      const oz = StandardMerkleTree.of(values, [...LOAN_LEAF_TYPES]);
      expect(commitment.root).to.equal(oz.root);
      loans.forEach((_, index) => {
        const proof = commitment.tree.getProof(index);
        expect(proof).to.deep.equal(oz.getProof(index));
        expect(verifyLoanProof(commitment.root, commitment.tree.leafAt(index), proof)).to.equal(true);
      });
      expect(commitment.summary).to.deep.equal(summarizeTape(loans));
    });

    it("gives a different root under another salt key", () => {
      const other = new Uint8Array(32).fill(0x5b);
      expect(commitTape(loans, { saltKey: other }).root).not.to.equal(commitTape(loans, { saltKey: SALT_KEY }).root);
    });

    it("rejects a duplicate loan id, naming both rows, and stays as it was", () => {
      const builder = new TapeCommitmentBuilder({ saltKey: SALT_KEY });
      loans.slice(0, 3).forEach((loan) => builder.add(loan));
      const [, second] = loans;
      if (second === undefined) throw new Error("no loan");
      expect(() => builder.add({ ...second, currentPrincipalCents: 1n }))
        .to.throw(
          DuplicateLoanIdError,
          `Duplicate loan id at row 4: expected each loan id once per tape, found "${second.loanId}" already at row 2`,
        )
        .with.property("code", "DUPLICATE_LOAN_ID");
      expect(builder.loanCount).to.equal(3);
      expect(builder.finish().root).to.equal(commitTape(loans.slice(0, 3), { saltKey: SALT_KEY }).root);
      expect(() => builder.add(second, 120))
        .to.throw(DuplicateLoanIdError, "at row 120")
        .with.property("firstRow", 2);
    });

    it("returns each record's leaf from add", () => {
      const builder = new TapeCommitmentBuilder({ saltKey: SALT_KEY });
      const leaves = loans.map((loan) => builder.add(loan));
      expect(leaves).to.deep.equal(loans.map((loan) => loanLeaf(loan, deriveLoanSalt(SALT_KEY, loan.loanId))));
      const tree = builder.finish().tree;
      leaves.forEach((leaf, index) => expect(tree.indexOf(leaf)).to.equal(index));
    });

    it("refuses an empty tape and a short salt key", () => {
      expect(() => commitTape([], { saltKey: SALT_KEY }))
        .to.throw(CoreError)
        .with.property("code", "MERKLE_TREE_EMPTY");
      expect(() => new TapeCommitmentBuilder({ saltKey: new Uint8Array(31) }))
        .to.throw(CoreError, "found 31 bytes")
        .with.property("code", "INVALID_ARGUMENT");
    });
  });
});

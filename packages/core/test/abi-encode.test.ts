import { expect } from "chai";
import { AbiCoder, hexlify } from "ethers";
import fc from "fast-check";
import { encodeFlatAbi, type FlatAbiValue } from "../src/abi-encode";
import { CoreError } from "../src/errors";
import { encodeLoanRecord, canonicalLoanRecord } from "../src/loan-record";
import { generateLoans } from "../src/synthetic-tape";

const UINT_BITS = [8, 16, 32, 64, 128, 256] as const;

/** A random ABI type of the supported kinds, with a random value of that type. */
const typedValue: fc.Arbitrary<[string, FlatAbiValue]> = fc.oneof(
  fc
    .constantFrom(...UINT_BITS)
    .chain((bits) =>
      fc
        .bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n })
        .map((value): [string, FlatAbiValue] => [`uint${bits}`, bits <= 32 ? Number(value) : value]),
    ),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes): [string, FlatAbiValue] => ["bytes32", hexlify(bytes)]),
  fc.string({ unit: "binary", maxLength: 80 }).map((text): [string, FlatAbiValue] => ["string", text]),
  fc
    .constantFrom("", "x".repeat(31), "x".repeat(32), "x".repeat(33), "浙江", "Zhejiang")
    .map((text): [string, FlatAbiValue] => ["string", text]),
);

describe("abi-encode", () => {
  it("produces the same bytes as ethers' AbiCoder for random flat argument lists", () => {
    fc.assert(
      fc.property(fc.array(typedValue, { minLength: 0, maxLength: 24 }), (pairs) => {
        const types = pairs.map(([type]) => type);
        const values = pairs.map(([, value]) => value);
        expect(hexlify(encodeFlatAbi(types, values))).to.equal(AbiCoder.defaultAbiCoder().encode(types, values));
      }),
      { numRuns: 300 },
    );
  });

  it("produces the same bytes as encodeLoanRecord for synthetic loans", () => {
    for (const loan of generateLoans(300, 77)) {
      const { types, values } = canonicalLoanRecord(loan);
      expect(hexlify(encodeFlatAbi(types, values))).to.equal(encodeLoanRecord(loan));
    }
  });

  it("refuses what it cannot encode exactly", () => {
    const cases: [string[], FlatAbiValue[], string][] = [
      [["uint8"], [256], "Invalid value 0: expected a value of ABI type uint8, found 256"],
      [["uint128"], [-1n], "Invalid value 0: expected a value of ABI type uint128, found -1"],
      [["uint64"], [1.5], "Invalid value 0: expected a value of ABI type uint64, found 1.5"],
      [["uint64"], ["12"], 'Invalid value 0: expected a value of ABI type uint64, found "12"'],
      [["string"], [12], "Invalid value 0: expected a value of ABI type string, found 12"],
      [["bytes32"], ["0x12"], 'Invalid value 0: expected a value of ABI type bytes32, found "0x12"'],
      [["int256"], [1n], 'Invalid types: expected uint8..uint256, bytes32 or string, found "int256"'],
      [["uint7"], [1], 'Invalid types: expected uint8..uint256, bytes32 or string, found "uint7"'],
      [["bytes"], ["0x"], 'Invalid types: expected uint8..uint256, bytes32 or string, found "bytes"'],
      [["uint8", "uint8"], [1], "Invalid values: expected 2 values, one per type, found 1 values"],
    ];
    for (const [types, values, message] of cases) {
      expect(() => encodeFlatAbi(types, values), message)
        .to.throw(CoreError, message)
        .with.property("code", "INVALID_ARGUMENT");
    }
  });
});

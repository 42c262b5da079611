/**
 * The loan record's check without zod (`shapeWithoutZod`, the fast path of `safeParseLoanRecord`) against zod's own
 * `loanRecordShape`: on records and near misses drawn at random, whatever the fast path accepts, zod accepts as the
 * same record (same values, same key order); and the plain forms a tape row gives are always decided without zod.
 */
import { expect } from "chai";
import fc from "fast-check";
import { generateLoans } from "../src/synthetic-tape";
import {
  type LoanRecord,
  LOAN_RECORD_FIELDS,
  loanRecordJson,
  loanRecordShape,
  shapeWithoutZod,
} from "../src/loan-record";

const sample: readonly LoanRecord[] = [...generateLoans(200, 20261206, { asOfDate: "2026-06-30" })];

const asText = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? `${item}n` : item));

/** Values that sit at or just past a rule's edge, or are of another type. */
const NEAR_MISSES: readonly unknown[] = [
  undefined,
  null,
  "",
  " ",
  "A ",
  " A",
  "A\u202eB",
  "e\u0301",
  "é",
  "A\u200b",
  "A\tB",
  "ABCDEFGHI",
  "x".repeat(17),
  "x".repeat(33),
  "x".repeat(65),
  "L-1.2_3",
  "L 1",
  "0x" + "AB".repeat(32),
  "0x" + "ab".repeat(31),
  "0X" + "ab".repeat(32),
  "2024-02-29",
  "2023-02-29",
  "1969-12-31",
  "1970-01-01",
  "2024-2-01",
  "2024-13-01",
  "0",
  "007",
  "1".repeat(39),
  "1".repeat(40),
  "1000000000000000000",
  "1000000000000000001",
  "-1",
  "1.5",
  0,
  -0,
  1,
  -1,
  1.5,
  NaN,
  Infinity,
  1200,
  1201,
  9999,
  10000,
  65535,
  65536,
  2 ** 53,
  0n,
  1n,
  -1n,
  10n ** 18n,
  10n ** 18n + 1n,
  2n ** 128n - 1n,
  2n ** 128n,
  "level",
  "monthly",
  "current",
  "prepaid",
  "verified",
  "employed",
  "online",
  "floating",
  "CN-GD",
  "DE300",
  "cn-gd",
  true,
  [],
  {},
];

const recordInput = (record: LoanRecord): Record<string, unknown> => ({ ...record });

const mutatedInput = fc
  .record({
    base: fc.integer({ min: 0, max: sample.length - 1 }),
    edits: fc.array(
      fc.record({
        field: fc.constantFrom(...LOAN_RECORD_FIELDS, "nationalId", "__proto__x"),
        value: fc.constantFrom(...NEAR_MISSES),
        remove: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ base, edits }) => {
    const input = recordInput(sample[base] ?? (sample[0] as LoanRecord));
    for (const { field, value, remove } of edits) {
      if (remove) delete input[field];
      else input[field] = value;
    }
    return input;
  });

describe("the loan record's check without zod", () => {
  it("never accepts what zod refuses, and accepts as the same record (values and key order)", () => {
    let decided = 0;
    fc.assert(
      fc.property(mutatedInput, (input) => {
        const fast = shapeWithoutZod(input);
        if (fast === undefined) return;
        decided += 1;
        const zod = loanRecordShape.safeParse(input);
        expect(zod.success, `zod refuses ${asText(input)}: ${zod.error?.message ?? ""}`).to.equal(true);
        expect(asText(fast)).to.equal(asText(zod.data));
      }),
      { numRuns: 3000, seed: 20261206 },
    );
    expect(decided, "records the fast path decided").to.be.greaterThan(300);
  });

  it("agrees with zod on every single near miss in every field (each value of the list in each field)", () => {
    let decided = 0;
    for (const base of sample.slice(0, 4)) {
      for (const field of LOAN_RECORD_FIELDS) {
        for (const value of NEAR_MISSES) {
          const input = { ...recordInput(base), [field]: value };
          const fast = shapeWithoutZod(input);
          if (fast === undefined) continue;
          decided += 1;
          const zod = loanRecordShape.safeParse(input);
          expect(zod.success, `${field} = ${asText(value)}: zod refuses it`).to.equal(true);
          expect(asText(fast), `${field} = ${asText(value)}`).to.equal(asText(zod.data));
        }
      }
    }
    expect(decided).to.be.greaterThan(100);
  });

  it("decides every record of a synthetic tape alone, also with amounts as digit strings", () => {
    for (const record of sample) {
      expect(asText(shapeWithoutZod(recordInput(record)))).to.equal(asText(loanRecordShape.parse(record)));
      const asDigits = { ...record, originalPrincipalCents: String(record.originalPrincipalCents) };
      expect(shapeWithoutZod(asDigits)).to.deep.equal(loanRecordShape.parse(asDigits));
    }
  });

  it("leaves to zod what it cannot decide: a non-ASCII label, an unknown field, a missing field, a class instance", () => {
    const record = sample[0] as LoanRecord;
    expect(shapeWithoutZod({ ...record, region: "浙江" })).to.equal(undefined);
    expect(loanRecordShape.safeParse({ ...record, region: "浙江" }).success).to.equal(true);
    expect(shapeWithoutZod({ ...record, nationalId: "x" })).to.equal(undefined);
    const { loanId: _dropped, ...withoutId } = record;
    expect(shapeWithoutZod(withoutId)).to.equal(undefined);
    expect(shapeWithoutZod(Object.assign(Object.create({ inherited: 1 }) as object, record))).to.equal(undefined);
  });

  it("writes a record's JSON exactly as JSON.stringify with bigints as strings, whatever its labels hold", () => {
    const replaced = (value: unknown) =>
      JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
    const withDisclosure = [...generateLoans(100, 7, { asOfDate: "2026-06-30", disclosure: true })];
    const labels = fc.constantFrom('a"b', "a\\b", "浙江", "A\u2028B", "e\u0301", "\u0000", "x");
    fc.assert(
      fc.property(fc.constantFrom(...sample, ...withDisclosure), labels, labels, (record, region, grade) => {
        const edited = { ...record, region, creditGrade: grade };
        expect(loanRecordJson(edited)).to.equal(replaced(edited));
        expect(loanRecordJson(record)).to.equal(replaced(record));
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

import { expect } from "chai";
import { AbiCoder } from "ethers";
import { z } from "zod";
import { CoreError, LoanRecordError } from "../src/errors";
import {
  CANONICAL_LOAN_FIELDS,
  CANONICAL_LOAN_TYPES,
  LOAN_RECORD_FIELDS,
  canonicalLoanRecord,
  encodeLoanRecord,
  loanRecordSchema,
  loanRecordShape,
  parseLoanRecord,
  safeParseLoanRecord,
  type LoanRecord,
} from "../src/loan-record";

const BORROWER = "0x" + "ab".repeat(32);

/** A valid record; every test below breaks exactly what it is about. */
function validInput(): Record<string, unknown> {
  return {
    loanId: "L-2024.001_A",
    borrowerId: BORROWER,
    originationDate: "2024-01-01",
    maturityDate: "2027-01-01",
    originalPrincipalCents: 10_000_000n,
    currentPrincipalCents: 7_500_000n,
    rateWad: 85_000_000_000_000_000n,
    termMonths: 36,
    remainingTermMonths: 18,
    amortization: "level",
    paymentFrequency: "monthly",
    status: "current",
    daysPastDue: 0,
    creditGrade: "B",
    region: "Zhejiang",
    productType: "auto",
    collateralType: "vehicle",
    collateralValueCents: 12_000_000n,
  };
}

function record(overrides: Record<string, unknown> = {}): LoanRecord {
  return parseLoanRecord({ ...validInput(), ...overrides });
}

/** The LoanRecordError thrown for `input` at row 7. */
function errorFor(input: unknown): LoanRecordError {
  const result = safeParseLoanRecord(input, { row: 7 });
  if (result.success) throw new Error("expected the record to be rejected");
  expect(result.error).to.be.instanceOf(CoreError);
  expect(result.error.code).to.equal("LOAN_RECORD_INVALID");
  expect(result.error.retryable).to.equal(false);
  return result.error;
}

function messageFor(overrides: Record<string, unknown>): string {
  return errorFor({ ...validInput(), ...overrides }).message;
}

const LABEL_32 =
  "a label of 1-32 characters (no control or format characters such as U+202E, no spaces at either end, Unicode NFC)";

describe("loan-record", () => {
  it("lists every schema field in LOAN_RECORD_FIELDS, in order", () => {
    expect(Object.keys(loanRecordShape.shape)).to.deep.equal([...LOAN_RECORD_FIELDS]);
  });

  describe("parseLoanRecord", () => {
    it("accepts a valid record as is", () => {
      expect(parseLoanRecord(validInput())).to.deep.equal(validInput());
    });

    it("accepts a record without collateral", () => {
      const { collateralType: _type, collateralValueCents: _value, ...unsecured } = validInput();
      expect(parseLoanRecord(unsecured)).to.deep.equal(unsecured);
    });

    it("lowercases the borrower id and reads digit strings as bigint", () => {
      const parsed = record({
        borrowerId: "0x" + "AB".repeat(32),
        originalPrincipalCents: "10000000",
        currentPrincipalCents: "0",
        rateWad: "1000000000000000000",
      });
      expect(parsed.borrowerId).to.equal(BORROWER);
      expect(parsed.originalPrincipalCents).to.equal(10_000_000n);
      expect(parsed.currentPrincipalCents).to.equal(0n);
      expect(parsed.rateWad).to.equal(10n ** 18n);
    });

    it("accepts the boundaries: rate 0% and 100%, zero days past due, remaining term 0 and = term", () => {
      expect(() => record({ rateWad: 0n, remainingTermMonths: 0 })).not.to.throw();
      expect(() => record({ rateWad: 10n ** 18n, remainingTermMonths: 36 })).not.to.throw();
      expect(() => record({ currentPrincipalCents: 10_000_000n })).not.to.throw();
    });

    it("throws with the row, the field, what was expected and what was found", () => {
      expect(() => parseLoanRecord({ ...validInput(), loanId: "bad id!" }, { row: 7 }))
        .to.throw(
          LoanRecordError,
          `Invalid loan record at row 7, field "loanId": expected a loan id of 1-64 characters from A-Z, a-z, 0-9, '.', '_', '-', found "bad id!"`,
        )
        .with.property("code", "LOAN_RECORD_INVALID");
    });

    it("names the column when the caller gives the tape's columns", () => {
      const result = safeParseLoanRecord({ ...validInput(), rateWad: 0.085 }, { row: 3, columns: { rateWad: 7 } });
      if (result.success) throw new Error("expected a failure");
      expect(result.error.message).to.equal(
        'Invalid loan record at row 3, column 7, field "rateWad": expected an annual rate as a wad from 0 (0%) to 10^18 (100%), as a bigint or a string of digits, found the number 0.085',
      );
      expect([result.error.row, result.error.column, result.error.field]).to.deep.equal([3, 7, "rateWad"]);
    });

    it("rejects each malformed field with an exact message", () => {
      const cases: [Record<string, unknown>, string][] = [
        [
          { loanId: "" },
          `field "loanId": expected a loan id of 1-64 characters from A-Z, a-z, 0-9, '.', '_', '-', found ""`,
        ],
        [
          { loanId: "x".repeat(65) },
          `field "loanId": expected a loan id of 1-64 characters from A-Z, a-z, 0-9, '.', '_', '-', found "${"x".repeat(65)}"`,
        ],
        [
          { borrowerId: "0x1234" },
          'field "borrowerId": expected a pseudonymous borrower id: 0x followed by 64 hex digits, found "0x1234"',
        ],
        [
          { borrowerId: "Zhang San" },
          'field "borrowerId": expected a pseudonymous borrower id: 0x followed by 64 hex digits, found "Zhang San"',
        ],
        [
          { originationDate: "2023-02-29" },
          'field "originationDate": expected a calendar date yyyy-mm-dd on or after 1970-01-01, found "2023-02-29"',
        ],
        [
          { originationDate: "1969-12-31" },
          'field "originationDate": expected a calendar date yyyy-mm-dd on or after 1970-01-01, found "1969-12-31"',
        ],
        [
          { maturityDate: "01/01/2027" },
          'field "maturityDate": expected a calendar date yyyy-mm-dd on or after 1970-01-01, found "01/01/2027"',
        ],
        [
          { originalPrincipalCents: 100 },
          'field "originalPrincipalCents": expected whole cents from 1 to 2^128-1, as a bigint or a string of digits, found the number 100',
        ],
        [
          { originalPrincipalCents: 0n, currentPrincipalCents: 0n },
          'field "originalPrincipalCents": expected whole cents from 1 to 2^128-1, as a bigint or a string of digits, found 0',
        ],
        [
          { originalPrincipalCents: 2n ** 128n },
          `field "originalPrincipalCents": expected whole cents from 1 to 2^128-1, as a bigint or a string of digits, found ${2n ** 128n}`,
        ],
        [
          { currentPrincipalCents: -1n },
          'field "currentPrincipalCents": expected whole cents from 0 to 2^128-1, as a bigint or a string of digits, found -1',
        ],
        [
          { currentPrincipalCents: "75000.00" },
          'field "currentPrincipalCents": expected whole cents from 0 to 2^128-1, as a bigint or a string of digits, found "75000.00"',
        ],
        [
          { rateWad: 10n ** 18n + 1n },
          'field "rateWad": expected an annual rate as a wad from 0 (0%) to 10^18 (100%), as a bigint or a string of digits, found 1000000000000000001',
        ],
        [
          { termMonths: 12.5 },
          'field "termMonths": expected a whole number of months from 1 to 1200, found the number 12.5',
        ],
        [
          { termMonths: 0, remainingTermMonths: 0 },
          'field "termMonths": expected a whole number of months from 1 to 1200, found the number 0',
        ],
        [{ termMonths: "36" }, 'field "termMonths": expected a whole number of months from 1 to 1200, found "36"'],
        [
          { remainingTermMonths: -1 },
          'field "remainingTermMonths": expected a whole number of months from 0 to 1200, found the number -1',
        ],
        [
          { amortization: "annuity" },
          'field "amortization": expected one of "level", "equal-principal", "interest-only", "bullet", found "annuity"',
        ],
        [
          { paymentFrequency: "weekly" },
          'field "paymentFrequency": expected one of "monthly", "quarterly", "semi-annual", "annual", found "weekly"',
        ],
        [
          { status: "paid" },
          'field "status": expected one of "current", "delinquent", "defaulted", "prepaid", "repurchased", found "paid"',
        ],
        [
          { daysPastDue: -3 },
          'field "daysPastDue": expected a whole number of days from 0 to 65535, found the number -3',
        ],
        [{ daysPastDue: null }, 'field "daysPastDue": expected a whole number of days from 0 to 65535, found null'],
        [
          { creditGrade: "AAA-PLUS+" },
          'field "creditGrade": expected a label of 1-8 characters (no control or format characters such as U+202E, no spaces at either end, Unicode NFC), found "AAA-PLUS+"',
        ],
        [{ region: " Zhejiang" }, `field "region": expected ${LABEL_32}, found " Zhejiang"`],
        [{ region: "Zhe\tjiang" }, `field "region": expected ${LABEL_32}, found "Zhe\\tjiang"`],
        [{ region: "" }, `field "region": expected ${LABEL_32}, found ""`],
        // A right-to-left override and a zero-width joiner (format characters): refused, and shown escaped.
        [{ region: "Zhe\u202Ejiang" }, `field "region": expected ${LABEL_32}, found "Zhe\\u202ejiang"`],
        [{ productType: "auto\u200D" }, `field "productType": expected ${LABEL_32}, found "auto\\u200d"`],
        [{ productType: "e\u0301" }, `field "productType": expected ${LABEL_32}, found "e\u0301"`],
        [{ collateralType: "x".repeat(33) }, `field "collateralType": expected ${LABEL_32}, found "${"x".repeat(33)}"`],
        [
          { collateralValueCents: true },
          'field "collateralValueCents": expected whole cents from 0 to 2^128-1, as a bigint or a string of digits, found the boolean true',
        ],
      ];
      for (const [overrides, message] of cases) {
        expect(messageFor(overrides), JSON.stringify(Object.keys(overrides))).to.equal(
          `Invalid loan record at row 7, ${message}`,
        );
      }
    });

    it("reports a missing field as missing", () => {
      const { borrowerId: _borrowerId, ...input } = validInput();
      expect(errorFor(input).message).to.equal(
        'Invalid loan record at row 7, field "borrowerId": expected a pseudonymous borrower id: 0x followed by 64 hex digits, found nothing (the field is missing)',
      );
    });

    it("rejects extra fields (no personal data) without echoing their values", () => {
      const error = errorFor({ ...validInput(), borrowerName: "Zhang San", idCardNumber: "110101199003074514" });
      expect(error.message).to.equal(
        'Invalid loan record at row 7, field "borrowerName": expected only the loan template\'s fields (no personal data, no extra columns), found an unexpected field "borrowerName" (and 1 more)',
      );
      expect(error.issues.map((issue) => issue.field)).to.deep.equal(["borrowerName", "idCardNumber"]);
      expect(JSON.stringify(error.issues)).not.to.contain("Zhang San");
      expect(JSON.stringify(error.issues)).not.to.contain("110101199003074514");
    });

    it("rejects a non-object", () => {
      for (const [input, found] of [
        [null, "null"],
        [[1, 2], "an array"],
        ["L1,0xab", '"L1,0xab"'],
        [undefined, "nothing (the field is missing)"],
      ] as const) {
        expect(errorFor(input).message).to.equal(
          `Invalid loan record at row 7, field "(record)": expected an object with the loan template's fields, found ${found}`,
        );
      }
    });

    it("reports every bad field, in template order", () => {
      const error = errorFor({ ...validInput(), status: "paid", loanId: "", termMonths: -1 });
      expect(error.issues.map((issue) => issue.field)).to.deep.equal(["loanId", "termMonths", "status"]);
      expect(error.message).to.match(/^Invalid loan record at row 7, field "loanId": .* \(and 2 more\)$/);
    });

    it("checks the cross-field rules with exact messages", () => {
      const cases: [Record<string, unknown>, string][] = [
        [
          { currentPrincipalCents: 10_000_001n },
          'field "currentPrincipalCents": expected at most originalPrincipalCents (10000000), found 10000001',
        ],
        [{ remainingTermMonths: 37 }, 'field "remainingTermMonths": expected at most termMonths (36), found 37'],
        [
          { maturityDate: "2024-01-01" },
          'field "maturityDate": expected a date after originationDate (2024-01-01), found "2024-01-01"',
        ],
        [
          { maturityDate: "2023-12-31" },
          'field "maturityDate": expected a date after originationDate (2024-01-01), found "2023-12-31"',
        ],
        [
          { paymentFrequency: "quarterly", termMonths: 13, remainingTermMonths: 13 },
          'field "termMonths": expected a multiple of 3 months for quarterly payments, found 13',
        ],
        [
          { paymentFrequency: "annual", termMonths: 18, remainingTermMonths: 6 },
          'field "termMonths": expected a multiple of 12 months for annual payments, found 18',
        ],
        [{ daysPastDue: 5 }, 'field "daysPastDue": expected 0 for a loan with status "current", found 5'],
        [
          { status: "delinquent", daysPastDue: 0 },
          'field "daysPastDue": expected at least 1 for a loan with status "delinquent", found 0',
        ],
        [
          { status: "prepaid", currentPrincipalCents: 1n },
          'field "currentPrincipalCents": expected 0 for a loan with status "prepaid", found 1',
        ],
        [
          { status: "prepaid", currentPrincipalCents: 0n, daysPastDue: 3 },
          'field "daysPastDue": expected 0 for a loan with status "prepaid", found 3',
        ],
        [
          { collateralValueCents: undefined },
          'field "collateralValueCents": expected a collateral value, since collateralType is given, found nothing (the field is missing)',
        ],
        [
          { collateralType: undefined },
          'field "collateralType": expected a collateral type, since collateralValueCents is given, found nothing (the field is missing)',
        ],
      ];
      for (const [overrides, message] of cases) {
        expect(
          messageFor(overrides),
          JSON.stringify(overrides, (_, v: unknown) => String(v)),
        ).to.equal(`Invalid loan record at row 7, ${message}`);
      }
    });

    it("accepts statuses with consistent days past due", () => {
      expect(() => record({ status: "delinquent", daysPastDue: 1 })).not.to.throw();
      expect(() => record({ status: "defaulted", daysPastDue: 0 })).not.to.throw();
      expect(() => record({ status: "defaulted", daysPastDue: 200 })).not.to.throw();
      expect(() => record({ status: "prepaid", currentPrincipalCents: 0n })).not.to.throw();
      expect(() => record({ status: "repurchased" })).not.to.throw();
    });
  });

  describe("loanRecordSchema", () => {
    it("composes into other zod schemas with the same checks and messages", () => {
      const batch = z.array(loanRecordSchema);
      expect(batch.parse([validInput()])).to.deep.equal([validInput()]);
      const result = batch.safeParse([validInput(), { ...validInput(), currentPrincipalCents: 10_000_001n }]);
      if (result.success) throw new Error("expected a failure");
      expect(result.error.issues.map((issue) => [issue.path, issue.message])).to.deep.equal([
        [[1, "currentPrincipalCents"], "expected at most originalPrincipalCents (10000000), found 10000001"],
      ]);
    });

    it("reports unexpected fields at the record itself", () => {
      const result = loanRecordSchema.safeParse({ ...validInput(), phone: "13800000000" });
      if (result.success) throw new Error("expected a failure");
      expect(result.error.issues.map((issue) => issue.path)).to.deep.equal([[]]);
      expect(result.error.issues[0]?.message).to.equal(
        'expected only the loan template\'s fields (no personal data, no extra columns), found an unexpected field "phone"',
      );
    });
  });

  describe("canonicalLoanRecord", () => {
    it("is the documented flat tuple: version, dates as epoch days, enums as indexes", () => {
      const canonical = canonicalLoanRecord(record({ amortization: "bullet", status: "delinquent", daysPastDue: 45 }));
      expect(canonical.types).to.deep.equal(CANONICAL_LOAN_FIELDS.map((field) => field.type));
      expect(canonical.values).to.deep.equal([
        1,
        "L-2024.001_A",
        BORROWER,
        19_723, // 2024-01-01
        20_819, // 2027-01-01
        10_000_000n,
        7_500_000n,
        85_000_000_000_000_000n,
        36,
        18,
        3, // bullet
        0, // monthly
        1, // delinquent
        45,
        "B",
        "Zhejiang",
        "auto",
        "vehicle",
        12_000_000n,
      ]);
    });

    it("encodes absent collateral as an empty type and a zero value", () => {
      const { collateralType: _type, collateralValueCents: _value, ...unsecured } = validInput();
      const values = canonicalLoanRecord(parseLoanRecord(unsecured)).values;
      expect(values.slice(-2)).to.deep.equal(["", 0n]);
    });

    it("encodeLoanRecord is abi.encode of the flat tuple: it decodes back to the record's values", () => {
      const decoded = AbiCoder.defaultAbiCoder().decode([...CANONICAL_LOAN_TYPES], encodeLoanRecord(record()));
      expect(decoded.toArray().map(String)).to.deep.equal(
        [
          "1",
          "L-2024.001_A",
          BORROWER,
          "19723",
          "20819",
          "10000000",
          "7500000",
          "85000000000000000",
          "36",
          "18",
        ].concat(["0", "0", "0", "0", "B", "Zhejiang", "auto", "vehicle", "12000000"]),
      );
    });

    it("changes when any single field changes", () => {
      const base = encodeLoanRecord(record());
      const changes: Record<string, unknown>[] = [
        { loanId: "L-2024.001_B" },
        { borrowerId: "0x" + "cd".repeat(32) },
        { originationDate: "2024-01-02" },
        { maturityDate: "2027-01-02" },
        { originalPrincipalCents: 10_000_001n },
        { currentPrincipalCents: 7_500_001n },
        { rateWad: 85_000_000_000_000_001n },
        { termMonths: 48 },
        { remainingTermMonths: 17 },
        { amortization: "equal-principal" },
        { paymentFrequency: "quarterly" },
        { status: "repurchased" },
        { status: "defaulted", daysPastDue: 0 },
        { creditGrade: "C" },
        { region: "Jiangsu" },
        { productType: "consumer" },
        { collateralType: "equipment" },
        { collateralValueCents: 12_000_001n },
        { collateralType: undefined, collateralValueCents: undefined },
      ];
      const seen = new Set([base]);
      for (const change of changes) seen.add(encodeLoanRecord(record(change)));
      expect(seen.size).to.equal(changes.length + 1);
    });
  });
});

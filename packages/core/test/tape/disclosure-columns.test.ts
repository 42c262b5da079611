import { expect } from "chai";
import { AbiCoder } from "ethers";
import {
  CANONICAL_LOAN_TYPES,
  CANONICAL_LOAN_TYPES_DISCLOSURE,
  DISCLOSURE_FIELDS,
  LOAN_TEMPLATE_VERSION_DISCLOSURE,
  canonicalLoanRecord,
  encodeLoanRecord,
  hasDisclosureFields,
  loanRecordJson,
  parseLoanRecord,
  type LoanRecord,
} from "../../src/loan-record";
import { generateLoans } from "../../src/synthetic-tape";
import { commitTape, loanLeaf } from "../../src/tape-commitment";
import { tapeCsvHeader } from "../../src/tape/csv-writer";
import { DISCLOSURE_TAPE_COLUMNS, recordToCells, recordToDisclosureCells } from "../../src/tape/template";
import { KEY, csvText, validate, where } from "./fixtures";

const COMMIT = { saltKey: KEY, borrowerKey: KEY };
const SALT = `0x${"11".repeat(32)}`;

function disclosureRows(records: readonly LoanRecord[]): string[][] {
  return records.map((r) => [...recordToCells(r), ...recordToDisclosureCells(r)]);
}

describe("tape/the optional disclosure columns", () => {
  const plain = [...generateLoans(200, 9)];
  const extended = [...generateLoans(200, 9, { disclosure: true })];

  it("synthetic disclosure values leave every other field of the record as it was", () => {
    extended.forEach((record, i) => {
      const base = plain[i] as LoanRecord;
      const without = Object.fromEntries(
        Object.entries(record).filter(([key]) => !(DISCLOSURE_FIELDS as readonly string[]).includes(key)),
      );
      expect(without).to.deep.equal(base);
      expect(hasDisclosureFields(record)).to.equal(true);
    });
    expect(extended.some((r) => r.rateType === "floating" && r.rateMarginWad !== undefined)).to.equal(true);
  });

  it("a record without them encodes as template version 1 exactly as before; with them as version 2", () => {
    const v1 = canonicalLoanRecord(plain[0] as LoanRecord);
    expect(v1.types).to.equal(CANONICAL_LOAN_TYPES);
    expect(v1.values[0]).to.equal(1);
    const v2 = canonicalLoanRecord(extended[0] as LoanRecord);
    expect(v2.types).to.equal(CANONICAL_LOAN_TYPES_DISCLOSURE);
    expect(v2.values[0]).to.equal(LOAN_TEMPLATE_VERSION_DISCLOSURE);
    const decoded = AbiCoder.defaultAbiCoder().decode(
      [...CANONICAL_LOAN_TYPES_DISCLOSURE],
      encodeLoanRecord(extended[0] as LoanRecord),
    );
    expect(decoded.length).to.equal(CANONICAL_LOAN_TYPES_DISCLOSURE.length);
  });

  it("the encoding tells a present zero from an absent field (the presence bit set)", () => {
    const base = plain[1] as LoanRecord;
    const absent = { ...base, creditScoreType: "X", creditScore: 1 };
    const zeroIncome = { ...absent, annualIncomeCents: 0n };
    expect(loanLeaf(absent, SALT)).to.not.equal(loanLeaf(zeroIncome, SALT));
    const restructuredAtEpoch = { ...absent, restructuringDate: "1970-01-01" };
    expect(restructuredAtEpoch.restructuringDate < base.originationDate).to.equal(true);
    expect(() => parseLoanRecord(restructuredAtEpoch)).to.throw(/restructuringDate/);
  });

  it("round-trips through the stored JSON with every field", () => {
    for (const record of extended.slice(0, 50)) {
      expect(parseLoanRecord(JSON.parse(loanRecordJson(record)))).to.deep.equal(record);
    }
  });

  it("a tape with the columns validates into records that carry them, committed as version 2 leaves", async () => {
    const header = tapeCsvHeader(false, true);
    expect(header.slice(-DISCLOSURE_TAPE_COLUMNS.length)).to.deep.equal([...DISCLOSURE_TAPE_COLUMNS]);
    for (const workerThreads of [0, 2]) {
      const committed: LoanRecord[] = [];
      const result = await validate(csvText(header, disclosureRows(extended)), {
        ...COMMIT,
        workerThreads,
        onLoan: ({ record }) => {
          committed.push(record);
        },
      });
      expect(result.errors, `workers ${workerThreads}`).to.deep.equal([]);
      expect(result.root).to.equal(commitTape(extended, { saltKey: KEY }).root);
      expect(committed).to.deep.equal(extended);
    }
  });

  it("a tape may carry any of the columns, and leave any cell empty", async () => {
    const header = [...tapeCsvHeader(false), "employment_status", "region_code"];
    const rows = plain.slice(0, 3).map((r, i) => [...recordToCells(r), i === 0 ? "" : "self-employed", "CN-GD"]);
    const committed: LoanRecord[] = [];
    const result = await validate(csvText(header, rows), {
      ...COMMIT,
      onLoan: ({ record }) => void committed.push(record),
    });
    expect(result.errors).to.deep.equal([]);
    expect(committed.map((r) => r.employmentStatus)).to.deep.equal([undefined, "self-employed", "self-employed"]);
    expect(committed.every((r) => r.regionCode === "CN-GD")).to.equal(true);
  });

  it("a bad disclosure cell is reported at its row and column, in the template's words", async () => {
    const header = tapeCsvHeader(false, true);
    const rows = disclosureRows(extended.slice(0, 4));
    const at = (column: string) => header.indexOf(column);
    (rows[0] as string[])[at("credit_score")] = "12345";
    (rows[1] as string[])[at("employment_status")] = "astronaut";
    (rows[2] as string[])[at("region_code")] = "Guangdong";
    (rows[3] as string[])[at("income_yuan")] = "-5";
    const result = await validate(csvText(header, rows), COMMIT);
    expect(where(result)).to.deep.equal([
      ["TAPE_VALUE_INVALID", 2, at("credit_score") + 1],
      ["TAPE_VALUE_INVALID", 3, at("employment_status") + 1],
      ["TAPE_VALUE_INVALID", 4, at("region_code") + 1],
      ["TAPE_VALUE_INVALID", 5, at("income_yuan") + 1],
    ]);
    expect(result.errors[1]?.expected).to.contain('"self-employed"');
    expect(result.errors[2]?.expected).to.contain("ISO 3166-2");
    expect(result.root).to.equal(undefined);
  });

  it("a credit score needs its type (and the other way round)", async () => {
    const header = tapeCsvHeader(false, true);
    const rows = disclosureRows(extended.slice(0, 1));
    (rows[0] as string[])[header.indexOf("credit_score_type")] = "";
    const result = await validate(csvText(header, rows), COMMIT);
    expect(result.errors.map((e) => [e.code, e.field])).to.deep.equal([["TAPE_RULE_VIOLATED", "credit_score_type"]]);
  });
});

import { expect } from "chai";
import {
  bankRefOf,
  type ChainMovement,
  parseCsvStatement,
  parseExpectedFlows,
  parseMt940Statement,
  reconcile,
  ReconciliationError,
} from "../../src/reconciliation";

const CSV = `value_date,direction,amount,reference,description
2026-11-24,credit,1000000.00,SUB-INV1-0001,Subscription investor-1
2026-11-24,credit,500000.00,SUB-INV2-0001,Subscription investor-2
2026-11-24,debit,2500.50,PAY-0001,Payout to investor-3
2026-11-25,credit,300.00,COL-2026-11,Collections November
2026-11-24,credit,1000000.00,SUB-INV1-0001,Subscription investor-1 (bank listed twice)
2026-11-24,credit,42.00,FEE-REBATE-7,Not minted on chain
`;

const MT940 = `:20:STMT-2026-11-24
:25:CITYBANK/6222000011112222
:28C:00001/001
:60F:C261123CNY0,00
:61:2611241124C1000000,00NTRFSUB-INV1-0001//B1
:86:Subscription investor-1
:61:2611241124C500000,00NTRFSUB-INV2-0001
:61:2611241124D2500,50NTRFPAY-0001
:86:Payout to investor-3
:62F:C261124CNY1497499,50
-`;

function movement(
  kind: "mint" | "payout",
  reference: string,
  amountCents: bigint,
  date: string,
  n: number,
): ChainMovement {
  return { kind, bankRef: bankRefOf(reference), amountCents, date, txHash: `0x${n.toString(16).padStart(64, "0")}` };
}

/** Each kind of break, once: the statement above against these chain movements and expected flows. */
const CHAIN: ChainMovement[] = [
  movement("mint", "SUB-INV1-0001", 1_000_000_00n, "2026-11-24", 1), // matched
  movement("mint", "SUB-INV2-0001", 499_999_99n, "2026-11-24", 2), // amount mismatch (the chain minted 0.01 less)
  movement("payout", "PAY-0001", 2_500_50n, "2026-11-24", 3), // matched
  movement("mint", "COL-2026-11", 300_00n, "2026-11-21", 4), // date mismatch (4 days)
  movement("mint", "SUB-INV3-0009", 10_00n, "2026-11-24", 5), // missing in bank
];
const EXPECTED = parseExpectedFlows([
  { kind: "subscription", reference: "SUB-INV1-0001", direction: "credit", amount: "1000000.00", date: "2026-11-24" },
  { kind: "distribution", reference: "DIST-P1-A", direction: "debit", amount: "120000.00", date: "2026-11-25" },
]);

describe("reconciliation", () => {
  it("parses a CSV statement into typed lines", () => {
    const s = parseCsvStatement(CSV, "csv-1");
    expect(s.lines).to.have.length(6);
    expect(s.lines[2]).to.deep.equal({
      line: 4,
      valueDate: "2026-11-24",
      direction: "debit",
      amountCents: 2_500_50n,
      reference: "PAY-0001",
      description: "Payout to investor-3",
    });
  });

  it("parses an MT940-style statement and checks its balances", () => {
    const s = parseMt940Statement(MT940);
    expect(s.statementId).to.equal("STMT-2026-11-24");
    expect(s.lines.map((l) => [l.line, l.direction, l.amountCents, l.reference, l.description])).to.deep.equal([
      [5, "credit", 1_000_000_00n, "SUB-INV1-0001", "Subscription investor-1"],
      [7, "credit", 500_000_00n, "SUB-INV2-0001", ""],
      [8, "debit", 2_500_50n, "PAY-0001", "Payout to investor-3"],
    ]);
    expect(() => parseMt940Statement(MT940.replace(":62F:C261124CNY1497499,50", ":62F:C261124CNY1497499,51")))
      .to.throw(ReconciliationError, "closing balance (line 10) should be opening 0 + movements 149749950")
      .with.property("code", "STATEMENT_BALANCE_MISMATCH");
  });

  it("names the line, the field, what was expected and what was found for a bad line", () => {
    const bad = (csv: string) => {
      try {
        parseCsvStatement(csv, "x");
      } catch (error) {
        if (error instanceof ReconciliationError) return [error.code, error.line, error.message];
        throw error;
      }
      throw new Error("no error");
    };
    const header = "value_date,direction,amount,reference,description\n";
    const [code, line, message] = bad(header + "2026-11-24,credit,1.00,A,ok\n2026-11-24,credit,12.345,B,x\n");
    expect([code, line]).to.deep.equal(["STATEMENT_LINE_INVALID", 3]);
    expect(message).to.include("Statement line 3: amount:").and.to.include("2 decimal");
    expect(bad(header + "2026-02-30,credit,1.00,A,x\n")[2]).to.include("value_date: expected a calendar date");
    expect(bad(header + "2026-11-24,sideways,1.00,A,x\n")[2]).to.include("direction");
    expect(bad(header + "2026-11-24,credit,0.00,A,x\n")[2]).to.include("expected an amount above 0.00");
    expect(bad(header + "2026-11-24,credit,1.00,bad ref,x\n")[2]).to.include("reference: expected a bank reference");
    expect(() => parseMt940Statement(MT940.replace(":61:2611241124D2500,50NTRFPAY-0001", ":61:26112D2500,50")))
      .to.throw(ReconciliationError, "Statement line 8, :61: movement: expected YYMMDD")
      .with.property("line", 8);
    expect(() =>
      parseExpectedFlows([{ kind: "gift", reference: "X", direction: "credit", amount: "1", date: "2026-11-24" }]),
    )
      .to.throw(ReconciliationError, "Expected flow 1: kind")
      .with.property("code", "EXPECTED_FLOWS_INVALID");
  });

  it("reports matched items and every kind of break, each naming its reference and line", () => {
    const report = reconcile(parseCsvStatement(CSV, "csv-1"), CHAIN, EXPECTED);
    expect(report.matched.map((m) => m.reference)).to.deep.equal(["SUB-INV1-0001", "PAY-0001"]);
    expect(report.breaks.map((b) => [b.kind, b.reference, b.line ?? null])).to.deep.equal([
      ["amount-mismatch", "SUB-INV2-0001", 3],
      ["date-mismatch", "COL-2026-11", 5],
      ["duplicate", "SUB-INV1-0001", 6],
      ["missing-on-chain", "FEE-REBATE-7", 7],
      ["missing-in-bank", bankRefOf("SUB-INV3-0009"), null],
      ["missing-expected", "DIST-P1-A", null],
    ]);
    expect(report.breaks[0]).to.include({ expected: "credit 49999999", found: "credit 50000000" });
    expect(report.counts).to.deep.equal({
      "missing-on-chain": 1,
      "missing-in-bank": 1,
      "missing-expected": 1,
      duplicate: 1,
      "amount-mismatch": 1,
      "date-mismatch": 1,
    });
    expect(report.totals).to.deep.equal({
      bankCreditsCents: 2_500_342_00n,
      bankDebitsCents: 2_500_50n,
      chainMintedCents: 1_500_309_99n,
      chainPaidOutCents: 2_500_50n,
    });
  });

  it("a clean statement has no breaks; the digest is stable and changes with any input", () => {
    const statement = parseMt940Statement(MT940);
    const chain = [
      movement("mint", "SUB-INV1-0001", 1_000_000_00n, "2026-11-24", 1),
      movement("mint", "SUB-INV2-0001", 500_000_00n, "2026-11-25", 2),
      movement("payout", "PAY-0001", 2_500_50n, "2026-11-24", 3),
    ];
    const strict = reconcile(statement, chain);
    expect(strict.breaks.map((b) => b.kind)).to.deep.equal(["date-mismatch"]);
    const tolerant = reconcile(statement, chain, [], { dateToleranceDays: 1 });
    expect(tolerant.breaks).to.deep.equal([]);
    expect(tolerant.matched).to.have.length(3);
    expect(reconcile(statement, chain, [], { dateToleranceDays: 1 }).digest).to.equal(tolerant.digest);
    expect(tolerant.digest).to.match(/^0x[0-9a-f]{64}$/);
    expect(strict.digest).to.not.equal(tolerant.digest);
  });
});

import { expect } from "chai";
import { generateLoans } from "../../src";
import { standard } from "../../src/cashflow";

describe("cashflow/standard stratify (risk tiers from loan-level data)", () => {
  const loans = [...generateLoans(3_000, 11)];

  it("every performing loan with a balance is in exactly one tier; the rest are counted out", () => {
    const result = standard.stratify(loans, ["grade", "vintage"]);
    const inTiers = result.strata.reduce((sum, stratum) => sum + stratum.balanceCents, 0n);
    const total = loans.reduce((sum, loan) => sum + loan.currentPrincipalCents, 0n);
    expect(inTiers + result.excludedBalanceCents).to.equal(total);
    const count = result.strata.reduce((sum, stratum) => sum + stratum.loanCount, 0);
    expect(count + result.excludedLoans).to.equal(loans.length);
    const names = new Set(result.strata.map((stratum) => stratum.name));
    expect(names.size).to.equal(result.strata.length);
  });

  it("a tier's rep line is the balance-weighted coupon, term and age of its loans", () => {
    const [stratum] = standard.stratify(loans.slice(0, 1), []).strata;
    const [loan] = loans;
    if (stratum === undefined || loan === undefined) throw new Error("no loan");
    expect(stratum.name).to.equal("all");
    expect(stratum.balanceCents).to.equal(loan.currentPrincipalCents);
    expect(stratum.grossCoupon).to.equal(Number(loan.rateWad) / 1e18);
    expect(stratum.originalTermMonths).to.equal(loan.termMonths);
    expect(stratum.ageMonths).to.equal(loan.termMonths - loan.remainingTermMonths);
  });

  it("weights by balance and rounds months half up", () => {
    const [a, b] = loans.filter((loan) => loan.status === "current" && loan.currentPrincipalCents > 0n);
    if (a === undefined || b === undefined) throw new Error("no loans");
    const pair = [
      { ...a, currentPrincipalCents: 300n, termMonths: 36, remainingTermMonths: 30, rateWad: 10n ** 17n },
      { ...b, currentPrincipalCents: 100n, termMonths: 12, remainingTermMonths: 1, rateWad: 2n * 10n ** 17n },
    ];
    const [stratum] = standard.stratify(pair, []).strata;
    expect(stratum?.grossCoupon).to.be.closeTo(0.125, 1e-15); // (300 x 10% + 100 x 20%) / 400
    expect(stratum?.originalTermMonths).to.equal(30); // (300 x 36 + 100 x 12) / 400 = 30
    expect(stratum?.ageMonths).to.equal(7); // (300 x 6 + 100 x 11) / 400 = 7.25 -> 7
  });
});

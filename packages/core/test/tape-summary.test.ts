import { createHmac } from "node:crypto";
import { expect } from "chai";
import { AbiCoder } from "ethers";
import fc from "fast-check";
import { CoreError } from "../src/errors";
import { WAD } from "../src/money";
import { generateLoans } from "../src/synthetic-tape";
import {
  TapeSummaryAccumulator,
  loanFingerprint,
  summarizeTape,
  type LoanIdentity,
  type SummaryInput,
} from "../src/tape-summary";

const loanArbitrary: fc.Arbitrary<SummaryInput> = fc.record({
  currentPrincipalCents: fc.bigInt({ min: 0n, max: 30_000_000n }),
  rateWad: fc.bigInt({ min: 0n, max: WAD }),
  remainingTermMonths: fc.integer({ min: 0, max: 1200 }),
});

describe("tape-summary", () => {
  describe("summarizeTape", () => {
    it("is all zeros for an empty tape", () => {
      expect(summarizeTape([])).to.deep.equal({
        loanCount: 0,
        totalPrincipalCents: 0n,
        waRateWad: 0n,
        waRemainingTermMonthsWad: 0n,
      });
    });

    it("rounds both averages down, once, at the end", () => {
      // Weighted rate (1*1 + 2*2) / 3 = 1.67 -> 1; term (1*1 + 2*2) / 3 months = 1.666...e18 -> ...666.
      const summary = summarizeTape([
        { currentPrincipalCents: 1n, rateWad: 1n, remainingTermMonths: 1 },
        { currentPrincipalCents: 2n, rateWad: 2n, remainingTermMonths: 2 },
      ]);
      expect(summary).to.deep.equal({
        loanCount: 2,
        totalPrincipalCents: 3n,
        waRateWad: 1n,
        waRemainingTermMonthsWad: 1_666_666_666_666_666_666n,
      });
    });

    it("is exact for a realistic two-loan pool", () => {
      // 100,000.00 CNY at 5% with 12 months left, 300,000.00 CNY at 9% with 36 months left.
      const summary = summarizeTape([
        { currentPrincipalCents: 10_000_000n, rateWad: 50_000_000_000_000_000n, remainingTermMonths: 12 },
        { currentPrincipalCents: 30_000_000n, rateWad: 90_000_000_000_000_000n, remainingTermMonths: 36 },
      ]);
      expect(summary.totalPrincipalCents).to.equal(40_000_000n);
      expect(summary.waRateWad).to.equal(80_000_000_000_000_000n); // 8%
      expect(summary.waRemainingTermMonthsWad).to.equal(30n * WAD); // 30 months
    });

    it("counts loans with no principal but gives them no weight", () => {
      const summary = summarizeTape([
        { currentPrincipalCents: 500n, rateWad: 70_000_000_000_000_000n, remainingTermMonths: 10 },
        { currentPrincipalCents: 0n, rateWad: WAD, remainingTermMonths: 1200 },
      ]);
      expect(summary.loanCount).to.equal(2);
      expect(summary.waRateWad).to.equal(70_000_000_000_000_000n);
      expect(summary.waRemainingTermMonthsWad).to.equal(10n * WAD);
      expect(summarizeTape([{ currentPrincipalCents: 0n, rateWad: WAD, remainingTermMonths: 5 }]).waRateWad).to.equal(
        0n,
      );
    });

    it("averages are the floor of the weighted mean, between the smallest and largest value", () => {
      fc.assert(
        fc.property(fc.array(loanArbitrary, { minLength: 1, maxLength: 50 }), (loans) => {
          const summary = summarizeTape(loans);
          const total = loans.reduce((sum, loan) => sum + loan.currentPrincipalCents, 0n);
          expect(summary.loanCount).to.equal(loans.length);
          expect(summary.totalPrincipalCents).to.equal(total);
          if (total === 0n) return;
          const rateSum = loans.reduce((sum, loan) => sum + loan.currentPrincipalCents * loan.rateWad, 0n);
          const termSum = loans.reduce(
            (sum, loan) => sum + loan.currentPrincipalCents * BigInt(loan.remainingTermMonths) * WAD,
            0n,
          );
          // floor: wa * total <= sum < (wa + 1) * total
          expect(summary.waRateWad * total <= rateSum && rateSum < (summary.waRateWad + 1n) * total).to.equal(true);
          expect(
            summary.waRemainingTermMonthsWad * total <= termSum &&
              termSum < (summary.waRemainingTermMonthsWad + 1n) * total,
          ).to.equal(true);
          const weighted = loans.filter((loan) => loan.currentPrincipalCents > 0n);
          const rates = weighted.map((loan) => loan.rateWad);
          expect(summary.waRateWad >= rates.reduce((a, b) => (a < b ? a : b))).to.equal(true);
          expect(summary.waRateWad <= rates.reduce((a, b) => (a > b ? a : b))).to.equal(true);
        }),
      );
    });

    it("does not depend on the order of the records", () => {
      fc.assert(
        fc.property(fc.array(loanArbitrary, { minLength: 1, maxLength: 30 }), (loans) => {
          expect(summarizeTape([...loans].reverse())).to.deep.equal(summarizeTape(loans));
        }),
      );
    });

    it("the accumulator streams and can report part-way", () => {
      const loans = [...generateLoans(40, 3)];
      const accumulator = new TapeSummaryAccumulator();
      loans.slice(0, 10).forEach((loan) => accumulator.add(loan));
      expect(accumulator.result()).to.deep.equal(summarizeTape(loans.slice(0, 10)));
      loans.slice(10).forEach((loan) => accumulator.add(loan));
      expect(accumulator.loanCount).to.equal(40);
      expect(accumulator.result()).to.deep.equal(summarizeTape(generateLoans(40, 3)));
    });
  });

  describe("loanFingerprint", () => {
    const key = new Uint8Array(32).fill(0x11);
    const originator = "0x" + "0a".repeat(32);
    const loan: LoanIdentity = {
      loanId: "L00000042",
      borrowerId: "0x" + "be".repeat(32),
      originationDate: "2024-01-01",
      originalPrincipalCents: 12_345_600n,
    };

    it("is HMAC-SHA256 of the ABI-encoded identity under the consortium key", () => {
      const identity = AbiCoder.defaultAbiCoder().encode(
        ["string", "bytes32", "string", "bytes32", "uint32", "uint128"],
        ["abs.loan-fingerprint.v1", originator, "L00000042", loan.borrowerId, 19_723, 12_345_600n],
      );
      const expected = createHmac("sha256", key)
        .update(Buffer.from(identity.slice(2), "hex"))
        .digest("hex");
      expect(loanFingerprint(key, originator, loan)).to.equal(`0x${expected}`);
    });

    it("ignores what changes from period to period (balance, status) so a re-pledge is caught", () => {
      const [generated] = generateLoans(1, 9);
      if (generated === undefined) throw new Error("no loan");
      const later = { ...generated, currentPrincipalCents: 0n, status: "prepaid" as const, remainingTermMonths: 0 };
      expect(loanFingerprint(key, originator, later)).to.equal(loanFingerprint(key, originator, generated));
    });

    it("changes with each identity field, the originator and the key", () => {
      const fingerprints = new Set([
        loanFingerprint(key, originator, loan),
        loanFingerprint(key, "0x" + "0b".repeat(32), loan),
        loanFingerprint(key, originator, { ...loan, loanId: "L00000043" }),
        loanFingerprint(key, originator, { ...loan, borrowerId: "0x" + "bf".repeat(32) }),
        loanFingerprint(key, originator, { ...loan, originationDate: "2024-01-02" }),
        loanFingerprint(key, originator, { ...loan, originalPrincipalCents: 12_345_601n }),
        loanFingerprint(new Uint8Array(32).fill(0x12), originator, loan),
      ]);
      expect(fingerprints.size).to.equal(7);
    });

    it("rejects a bad originator id or a short key", () => {
      expect(() => loanFingerprint(key, "ORIG-1", loan))
        .to.throw(
          CoreError,
          'Invalid originatorId: expected a registry memberId: 0x followed by 64 hex digits, found "ORIG-1"',
        )
        .with.property("code", "INVALID_ARGUMENT");
      expect(() => loanFingerprint(new Uint8Array(8), originator, loan))
        .to.throw(CoreError, "Invalid consortiumKey: expected a secret key of at least 32 bytes, found 8 bytes")
        .with.property("code", "INVALID_ARGUMENT");
    });
  });
});

import { expect } from "chai";
import { balances, column, deal, fixed, NO_COUPON, opening, pct, period, runChecked } from "./fixtures";

/**
 * Hand-computed textbook structures. Every expected number below is worked out in the comments (30/360, so a
 * month's interest is `balance * rate / 12`, rounded down to the cent), not read back from the engine.
 */
describe("waterfall: textbook structures", () => {
  describe("sequential-pay (CFA Institute, 'Introduction to Asset-Backed Securities', CMO-01)", () => {
    // The CFA Program's sequential-pay CMO: tranches A $389M, B $72M, C $193M, D $146M, all 5.5%. Payment rules:
    // "disburse monthly coupon interest to each tranche on the basis of the amount of principal outstanding for
    // each tranche at the beginning of the month"; "disburse principal payments to Tranche A until it is
    // completely paid off", then B, then C, then D. We add a 0.5% servicing fee and collateral paying 6%.
    const config = deal({
      tranches: [fixed(5.5), fixed(5.5), fixed(5.5), fixed(5.5)],
      fees: [{ fixedCents: 0n, rateWad: pct(0.5) }],
      originalPoolBalanceCents: 80_000_000_000n,
    });

    it("pays the fee, each tranche's interest on its opening balance, and all principal to A", () => {
      const state = opening(config, [38_900_000_000n, 7_200_000_000n, 19_300_000_000n, 14_600_000_000n]);
      const r = runChecked(
        config,
        state,
        period({
          interestCollectionsCents: 400_000_000n, // $800M * 6% / 12 = $4,000,000.00
          principalCollectionsCents: 200_000_000n, // $2,000,000.00 scheduled and prepaid
          poolBalanceBeginCents: 80_000_000_000n,
          poolBalanceEndCents: 79_800_000_000n,
        }),
      );
      // Fee: $800M * 0.5% / 12 = $333,333.333 -> 33,333,333 cents.
      expect(r.fees.map((f) => f.paidCents)).to.deep.equal([33_333_333n]);
      // A: $389M * 5.5% / 12 = $1,782,916.666 -> 178,291,666; B: $330,000.00; C: $884,583.333 -> 88,458,333;
      // D: $669,166.666 -> 66,916,666.
      expect(column(r, "interestDueCents")).to.deep.equal([178_291_666n, 33_000_000n, 88_458_333n, 66_916_666n]);
      expect(column(r, "interestPaidCents")).to.deep.equal(column(r, "interestDueCents"));
      // Principal due: tranches $800M - pool $798M = $2M, all to A.
      expect(r.principalDueCents).to.equal(200_000_000n);
      expect(column(r, "principalPaidCents")).to.deep.equal([200_000_000n, 0n, 0n, 0n]);
      expect(balances(r)).to.deep.equal([38_700_000_000n, 7_200_000_000n, 19_300_000_000n, 14_600_000_000n]);
      // 600,000,000 in - 33,333,333 - 366,666,665 - 200,000,000 = 2 cents of rounding dust, to the residual.
      expect(r.residualCents).to.equal(2n);
    });

    it("retires A and pays the rest of the period's principal to B", () => {
      const state = opening(config, [150_000_000n, 7_200_000_000n, 19_300_000_000n, 14_600_000_000n]);
      const r = runChecked(
        config,
        state,
        period({
          interestCollectionsCents: 206_250_000n, // $412.5M * 6% / 12
          principalCollectionsCents: 400_000_000n,
          poolBalanceBeginCents: 41_250_000_000n,
          poolBalanceEndCents: 40_850_000_000n,
        }),
      );
      // A: $1.5M * 5.5% / 12 = $6,875.00; fee $412.5M * 0.5% / 12 = $171,875.00.
      expect(column(r, "interestPaidCents")).to.deep.equal([687_500n, 33_000_000n, 88_458_333n, 66_916_666n]);
      expect(r.fees.map((f) => f.paidCents)).to.deep.equal([17_187_500n]);
      // $4M of principal: $1.5M retires A, $2.5M goes to B.
      expect(column(r, "principalPaidCents")).to.deep.equal([150_000_000n, 250_000_000n, 0n, 0n]);
      expect(balances(r)).to.deep.equal([0n, 6_950_000_000n, 19_300_000_000n, 14_600_000_000n]);
      // 206,250,000 - 17,187,500 - 206,249,999 + ... = 1 cent of dust.
      expect(r.residualCents).to.equal(1n);
    });
  });

  describe("pro-rata principal switched to sequential by a cumulative loss trigger", () => {
    // The "shifting interest" / step-down pattern of senior-subordinate structures (Fabozzi and Kothari,
    // "Introduction to Securitization", Wiley 2008, on credit enhancement; rating agency criteria for step-down
    // tests): principal is shared pro rata while the pool performs, and reverts to sequential once a performance
    // test (here cumulative net loss above 2% of the original pool) fails.
    const trigger = {
      kind: "cumulativeNetLoss" as const,
      effect: "switchToSequential" as const,
      curable: false,
      trancheScope: 0,
      thresholdWad: pct(2),
      scheduleWad: [],
    };
    const config = deal({ tranches: [fixed(4), fixed(8)], principalMode: "proRata", triggers: [trigger] });
    const period1 = period({
      period: 1,
      interestCollectionsCents: 1_500_000n,
      principalCollectionsCents: 5_000_000n,
      newDefaultsCents: 1_000_000n,
      poolBalanceBeginCents: 100_000_000n,
      poolBalanceEndCents: 94_000_000n,
    });
    const period2 = period({
      period: 2,
      interestCollectionsCents: 2_000_000n,
      principalCollectionsCents: 4_000_000n,
      newDefaultsCents: 1_500_000n,
      poolBalanceBeginCents: 94_000_000n,
      poolBalanceEndCents: 88_500_000n,
    });
    const period3 = period({
      period: 3,
      interestCollectionsCents: 1_800_000n,
      principalCollectionsCents: 3_000_000n,
      recoveriesCents: 600_000n,
      poolBalanceBeginCents: 88_500_000n,
      poolBalanceEndCents: 86_100_000n,
    });

    it("shares principal by balance while the loss test passes", () => {
      const r = runChecked(config, opening(config, [80_000_000n, 20_000_000n]), period1);
      // Interest: $800,000 * 4% / 12 = $2,666.666 -> 266,666; $200,000 * 8% / 12 = $1,333.333 -> 133,333.
      expect(column(r, "interestPaidCents")).to.deep.equal([266_666n, 133_333n]);
      // Loss 1% <= 2%: not breached. Principal due = $1,000,000 - $940,000 = $60,000 (collections + defaults),
      // split 80/20.
      expect(r.triggers[0]).to.include({ valueWad: pct(1), breached: false, breachedNow: false });
      expect(r.principalMode).to.equal("proRata");
      expect(column(r, "principalPaidCents")).to.deep.equal([4_800_000n, 1_200_000n]);
      expect(balances(r)).to.deep.equal([75_200_000n, 18_800_000n]);
      expect(r.residualCents).to.equal(100_001n); // 6,500,000 - 399,999 - 6,000,000
    });

    it("pays all principal to the senior tranche once the loss test fails, and keeps doing so (non-curable)", () => {
      const p1 = runChecked(config, opening(config, [80_000_000n, 20_000_000n]), period1);
      const p2 = runChecked(config, p1.next, period2);
      // Loss 2.5% > 2%: breached now, principal sequential.
      expect(p2.triggers[0]).to.include({ valueWad: pct(2.5), breached: true, breachedNow: true });
      expect(p2.principalMode).to.equal("sequential");
      // Interest: $752,000 * 4% / 12 = $2,506.666 -> 250,666; $188,000 * 8% / 12 = $1,253.333 -> 125,333.
      expect(column(p2, "interestPaidCents")).to.deep.equal([250_666n, 125_333n]);
      // Principal due $940,000 - $885,000 = $55,000, all to the senior tranche.
      expect(column(p2, "principalPaidCents")).to.deep.equal([5_500_000n, 0n]);
      expect(balances(p2)).to.deep.equal([69_700_000n, 18_800_000n]);
      expect(p2.residualCents).to.equal(124_001n); // 6,000,000 - 375,999 - 5,500,000

      // Recoveries bring the loss back to 1.9%, but the trigger is not curable.
      const p3 = runChecked(config, p2.next, period3);
      expect(p3.triggers[0]).to.include({ valueWad: pct(1.9), breached: true, breachedNow: false, curedNow: false });
      expect(column(p3, "principalPaidCents")).to.deep.equal([2_400_000n, 0n]);
    });

    it("returns to pro-rata when a curable trigger cures, the rounding remainder to the senior tranche", () => {
      const curable = { ...config, triggers: [{ ...trigger, curable: true }] };
      const p1 = runChecked(curable, opening(curable, [80_000_000n, 20_000_000n]), period1);
      const p2 = runChecked(curable, p1.next, period2);
      const p3 = runChecked(curable, p2.next, period3);
      expect(p3.triggers[0]).to.include({ breached: false, curedNow: true });
      expect(p3.principalMode).to.equal("proRata");
      // $24,000 over $697,000 / $188,000: 2,400,000 * 69,700,000 / 88,500,000 = 1,890,169.49 -> 1,890,169 and
      // 2,400,000 * 18,800,000 / 88,500,000 = 509,830.50 -> 509,830; the 1 cent remainder goes to the senior.
      expect(column(p3, "principalPaidCents")).to.deep.equal([1_890_170n, 509_830n]);
    });
  });

  describe("losses in reverse seniority, recoveries in seniority (subordination)", () => {
    // The loss allocation of senior-subordinate structures, as in non-agency RMBS prospectuses ("Allocation of
    // Realized Losses": to the most junior class outstanding first; "Subsequent Recoveries": written back up in
    // order of seniority, never more than the losses previously allocated to a class).
    const config = deal({ tranches: [fixed(3), fixed(5), NO_COUPON] });

    it("writes a 15% loss down C then B, and writes recoveries back up B then C while paying them to A", () => {
      const state = opening(config, [70_000_000n, 20_000_000n, 10_000_000n]);
      const p1 = runChecked(
        config,
        state,
        period({
          // A: $700,000 * 3% / 12 = $1,750.00; B: $200,000 * 5% / 12 = $833.333 -> 83,333.
          interestCollectionsCents: 258_333n,
          newDefaultsCents: 15_000_000n,
          poolBalanceBeginCents: 100_000_000n,
          poolBalanceEndCents: 85_000_000n,
        }),
      );
      expect(column(p1, "interestPaidCents")).to.deep.equal([175_000n, 83_333n, 0n]);
      // Tranches $1,000,000 over a pool of $850,000: $150,000 written down, C ($100,000) first, then B.
      expect(column(p1, "writeDownCents")).to.deep.equal([0n, 5_000_000n, 10_000_000n]);
      expect(balances(p1)).to.deep.equal([70_000_000n, 15_000_000n, 0n]);
      expect(p1.next.tranches.map((t) => t.writtenDownCents)).to.deep.equal([0n, 5_000_000n, 10_000_000n]);
      expect(p1.residualCents).to.equal(0n);

      const p2 = runChecked(
        config,
        p1.next,
        period({
          period: 2,
          // A: $1,750.00; B on its written-down opening balance: $150,000 * 5% / 12 = $625.00.
          interestCollectionsCents: 237_500n,
          principalCollectionsCents: 8_000_000n,
          recoveriesCents: 8_000_000n,
          poolBalanceBeginCents: 85_000_000n,
          poolBalanceEndCents: 85_000_000n,
        }),
      );
      expect(column(p2, "interestPaidCents")).to.deep.equal([175_000n, 62_500n, 0n]);
      // $80,000 recovered: B written back up by its $50,000, then C by $30,000 ...
      expect(column(p2, "writeUpCents")).to.deep.equal([0n, 5_000_000n, 3_000_000n]);
      // ... and the cash is principal, paid sequentially to A: tranches $930,000 down to the pool's $850,000.
      expect(column(p2, "principalPaidCents")).to.deep.equal([8_000_000n, 0n, 0n]);
      expect(balances(p2)).to.deep.equal([62_000_000n, 20_000_000n, 3_000_000n]);
      expect(p2.next.tranches.map((t) => t.writtenDownCents)).to.deep.equal([0n, 0n, 7_000_000n]);
      expect(column(p2, "writeDownCents")).to.deep.equal([0n, 0n, 0n]);
      expect(p2.residualCents).to.equal(0n);
    });
  });
});

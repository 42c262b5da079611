import { expect } from "chai";
import fc from "fast-check";
import {
  MAX_UINT256,
  WaterfallError,
  checkPeriodInvariants,
  principalDeficiencies,
  runWaterfall,
  summarizeCash,
  swapPayment,
  validateWaterfallConfig,
  type CouponTerms,
  type TriggerTerms,
} from "../../src/waterfall";
import { balances, column, deal, fixed, NO_COUPON, opening, pct, period, runChecked } from "./fixtures";

const floating = (spread: number, floor = 0, cap = 0): CouponTerms => ({
  couponType: "floating",
  couponRateWad: pct(spread),
  floorRateWad: pct(floor),
  capRateWad: pct(cap),
});

const trigger = (overrides: Partial<TriggerTerms> & Pick<TriggerTerms, "kind" | "effect">): TriggerTerms => ({
  curable: true,
  trancheScope: 0,
  thresholdWad: 0n,
  scheduleWad: [],
  ...overrides,
});

describe("waterfall engine", () => {
  describe("interest", () => {
    it("floats at index + spread, raised to the floor, lowered to the cap", () => {
      const config = deal({ tranches: [floating(2), floating(2, 3.5), floating(2, 0, 2.5), floating(2, 1, 5)] });
      const state = opening(config, [12_000_000n, 12_000_000n, 12_000_000n, 12_000_000n]);
      const r = runChecked(
        config,
        state,
        period({ indexRateWad: pct(1), interestCollectionsCents: 1_000_000n, poolBalanceEndCents: 48_000_000n }),
      );
      expect(column(r, "rateWad")).to.deep.equal([pct(3), pct(3.5), pct(2.5), pct(3)]);
      // $120,000 * rate / 12: 3% -> 30,000; 3.5% -> 35,000; 2.5% -> 25,000 cents.
      expect(column(r, "interestDueCents")).to.deep.equal([30_000n, 35_000n, 25_000n, 30_000n]);
    });

    it("accrues actual/365 and rounds each amount down to the cent", () => {
      const config = deal({ tranches: [fixed(5)], yearBasisDays: 365 });
      const r = runChecked(
        config,
        opening(config, [100_000_01n]),
        period({ accrualDays: 31, interestCollectionsCents: 1_000_000n, poolBalanceEndCents: 100_000_01n }),
      );
      // 10,000,001 * 0.05 * 31 / 365 = 42,465.757... -> 42,465
      expect(r.tranches[0]?.interestDueCents).to.equal(42_465n);
    });

    it("carries an unpaid interest shortfall, with interest on it at the coupon", () => {
      const config = deal({ tranches: [fixed(6), fixed(12)] });
      const state = opening(config, [100_000_000n, 50_000_000n]);
      const inputs = period({ interestCollectionsCents: 600_000n, poolBalanceEndCents: 150_000_000n });
      const p1 = runChecked(config, state, inputs);
      // A: $1M * 6% / 12 = 500,000 paid; B: $500,000 * 12% / 12 = 500,000 due, 100,000 paid.
      expect(column(p1, "interestPaidCents")).to.deep.equal([500_000n, 100_000n]);
      expect(p1.next.tranches.map((t) => t.interestShortfallCents)).to.deep.equal([0n, 400_000n]);
      const p2 = runChecked(config, p1.next, { ...inputs, interestCollectionsCents: 2_000_000n });
      // B: (50,000,000 + 400,000) * 1% = 504,000 current and on the shortfall, + the 400,000 shortfall.
      expect(p2.tranches[1]?.interestDueCents).to.equal(904_000n);
      expect(p2.next.tranches[1]?.interestShortfallCents).to.equal(0n);
    });
  });

  describe("fees", () => {
    it("charges fixed plus bps of the opening pool balance, in the configured order, carrying shortfalls flat", () => {
      const config = deal({
        tranches: [fixed(6)],
        fees: [
          { fixedCents: 50_000n, rateWad: 0n }, // trustee: 500.00 a period
          { fixedCents: 0n, rateWad: pct(1) }, // servicer: 1% a year of the pool
          { fixedCents: 10_000n, rateWad: pct(0.12) }, // custodian: both
        ],
      });
      const inputs = period({ poolBalanceBeginCents: 120_000_000n, poolBalanceEndCents: 120_000_000n });
      const p1 = runChecked(config, opening(config, [100_000_000n]), { ...inputs, interestCollectionsCents: 120_000n });
      // Servicer $1.2M * 1% / 12 = 100,000; custodian 10,000 + $1.2M * 0.12% / 12 = 22,000.
      expect(p1.fees.map((f) => f.dueCents)).to.deep.equal([50_000n, 100_000n, 22_000n]);
      expect(p1.fees.map((f) => f.paidCents)).to.deep.equal([50_000n, 70_000n, 0n]);
      expect(p1.next.feeShortfallsCents).to.deep.equal([0n, 30_000n, 22_000n]);
      const p2 = runChecked(config, p1.next, { ...inputs, interestCollectionsCents: 1_000_000n });
      expect(p2.fees.map((f) => f.dueCents)).to.deep.equal([50_000n, 130_000n, 44_000n]);
    });

    it("pays fees in the configured order, even after interest", () => {
      const config = deal({
        tranches: [fixed(12)],
        fees: [{ fixedCents: 100_000n, rateWad: 0n }],
        steps: [
          { kind: "interest", index: 0 },
          { kind: "fee", index: 0 },
          { kind: "principal", index: 0 },
          { kind: "reserveTopUp", index: 0 },
          { kind: "guaranteeFee", index: 0 },
          { kind: "guaranteeReimbursement", index: 0 },
        ],
      });
      const r = runChecked(
        config,
        opening(config, [10_000_000n]),
        period({ interestCollectionsCents: 150_000n, poolBalanceEndCents: 10_000_000n }),
      );
      expect(r.tranches[0]?.interestPaidCents).to.equal(100_000n);
      expect(r.fees[0]?.paidCents).to.equal(50_000n);
    });
  });

  describe("principal", () => {
    it("splits pro rata by balance and gives the rounding remainder to the most senior tranche", () => {
      const config = deal({ tranches: [fixed(0), fixed(0), fixed(0)], principalMode: "proRata" });
      const r = runChecked(
        config,
        opening(config, [100n, 100n, 100n]),
        period({ principalCollectionsCents: 100n, poolBalanceEndCents: 200n }),
      );
      // 100 * 100 / 300 = 33.3 -> 33 each; the 1 unit left goes to the senior.
      expect(column(r, "principalPaidCents")).to.deep.equal([34n, 33n, 33n]);
    });

    it("places a remainder larger than a tranche's room one tranche at a time, most senior first", () => {
      const config = deal({ tranches: [fixed(0), fixed(0), fixed(0)], principalMode: "proRata" });
      const r = runChecked(
        config,
        opening(config, [1n, 1n, 1n]),
        period({ principalCollectionsCents: 2n, poolBalanceEndCents: 1n }),
      );
      // Shares floor(2/3) = 0; the 2 units go to A (room 1), then B (room 1).
      expect(column(r, "principalPaidCents")).to.deep.equal([1n, 1n, 0n]);
    });

    it("pays each tranche down to its scheduled balance in targeted mode, releasing the rest", () => {
      const config = deal({ tranches: [fixed(0), fixed(0), NO_COUPON], principalMode: "targeted" });
      const r = runChecked(
        config,
        opening(config, [50_000_000n, 30_000_000n, 20_000_000n]),
        period({
          principalCollectionsCents: 10_000_000n,
          poolBalanceEndCents: 90_000_000n,
          targetBalancesCents: [46_000_000n, 28_000_000n, 25_000_000n],
        }),
      );
      // Due: A 4M, B 2M, C nothing (above its target is none of its business); the other 4M is released.
      expect(r.principalDueCents).to.equal(6_000_000n);
      expect(column(r, "principalPaidCents")).to.deep.equal([4_000_000n, 2_000_000n, 0n]);
      expect(r.residualCents).to.equal(4_000_000n);
    });

    it("keeps the target overcollateralization (percent of the pool with a floor) and releases the excess", () => {
      const config = deal({ tranches: [fixed(0)], targetOcWad: pct(5), ocFloorCents: 3_000_000n });
      const state = opening(config, [90_000_000n]);
      const r = runChecked(
        config,
        state,
        period({ principalCollectionsCents: 10_000_000n, poolBalanceEndCents: 90_000_000n }),
      );
      // Target OC max(5% of 90M, 3M) = 4.5M: pay the tranche down to 85.5M.
      expect(r.principalDueCents).to.equal(4_500_000n);
      expect(r.residualCents).to.equal(5_500_000n);
      const floored = runChecked(
        config,
        state,
        period({ principalCollectionsCents: 10_000_000n, poolBalanceEndCents: 40_000_000n }),
      );
      // max(2M, 3M) = 3M: pay down to 37M, i.e. 53M due; only 10M available, so the tranche (80M) is written down
      // to the pool's 40M (write-downs restore par, not the OC target).
      expect(floored.principalDueCents).to.equal(53_000_000n);
      expect(column(floored, "writeDownCents")).to.deep.equal([40_000_000n]);
    });
  });

  describe("reserve account", () => {
    const config = deal({
      tranches: [fixed(12), fixed(12)],
      fees: [{ fixedCents: 20_000n, rateWad: 0n }],
      reserve: { targetWad: pct(2), floorCents: 1_000_000n, coversFees: true, coveredTranches: 1 },
    });

    it("is drawn for the fee and the covered senior interest, not for the junior", () => {
      const state = opening(config, [10_000_000n, 10_000_000n], { reserveCents: 1_000_000n });
      const r = runChecked(
        config,
        state,
        period({ interestCollectionsCents: 50_000n, poolBalanceEndCents: 20_000_000n }),
      );
      // Fee 20,000 and A 100,000 due from 50,000: the reserve pays the 70,000 gap; B gets nothing.
      expect(r.reserveDrawCents).to.equal(70_000n);
      expect(column(r, "interestPaidCents")).to.deep.equal([100_000n, 0n]);
      // Target max(2% of 20M = 400,000, floor 1M) = 1M: released nothing; then nothing left to top up.
      expect(r.reserveTargetCents).to.equal(1_000_000n);
      expect(r.next.reserveCents).to.equal(930_000n);
    });

    it("is topped up to its target, then releases the excess when the target falls", () => {
      const state = opening(config, [50_000_000n, 50_000_000n], { reserveCents: 1_500_000n });
      const up = runChecked(
        config,
        state,
        period({ interestCollectionsCents: 2_000_000n, poolBalanceEndCents: 100_000_000n }),
      );
      expect(up.reserveTargetCents).to.equal(2_000_000n);
      expect(up.reserveTopUpCents).to.equal(500_000n);
      // 2,000,000 - 20,000 - 1,000,000 interest - 500,000 top-up
      expect(up.residualCents).to.equal(480_000n);
      const down = runChecked(
        config,
        { ...up.next, tranches: state.tranches },
        period({ interestCollectionsCents: 1_020_000n, poolBalanceEndCents: 60_000_000n }),
      );
      // Target 2% of 60M = 1.2M: 800,000 released into the available funds.
      expect(down.reserveReleaseCents).to.equal(800_000n);
      expect(down.next.reserveCents).to.equal(1_200_000n);
    });
  });

  describe("guarantee facility", () => {
    const config = deal({
      tranches: [fixed(12), fixed(12)],
      reserve: { targetWad: 0n, floorCents: 100_000n, coversFees: false, coveredTranches: 2 },
      guarantee: { limitCents: 1_000_000n, feeRateWad: pct(1.2), coversFees: false, coveredTranches: 2 },
    });

    it("is drawn after the reserve, within its room, then earns its fee and is reimbursed from later cash", () => {
      const state = opening(config, [10_000_000n, 10_000_000n], {
        reserveCents: 100_000n,
        guaranteeDrawnCents: 950_000n,
      });
      const r = runChecked(
        config,
        state,
        period({ interestCollectionsCents: 20_000n, poolBalanceEndCents: 20_000_000n }),
      );
      // Interest due 100,000 + 100,000 from 20,000: reserve 80,000 for A; B's 100,000 gap: reserve 20,000 left, then
      // the guarantor's room is 1,000,000 - 950,000 = 50,000.
      expect(r.reserveDrawCents).to.equal(100_000n);
      expect(r.guaranteeDrawCents).to.equal(50_000n);
      expect(column(r, "interestPaidCents")).to.deep.equal([100_000n, 70_000n]);
      // Fee 1.2% / 12 of 1,000,000 = 1,000, unpaid and carried; nothing to reimburse the 1,000,000 outstanding with.
      expect(r.guaranteeFeeDueCents).to.equal(1_000n);
      expect(r.next.guaranteeFeeShortfallCents).to.equal(1_000n);
      expect(r.next.guaranteeDrawnCents).to.equal(1_000_000n);

      const later = runChecked(
        config,
        r.next,
        period({ interestCollectionsCents: 1_000_000n, poolBalanceEndCents: 20_000_000n }),
      );
      // B: 1% of (10,000,000 + 30,000 carried) = 100,300, plus the 30,000. Then the reserve back to its 100,000
      // floor and the 2,000 fee (1,000 current, 1,000 carried): 1,000,000 - 100,000 - 130,300 - 100,000 - 2,000
      // = 667,700 repays the guarantor.
      expect(later.tranches[1]?.interestPaidCents).to.equal(130_300n);
      expect(later.reserveTopUpCents).to.equal(100_000n);
      expect(later.guaranteeFeePaidCents).to.equal(2_000n);
      expect(later.guaranteeReimbursedCents).to.equal(667_700n);
      expect(later.next.guaranteeDrawnCents).to.equal(332_300n);
      expect(later.residualCents).to.equal(0n);
    });
  });

  describe("principal deficiency ledger", () => {
    // A 8M / B 2M at 12% a year, sequential, no target OC, on a 10M pool.
    const plain = deal({ tranches: [fixed(12), fixed(12)] });
    const ledger = deal({ tranches: [fixed(12), fixed(12)], principalDeficiencyLedger: true });
    const start = (config: typeof plain) => opening(config, [8_000_000n, 2_000_000n]);
    // 1M defaults, 150,000 of interest: 100,000 of coupons, 50,000 of excess spread towards the 1M of losses.
    const loss = period({
      interestCollectionsCents: 150_000n,
      newDefaultsCents: 1_000_000n,
      poolBalanceBeginCents: 10_000_000n,
      poolBalanceEndCents: 9_000_000n,
    });

    it("carries the uncovered loss on the ledger (B's sub-ledger first) instead of writing B down", () => {
      const written = runChecked(plain, start(plain), loss);
      expect(column(written, "writeDownCents")).to.deep.equal([0n, 950_000n]);
      expect(written.next.tranches[1]?.balanceCents).to.equal(1_050_000n);

      const carried = runChecked(ledger, start(ledger), loss);
      expect(column(carried, "principalPaidCents")).to.deep.equal([50_000n, 0n]);
      expect(column(carried, "writeDownCents")).to.deep.equal([0n, 0n]);
      expect(carried.next.tranches.map((t) => t.balanceCents)).to.deep.equal([7_950_000n, 2_000_000n]);
      expect(principalDeficiencies(carried.next, 9_000_000n)).to.deep.equal([0n, 950_000n]);
    });

    it("cures the ledger from the next periods' excess spread before anything reaches the residual", () => {
      const carried = runChecked(ledger, start(ledger), loss);
      const cured = runChecked(
        ledger,
        carried.next,
        period({
          interestCollectionsCents: 1_200_000n,
          poolBalanceBeginCents: 9_000_000n,
          poolBalanceEndCents: 9_000_000n,
        }),
      );
      // Coupons 79,500 + 20,000; then 950,000 of principal to A (the deficiency), 150,500 of residual.
      expect(column(cured, "principalPaidCents")).to.deep.equal([950_000n, 0n]);
      expect(cured.residualCents).to.equal(150_500n);
      expect(principalDeficiencies(cured.next, 9_000_000n)).to.deep.equal([0n, 0n]);
      // B kept its whole balance: without the ledger it would have lost 950,000 for good.
      expect(cured.next.tranches[1]?.balanceCents).to.equal(2_000_000n);
    });

    it("writes off what is still uncured once the pool is exhausted, the most junior first", () => {
      const carried = runChecked(ledger, start(ledger), loss);
      const gone = runChecked(
        ledger,
        carried.next,
        period({ newDefaultsCents: 9_000_000n, poolBalanceBeginCents: 9_000_000n, poolBalanceEndCents: 0n }),
      );
      expect(column(gone, "writeDownCents")).to.deep.equal([7_950_000n, 2_000_000n]);
      expect(gone.next.tranches.map((t) => t.balanceCents)).to.deep.equal([0n, 0n]);
    });
  });

  describe("interest-rate cap", () => {
    // A 8M / B 2M, floating at index + 1%, with a cap struck at 5% on A's balance.
    const floating = { couponType: "floating" as const, couponRateWad: pct(1), floorRateWad: 0n, capRateWad: 0n };
    const capped = deal({ tranches: [floating, floating], cap: { strikeRateWad: pct(5), trancheScope: 1 } });
    const state = opening(capped, [8_000_000n, 2_000_000n]);
    const inputs = (indexRateWad: bigint) =>
      period({ indexRateWad, interestCollectionsCents: 50_000n, poolBalanceEndCents: 10_000_000n });

    it("pays (index - strike) on its notional into the available funds when the index is above the strike", () => {
      // Index 8%: coupons 9% a year, 60,000 + 15,000 due from 50,000 collected; the cap pays 3% / 12 of 8M = 20,000.
      const r = runChecked(capped, state, inputs(pct(8)));
      expect(r.capReceiptCents).to.equal(20_000n);
      expect(column(r, "interestPaidCents")).to.deep.equal([60_000n, 10_000n]);
      const cash = summarizeCash(inputs(pct(8)), r);
      expect(cash.sourcesCents).to.equal(70_000n);
      expect(cash.usesCents).to.equal(70_000n);
    });

    it("pays nothing at or below the strike, and a deal without a cap never receives anything", () => {
      expect(runChecked(capped, state, inputs(pct(5))).capReceiptCents).to.equal(0n);
      expect(runChecked(capped, state, inputs(pct(2))).capReceiptCents).to.equal(0n);
      const uncapped = deal({ tranches: [floating, floating] });
      expect(
        runChecked(uncapped, opening(uncapped, [8_000_000n, 2_000_000n]), inputs(pct(8))).capReceiptCents,
      ).to.equal(0n);
    });

    it("refuses a cap on more tranches than the deal has, or a strike without a cap", () => {
      expect(() => validateWaterfallConfig({ ...capped, cap: { strikeRateWad: pct(5), trancheScope: 3 } })).to.throw(
        /cap: expected a tranche scope of 1 to the 2 tranches/,
      );
      expect(() => validateWaterfallConfig({ ...capped, cap: { strikeRateWad: pct(5), trancheScope: 0 } })).to.throw(
        WaterfallError,
      );
    });
  });

  describe("interest-rate swap", () => {
    // A 8M / B 2M, floating at index + 1%; the deal swaps A's balance to a fixed 5%: it pays 5% and receives the
    // index, net. Fee 0 is the trustee's (1,000 a period), fee 1 the swap's pay leg (no terms of its own).
    const floating = { couponType: "floating" as const, couponRateWad: pct(1), floorRateWad: 0n, capRateWad: 0n };
    const swapped = deal({
      tranches: [floating, floating],
      fees: [
        { fixedCents: 1_000n, rateWad: 0n },
        { fixedCents: 0n, rateWad: 0n },
      ],
      cap: { strikeRateWad: pct(5), trancheScope: 1, payLegFee: 2 },
    });
    const state = opening(swapped, [8_000_000n, 2_000_000n]);
    const inputs = (indexRateWad: bigint, interestCollectionsCents = 50_000n) =>
      period({ indexRateWad, interestCollectionsCents, poolBalanceEndCents: 10_000_000n });

    it("has the deal pay (strike - index) on the notional through its pay-leg fee when the index is below the strike", () => {
      // Index 2%: the deal owes 3% / 12 of 8M = 20,000 to the counterparty, in the pay-leg fee's place (after the
      // trustee's 1,000, before the notes: A 3% / 12 of 8M = 20,000, B 5,000).
      const r = runChecked(swapped, state, inputs(pct(2)));
      expect(r.fees.map((f) => f.dueCents)).to.deep.equal([1_000n, 20_000n]);
      expect(r.fees.map((f) => f.paidCents)).to.deep.equal([1_000n, 20_000n]);
      expect(r.capReceiptCents).to.equal(0n);
      expect(column(r, "interestPaidCents")).to.deep.equal([20_000n, 5_000n]);
      expect(swapPayment(swapped, state, inputs(pct(2)))).to.equal(20_000n);
    });

    it("receives (index - strike) as a cap does when the index is above it, and nothing moves at the strike", () => {
      const above = runChecked(swapped, state, inputs(pct(8)));
      expect(above.capReceiptCents).to.equal(20_000n);
      expect(above.fees.map((f) => f.dueCents)).to.deep.equal([1_000n, 0n]);
      const at = runChecked(swapped, state, inputs(pct(5)));
      expect([at.capReceiptCents, at.fees[1]?.dueCents]).to.deep.equal([0n, 0n]);
    });

    it("carries an unpaid swap payment to the next period without interest, then pays it first", () => {
      // 15,000 collected: the trustee takes 1,000 and the counterparty 14,000 of its 20,000; 6,000 is carried.
      const short = runChecked(swapped, state, inputs(pct(2), 15_000n));
      expect(short.fees[1]?.paidCents).to.equal(14_000n);
      expect(short.next.feeShortfallsCents).to.deep.equal([0n, 6_000n]);
      const next = runChecked(swapped, short.next, inputs(pct(2), 80_000n));
      expect(next.fees[1]?.dueCents).to.equal(26_000n);
      expect(next.fees[1]?.paidCents).to.equal(26_000n);
    });

    it("neither pays nor is paid after its expiry period", () => {
      const termed = { ...swapped, cap: { strikeRateWad: pct(5), trancheScope: 1, payLegFee: 2, expiryPeriod: 3 } };
      const at = (period: number, index: bigint) => runChecked(termed, state, { ...inputs(index), period });
      expect(at(3, pct(2)).fees[1]?.dueCents).to.equal(20_000n);
      expect(at(4, pct(2)).fees[1]?.dueCents).to.equal(0n);
      expect(at(3, pct(8)).capReceiptCents).to.equal(20_000n);
      expect(at(4, pct(8)).capReceiptCents).to.equal(0n);
    });

    it("refuses a pay leg naming no fee, or one without a cap", () => {
      expect(() =>
        validateWaterfallConfig({ ...swapped, cap: { strikeRateWad: pct(5), trancheScope: 1, payLegFee: 3 } }),
      ).to.throw(/a pay leg of 0 \(a cap\) or one of the 2 fees \(a swap\)/);
      expect(() =>
        validateWaterfallConfig({ ...swapped, cap: { strikeRateWad: 0n, trancheScope: 0, payLegFee: 1 } }),
      ).to.throw(WaterfallError);
    });
  });

  describe("liquidity facility", () => {
    // A 1,000,000 line: commitment fee 0.6% a year on the undrawn part, usage fee 6% a year on the opening draws,
    // drawable in periods 1 to 3; it covers the interest of both tranches (no reserve).
    const config = deal({
      tranches: [fixed(12), fixed(12)],
      guarantee: {
        limitCents: 1_000_000n,
        feeRateWad: pct(0.6),
        coversFees: false,
        coveredTranches: 2,
        usageRateWad: pct(6),
        feeOnUndrawn: true,
        expiryPeriod: 3,
      },
    });

    it("charges the commitment fee on the undrawn part and the usage fee on the draws, in one fee step", () => {
      const state = opening(config, [10_000_000n, 10_000_000n], { guaranteeDrawnCents: 400_000n });
      const r = runChecked(
        config,
        state,
        period({ period: 2, interestCollectionsCents: 1_000_000n, poolBalanceEndCents: 20_000_000n }),
      );
      // Undrawn 600,000 x 0.6% / 12 = 300; drawn 400,000 x 6% / 12 = 2,000.
      expect(r.guaranteeFeeDueCents).to.equal(2_300n);
      expect(r.guaranteeFeePaidCents).to.equal(2_300n);
      // 1,000,000 - 200,000 interest - 2,300 fees repays the 400,000 drawn.
      expect(r.guaranteeReimbursedCents).to.equal(400_000n);
      expect(r.next.guaranteeDrawnCents).to.equal(0n);
    });

    it("is drawn up to its room while open, and not at all after its expiry period, whose usage fee still runs", () => {
      const state = opening(config, [10_000_000n, 10_000_000n], { guaranteeDrawnCents: 400_000n });
      const short = period({ interestCollectionsCents: 20_000n, poolBalanceEndCents: 20_000_000n });
      // Period 3, the last it is open: A's 100,000 and B's 100,000 from 20,000, the facility fills 180,000 of the
      // gap (room 600,000).
      const open = runChecked(config, state, { ...short, period: 3 });
      expect(open.guaranteeDrawCents).to.equal(180_000n);
      expect(column(open, "interestPaidCents")).to.deep.equal([100_000n, 100_000n]);

      // Period 4: expired. No draw, the interest shortfall stays with B, A gets the 20,000.
      const expired = runChecked(config, state, { ...short, period: 4 });
      expect(expired.guaranteeDrawCents).to.equal(0n);
      expect(column(expired, "interestPaidCents")).to.deep.equal([20_000n, 0n]);
      // No commitment fee after the expiry; the 400,000 outstanding still bears its usage fee: 2,000.
      expect(expired.guaranteeFeeDueCents).to.equal(2_000n);
      expect(expired.next.guaranteeDrawnCents).to.equal(400_000n);
    });

    it("charges a guarantee's fee on its whole limit when the commitment fee is not on the undrawn part", () => {
      const guarantee = { ...config, guarantee: { ...config.guarantee, feeOnUndrawn: false, usageRateWad: 0n } };
      const state = opening(guarantee, [10_000_000n, 10_000_000n], { guaranteeDrawnCents: 400_000n });
      const r = runChecked(
        guarantee,
        state,
        period({ interestCollectionsCents: 1_000_000n, poolBalanceEndCents: 20_000_000n }),
      );
      // 1,000,000 x 0.6% / 12 = 500, drawn or not.
      expect(r.guaranteeFeeDueCents).to.equal(500n);
    });
  });

  describe("triggers", () => {
    it("measures overcollateralization over a tranche scope, rounding toward a breach", () => {
      const config = deal({
        tranches: [fixed(0), fixed(0)],
        triggers: [
          trigger({
            kind: "overcollateralization",
            effect: "switchToSequential",
            trancheScope: 1,
            thresholdWad: pct(150),
          }),
          trigger({ kind: "overcollateralization", effect: "switchToSequential", thresholdWad: pct(100) }),
        ],
      });
      const r = runChecked(
        config,
        opening(config, [30_000_000n, 60_000_000n]),
        period({ principalCollectionsCents: 0n, poolBalanceEndCents: 89_999_999n }),
      );
      // Class A: 89,999,999 / 30,000,000 = 2.99999996...; all: 89,999,999 / 90,000,000 = 0.99999998..., below 100%.
      expect(r.triggers.map((t) => t.valueWad)).to.deep.equal([2_999_999_966_666_666_666n, 999_999_988_888_888_888n]);
      expect(r.triggers.map((t) => t.breached)).to.deep.equal([false, true]);
    });

    it("measures interest coverage over fees and the scope's interest; unbounded over nothing due", () => {
      const config = deal({
        tranches: [fixed(12), fixed(0)],
        fees: [{ fixedCents: 50_000n, rateWad: 0n }],
        triggers: [
          trigger({ kind: "interestCoverage", effect: "trapExcessSpread", trancheScope: 1, thresholdWad: pct(120) }),
          trigger({ kind: "interestCoverage", effect: "trapExcessSpread", trancheScope: 2, thresholdWad: pct(120) }),
        ],
      });
      const r = runChecked(
        config,
        opening(config, [10_000_000n, 5_000_000n]),
        period({ interestCollectionsCents: 180_000n, poolBalanceEndCents: 15_000_000n }),
      );
      // 180,000 / (50,000 + 100,000) = 1.2: not below 120%.
      expect(r.triggers.map((t) => t.valueWad)).to.deep.equal([pct(120), pct(120)]);
      expect(r.triggers.some((t) => t.breached)).to.equal(false);
      const nothingDue = deal({
        tranches: [fixed(0)],
        triggers: [trigger({ kind: "interestCoverage", effect: "trapExcessSpread", thresholdWad: pct(120) })],
      });
      const free = runChecked(nothingDue, opening(nothingDue, [1n]), period({ poolBalanceEndCents: 1n }));
      expect(free.triggers[0]?.valueWad).to.equal(MAX_UINT256);
    });

    it("uses the cumulative net loss schedule of the period, its last value after its end", () => {
      const config = deal({
        tranches: [fixed(0)],
        originalPoolBalanceCents: 1_000_000n,
        triggers: [
          trigger({
            kind: "cumulativeNetLoss",
            effect: "switchToSequential",
            thresholdWad: pct(50),
            scheduleWad: [pct(1), pct(2), pct(3)],
          }),
        ],
      });
      const state = opening(config, [1_000_000n], { cumulativeNetLossCents: 25_000n });
      const at = (p: number) => runChecked(config, state, period({ period: p, poolBalanceEndCents: 1_000_000n }));
      expect([0, 1, 2, 3, 9].map((p) => at(p).triggers[0]?.thresholdWad)).to.deep.equal([
        pct(1),
        pct(1),
        pct(2),
        pct(3),
        pct(3),
      ]);
      expect([1, 2, 3].map((p) => at(p).triggers[0]?.breached)).to.deep.equal([true, true, false]);
    });

    it("rounds the delinquency ratio up and traps the excess spread in the reserve while breached", () => {
      const config = deal({
        tranches: [fixed(12)],
        reserve: { targetWad: 0n, floorCents: 10_000n, coversFees: false, coveredTranches: 0 },
        triggers: [trigger({ kind: "delinquency60", effect: "trapExcessSpread", thresholdWad: pct(5) })],
      });
      const r = runChecked(
        config,
        opening(config, [3_000_000n]),
        period({
          interestCollectionsCents: 100_000n,
          delinquent60PlusCents: 150_001n,
          poolBalanceEndCents: 3_000_000n,
        }),
      );
      // 150,001 / 3,000,000 = 0.0500003333... rounded up.
      expect(r.triggers[0]?.valueWad).to.equal(50_000_333_333_333_334n);
      expect(r.trapping).to.equal(true);
      // 100,000 - 30,000 interest: all 70,000 into the reserve, above its 10,000 target; no residual.
      expect(r.reserveTopUpCents).to.equal(70_000n);
      expect(r.residualCents).to.equal(0n);
    });

    it("keeps trapped cash in the reserve, above its target, while the trap trigger stays breached", () => {
      const config = deal({
        tranches: [fixed(12)],
        reserve: { targetWad: 0n, floorCents: 10_000n, coversFees: false, coveredTranches: 0 },
        triggers: [trigger({ kind: "delinquency60", effect: "trapExcessSpread", thresholdWad: pct(5) })],
      });
      const inputs = period({
        interestCollectionsCents: 100_000n,
        delinquent60PlusCents: 300_000n,
        poolBalanceEndCents: 3_000_000n,
      });
      const state = opening(config, [3_000_000n], { reserveCents: 80_000n });
      const trapped = runChecked(config, state, inputs);
      expect(trapped.reserveReleaseCents).to.equal(0n);
      expect(trapped.next.reserveCents).to.equal(150_000n); // 80,000 + 100,000 - 30,000 interest
      // Cured: the reserve above its 10,000 target is released into the available funds.
      const cured = runChecked(config, trapped.next, { ...inputs, delinquent60PlusCents: 0n });
      expect(cured.reserveReleaseCents).to.equal(140_000n);
      expect(cured.residualCents).to.equal(210_000n); // 100,000 + 140,000 - 30,000
    });

    it("accelerates on an event of default: after fees, interest then principal tranche by tranche", () => {
      const config = deal({
        tranches: [fixed(12), fixed(12), NO_COUPON],
        fees: [{ fixedCents: 10_000n, rateWad: 0n }],
        principalMode: "proRata",
        reserve: { targetWad: pct(10), floorCents: 0n, coversFees: false, coveredTranches: 0 },
        triggers: [
          trigger({ kind: "overcollateralization", effect: "eventOfDefault", curable: false, thresholdWad: pct(100) }),
        ],
      });
      const state = opening(config, [1_000_000n, 2_000_000n, 1_000_000n], { reserveCents: 400_000n });
      const r = runChecked(
        config,
        state,
        period({
          interestCollectionsCents: 100_000n,
          principalCollectionsCents: 1_500_000n,
          poolBalanceEndCents: 2_000_000n,
        }),
      );
      // OC (2M + 1.5M) / 4M < 100%: accelerated. The reserve (400,000) is released; 2,000,000 available.
      expect(r.accelerated).to.equal(true);
      expect(r.reserveReleaseCents).to.equal(400_000n);
      // Fee 10,000; A 10,000 interest then its 1,000,000; B 20,000 interest then 960,000 of principal.
      expect(column(r, "interestPaidCents")).to.deep.equal([10_000n, 20_000n, 0n]);
      expect(column(r, "principalPaidCents")).to.deep.equal([1_000_000n, 960_000n, 0n]);
      expect(r.residualCents).to.equal(0n);
      // 1,040,000 + 1,000,000 left over a pool of 2,000,000: C written down by 40,000.
      expect(column(r, "writeDownCents")).to.deep.equal([0n, 0n, 40_000n]);
      // Non-curable: still accelerated the next period even with a healthy ratio.
      const next = runChecked(config, r.next, period({ period: 2, poolBalanceEndCents: 10_000_000n }));
      expect(next.accelerated).to.equal(true);
    });
  });

  describe("conservation (WF-1) on random periods", () => {
    it("creates and loses no cent, whatever the shortfalls", () => {
      const config = deal({
        tranches: [fixed(5), floating(1.5, 1, 9), NO_COUPON],
        fees: [{ fixedCents: 1_000n, rateWad: pct(0.3) }],
        principalMode: "proRata",
        reserve: { targetWad: pct(1), floorCents: 0n, coversFees: true, coveredTranches: 2 },
        guarantee: { limitCents: 50_000n, feeRateWad: pct(0.5), coversFees: true, coveredTranches: 1 },
      });
      fc.assert(
        fc.property(
          fc.bigInt(0n, 10n ** 9n),
          fc.bigInt(0n, 10n ** 9n),
          fc.bigInt(0n, 10n ** 9n),
          fc.bigInt(0n, 10n ** 7n),
          fc.bigInt(0n, 10n ** 8n),
          fc.bigInt(0n, 10n ** 9n),
          (a, b, c, interest, principal, poolEnd) => {
            const state = opening(config, [a, b, c], { reserveCents: interest / 3n });
            const inputs = period({
              indexRateWad: pct(2),
              interestCollectionsCents: interest,
              principalCollectionsCents: principal,
              poolBalanceBeginCents: a + b + c,
              poolBalanceEndCents: poolEnd,
            });
            const r = runWaterfall(config, state, inputs);
            const cash = summarizeCash(inputs, r);
            expect(cash.usesCents).to.equal(cash.sourcesCents);
            expect(checkPeriodInvariants(config, state, inputs, r)).to.deep.equal([]);
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe("shape checks (as the contract's run)", () => {
    const config = deal({ tranches: [fixed(1), fixed(2)], principalMode: "targeted" });

    it("refuses a state or inputs that do not match the configuration, naming the contract's error", () => {
      const state = opening(config, [1n, 1n]);
      const cases = [
        { state: opening(config, [1n]), inputs: period({ targetBalancesCents: [0n, 0n] }), args: ["tranches", 1n, 2n] },
        {
          state: { ...state, feeShortfallsCents: [0n] },
          inputs: period({ targetBalancesCents: [0n, 0n] }),
          args: ["fees", 1n, 0n],
        },
        {
          state: { ...state, triggersBreached: [true] },
          inputs: period({ targetBalancesCents: [0n, 0n] }),
          args: ["triggers", 1n, 0n],
        },
        { state, inputs: period({}), args: ["targets", 0n, 2n] },
      ];
      for (const c of cases) {
        expect(() => runWaterfall(config, c.state, c.inputs))
          .to.throw(WaterfallError)
          .with.property("contractError")
          .that.deep.equals({ name: "WaterfallLengthMismatch", args: c.args });
      }
    });

    it("refuses recoveries above the principal collections", () => {
      const error = (() => {
        try {
          runWaterfall(
            config,
            opening(config, [1n, 1n]),
            period({ recoveriesCents: 2n, principalCollectionsCents: 1n, targetBalancesCents: [0n, 0n] }),
          );
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).to.be.instanceOf(WaterfallError);
      expect(error).to.include({ code: "INVALID_PERIOD_INPUTS", retryable: false });
      expect((error as WaterfallError).contractError).to.deep.equal({
        name: "WaterfallRecoveriesExceedCollections",
        args: [2n, 1n],
      });
    });
  });

  it("leaves its inputs untouched", () => {
    const config = deal({ tranches: [fixed(10), fixed(10)] });
    const state = opening(config, [5_000_000n, 5_000_000n], { reserveCents: 7n });
    const inputs = period({ interestCollectionsCents: 10n, poolBalanceEndCents: 1_000_000n });
    const before = JSON.stringify([config, state, inputs], (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v));
    const r = runChecked(config, state, inputs);
    expect(balances(r)).to.deep.equal([1_000_000n, 0n]);
    expect(JSON.stringify([config, state, inputs], (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v))).to.equal(
      before,
    );
  });
});

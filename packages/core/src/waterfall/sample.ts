import { type PeriodInputs, type WaterfallConfig, type WaterfallState } from "./types";

const PERCENT = 10n ** 16n; // 1% as a wad
const BPS = 10n ** 14n; // 0.01% as a wad

/**
 * A representative consumer-loan deal, for benchmarks and examples: CNY 1bn pool, five tranches (AAA fixed, AA
 * floating with floor and cap, A and BBB fixed, a subordinated tranche without coupon), trustee / servicer /
 * custodian fees, a reserve account (1.5% of the pool, floor CNY 2m), a CNY 20m guarantee facility, and four
 * triggers: overcollateralization of the seniors (switch to sequential), interest coverage (trap excess spread),
 * a cumulative net loss schedule (event of default, non-curable) and 60+ delinquency (switch to sequential).
 * Principal is pro rata. The period is an ordinary one: every trigger measured and passing, every amount due
 * paid (a carried shortfall included), the reserve released down to its target, the excess spread to the residual.
 */
export function sampleDeal(): { config: WaterfallConfig; state: WaterfallState; inputs: PeriodInputs } {
  const config: WaterfallConfig = {
    yearBasisDays: 360,
    principalMode: "proRata",
    targetOcWad: 2n * PERCENT,
    ocFloorCents: 500_000_000n,
    originalPoolBalanceCents: 100_000_000_000n,
    tranches: [
      { couponType: "fixed", couponRateWad: 300n * BPS, floorRateWad: 0n, capRateWad: 0n },
      { couponType: "floating", couponRateWad: 120n * BPS, floorRateWad: 200n * BPS, capRateWad: 800n * BPS },
      { couponType: "fixed", couponRateWad: 450n * BPS, floorRateWad: 0n, capRateWad: 0n },
      { couponType: "fixed", couponRateWad: 600n * BPS, floorRateWad: 0n, capRateWad: 0n },
      { couponType: "none", couponRateWad: 0n, floorRateWad: 0n, capRateWad: 0n },
    ],
    fees: [
      { fixedCents: 2_000_000n, rateWad: 0n }, // trustee
      { fixedCents: 0n, rateWad: 100n * BPS }, // servicer, 1% a year
      { fixedCents: 500_000n, rateWad: 2n * BPS }, // custodian
    ],
    steps: [
      { kind: "fee", index: 0 },
      { kind: "fee", index: 1 },
      { kind: "fee", index: 2 },
      { kind: "interest", index: 0 },
      { kind: "interest", index: 1 },
      { kind: "interest", index: 2 },
      { kind: "interest", index: 3 },
      { kind: "principal", index: 0 },
      { kind: "reserveTopUp", index: 0 },
      { kind: "guaranteeFee", index: 0 },
      { kind: "guaranteeReimbursement", index: 0 },
      { kind: "interest", index: 4 },
    ],
    reserve: { targetWad: 150n * BPS, floorCents: 200_000_000n, coversFees: true, coveredTranches: 2 },
    guarantee: { limitCents: 2_000_000_000n, feeRateWad: 50n * BPS, coversFees: true, coveredTranches: 1 },
    triggers: [
      {
        kind: "overcollateralization",
        effect: "switchToSequential",
        curable: true,
        trancheScope: 2,
        thresholdWad: 115n * PERCENT,
        scheduleWad: [],
      },
      {
        kind: "interestCoverage",
        effect: "trapExcessSpread",
        curable: true,
        trancheScope: 0,
        thresholdWad: 110n * PERCENT,
        scheduleWad: [],
      },
      {
        kind: "cumulativeNetLoss",
        effect: "eventOfDefault",
        curable: false,
        trancheScope: 0,
        thresholdWad: 8n * PERCENT,
        scheduleWad: [PERCENT, 2n * PERCENT, 3n * PERCENT, 4n * PERCENT, 5n * PERCENT, 6n * PERCENT],
      },
      {
        kind: "delinquency60",
        effect: "switchToSequential",
        curable: true,
        trancheScope: 0,
        thresholdWad: 5n * PERCENT,
        scheduleWad: [],
      },
    ],
  };
  const state: WaterfallState = {
    tranches: [
      { balanceCents: 70_000_000_000n, interestShortfallCents: 0n, writtenDownCents: 0n },
      { balanceCents: 10_000_000_000n, interestShortfallCents: 0n, writtenDownCents: 0n },
      { balanceCents: 6_000_000_000n, interestShortfallCents: 0n, writtenDownCents: 0n },
      { balanceCents: 4_000_000_000n, interestShortfallCents: 1_000_000n, writtenDownCents: 0n },
      { balanceCents: 8_000_000_000n, interestShortfallCents: 0n, writtenDownCents: 0n },
    ],
    feeShortfallsCents: [0n, 0n, 0n],
    triggersBreached: [false, false, false, false],
    reserveCents: 1_500_000_000n,
    guaranteeDrawnCents: 0n,
    guaranteeFeeShortfallCents: 0n,
    cumulativeNetLossCents: 300_000_000n,
  };
  const inputs: PeriodInputs = {
    period: 4,
    accrualDays: 30,
    indexRateWad: 250n * BPS,
    accelerated: false,
    interestCollectionsCents: 720_000_000n,
    principalCollectionsCents: 2_500_000_000n,
    recoveriesCents: 50_000_000n,
    newDefaultsCents: 150_000_000n,
    delinquent60PlusCents: 1_800_000_000n,
    poolBalanceBeginCents: 100_000_000_000n,
    poolBalanceEndCents: 97_400_000_000n,
    targetBalancesCents: [],
  };
  return { config, state, inputs };
}

import {
  AssetPool__factory,
  TrancheToken__factory,
  Waterfall__factory,
  WaterfallFactory__factory,
} from "../typechain-types";
import { waterfall as wf } from "@abs/core";
import { confirm, type DeployContext } from "./consortium";

const PERCENT = 10n ** 16n;
const BPS = 10n ** 14n;
const COUPON_TYPES = ["fixed", "floating", "none"] as const;

/**
 * The sample deal's priority of payments, from its tranches' terms: trustee fee 2,000.00 a period, servicer fee
 * 0.50% a year, interest by seniority, sequential principal down to the pool less a 2% overcollateralization target,
 * a reserve (1% of the pool, covering the fees and the senior interest), no guarantee, and three triggers:
 * overcollateralization of the seniors below 105% (switch to sequential, curable), cumulative net loss above 5%
 * (event of default, non-curable) and 60+ days delinquent loans above 4% of the pool (trap the excess spread in the
 * reserve, curable: the sample's delinquencies breach it in period 2 and cure it in period 3).
 */
export function sampleWaterfallConfig(coupons: wf.CouponTerms[], originalPoolBalanceCents: bigint): wf.WaterfallConfig {
  const n = coupons.length;
  const steps: wf.WaterfallStep[] = [
    { kind: "fee", index: 0 },
    { kind: "fee", index: 1 },
    ...coupons.map((_, t) => ({ kind: "interest" as const, index: t })),
    { kind: "principal", index: 0 },
    { kind: "reserveTopUp", index: 0 },
    { kind: "guaranteeFee", index: 0 },
    { kind: "guaranteeReimbursement", index: 0 },
  ];
  return {
    yearBasisDays: 360,
    principalMode: "sequential",
    targetOcWad: 2n * PERCENT,
    ocFloorCents: 0n,
    originalPoolBalanceCents,
    tranches: coupons,
    fees: [
      { fixedCents: 2_000_00n, rateWad: 0n },
      { fixedCents: 0n, rateWad: 50n * BPS },
    ],
    steps,
    reserve: { targetWad: PERCENT, floorCents: 0n, coversFees: true, coveredTranches: 1 },
    guarantee: { limitCents: 0n, feeRateWad: 0n, coversFees: false, coveredTranches: 0 },
    triggers: [
      {
        kind: "overcollateralization",
        effect: "switchToSequential",
        curable: true,
        trancheScope: Math.max(1, n - 1),
        thresholdWad: 105n * PERCENT,
        scheduleWad: [],
      },
      {
        kind: "cumulativeNetLoss",
        effect: "eventOfDefault",
        curable: false,
        trancheScope: 0,
        thresholdWad: 5n * PERCENT,
        scheduleWad: [],
      },
      {
        kind: "delinquency60",
        effect: "trapExcessSpread",
        curable: true,
        trancheScope: 0,
        thresholdWad: 4n * PERCENT,
        scheduleWad: [],
      },
    ],
  };
}

/**
 * Gives the sample deal its waterfall while the pool is Structured: created by the governed `WaterfallFactory`,
 * configured (fees to the deal's trustee and servicer, the residual to its originator) and named in the pool.
 * Call it between `markStructured` and `openOffering`. Idempotent: a pool that already has a waterfall, or is past
 * Structured, is left as it is. Returns the pool's waterfall (zero if it has none).
 */
export async function deploySampleWaterfall(
  ctx: DeployContext,
  deps: { pool: string; waterfallFactory: string; trustee: string },
): Promise<string> {
  const trustee = ctx.signerOf(deps.trustee);
  const pool = AssetPool__factory.connect(deps.pool, trustee);
  const existing = await pool.waterfall();
  if (existing !== "0x0000000000000000000000000000000000000000" || (await pool.state()) !== 1n) return existing;

  const factory = WaterfallFactory__factory.connect(deps.waterfallFactory, trustee);
  const address = await factory.createWaterfall.staticCall(deps.pool);
  await confirm(factory.createWaterfall(deps.pool));
  const coupons: wf.CouponTerms[] = [];
  for (const tranche of await pool.tranches()) {
    const terms = await TrancheToken__factory.connect(tranche, ctx.provider).terms();
    const couponType = COUPON_TYPES[Number(terms.couponType)] ?? "none";
    coupons.push({ couponType, couponRateWad: terms.couponRateWad, floorRateWad: 0n, capRateWad: 0n });
  }
  const tape = await pool.tape(1);
  const config = sampleWaterfallConfig(coupons, tape.anchor.totalPrincipalCents);
  const waterfall = Waterfall__factory.connect(address, trustee);
  await confirm(
    waterfall.configure(wf.toAbiConfig(config), {
      feeRecipients: [await pool.trustee(), await pool.servicer()],
      equityHolder: await pool.originator(),
      guarantor: "0x0000000000000000000000000000000000000000",
    }),
  );
  await confirm(pool.setWaterfall(address));
  ctx.log(`deal    waterfall ${address} configured and named in the pool`);
  return address;
}

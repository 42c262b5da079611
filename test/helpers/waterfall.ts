import { ethers } from "hardhat";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  type CashToken,
  type ITrancheToken,
  type Waterfall,
  type WaterfallEngine,
  type WaterfallFactory,
} from "../../typechain-types";
import {
  fromAbiResult,
  runWaterfall,
  sampleDeal,
  toAbiConfig,
  type PeriodInputs,
  type PeriodResult,
  type WaterfallConfig,
  type WaterfallState,
} from "../../packages/core/src/waterfall";
import {
  advance,
  type AdvanceOptions,
  type DeployDealOptions,
  CouponType,
  deployDeal,
  periodReport,
  POOL_PRINCIPAL_CENTS,
  type PeriodReport,
  trancheTerms,
  type TrancheTerms,
} from "./pool";

const PERCENT = 10n ** 16n;
const BPS = 10n ** 14n;

/**
 * The waterfall of the sample deal (tranches A 80M fixed 4.5%, B 12M fixed 6.5%, C 5M no coupon, on a 100M pool):
 * trustee and servicer fees, pro-rata principal down to the pool less a 3% target overcollateralization, a reserve
 * (1% of the pool, covering fees and A, B interest), a 1M guarantee (covering fees and A interest), and four
 * triggers: OC of A+B below 105% switches to sequential, interest coverage below 100% traps excess spread,
 * cumulative net loss above 5% is an event of default (non-curable), 60+ delinquency above 4% switches to
 * sequential.
 */
export function sampleWaterfallConfig(fields: Partial<WaterfallConfig> = {}): WaterfallConfig {
  return {
    yearBasisDays: 360,
    principalMode: "proRata",
    targetOcWad: 3n * PERCENT,
    ocFloorCents: 0n,
    originalPoolBalanceCents: POOL_PRINCIPAL_CENTS,
    tranches: [
      { couponType: "fixed", couponRateWad: 450n * BPS, floorRateWad: 0n, capRateWad: 0n },
      { couponType: "fixed", couponRateWad: 650n * BPS, floorRateWad: 0n, capRateWad: 0n },
      { couponType: "none", couponRateWad: 0n, floorRateWad: 0n, capRateWad: 0n },
    ],
    fees: [
      { fixedCents: 2_000_00n, rateWad: 0n }, // trustee
      { fixedCents: 0n, rateWad: 50n * BPS }, // servicer, 0.5% a year
    ],
    steps: [
      { kind: "fee", index: 0 },
      { kind: "fee", index: 1 },
      { kind: "interest", index: 0 },
      { kind: "interest", index: 1 },
      { kind: "interest", index: 2 },
      { kind: "principal", index: 0 },
      { kind: "reserveTopUp", index: 0 },
      { kind: "guaranteeFee", index: 0 },
      { kind: "guaranteeReimbursement", index: 0 },
    ],
    reserve: { targetWad: PERCENT, floorCents: 0n, coversFees: true, coveredTranches: 2 },
    guarantee: { limitCents: 1_000_000_00n, feeRateWad: 50n * BPS, coversFees: true, coveredTranches: 1 },
    triggers: [
      {
        kind: "overcollateralization",
        effect: "switchToSequential",
        curable: true,
        trancheScope: 2,
        thresholdWad: 105n * PERCENT,
        scheduleWad: [],
      },
      {
        kind: "interestCoverage",
        effect: "trapExcessSpread",
        curable: true,
        trancheScope: 0,
        thresholdWad: 100n * PERCENT,
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
        effect: "switchToSequential",
        curable: true,
        trancheScope: 0,
        thresholdWad: 4n * PERCENT,
        scheduleWad: [],
      },
    ],
    ...fields,
  };
}

/** A bank reference for the custodian's mints, unique per label. */
export function bankRef(label: string): string {
  return ethers.id(`bank-ref:${label}`);
}

/**
 * The sample deal with a real cash token, driven to Structured; the shared engine and the waterfall factory
 * deployed and authorised by governance; the trustee's waterfall created (not configured, not named in the pool).
 */
export async function deployUnconfiguredWaterfall(options: DeployDealOptions = {}) {
  const deal = await deployDeal(options);
  await advance(deal, "Structured");
  const { registry, deployer, trustee, pool } = deal;
  const cash = (await ethers.getContractAt("CashToken", await deal.cashToken.getAddress())) as unknown as CashToken;

  const engine = (await ethers.deployContract("WaterfallEngine", [], deployer)) as unknown as WaterfallEngine;
  const factory = (await ethers.deployContract(
    "WaterfallFactory",
    [await registry.getAddress(), await engine.getAddress(), (await ethers.getContractFactory("Waterfall")).bytecode],
    deployer,
  )) as unknown as WaterfallFactory;
  await deal.authorizeFactory(await factory.getAddress());

  const address = await factory.connect(trustee).createWaterfall.staticCall(await pool.getAddress());
  await (await factory.connect(trustee).createWaterfall(await pool.getAddress())).wait();
  const waterfall = (await ethers.getContractAt("Waterfall", address)) as unknown as Waterfall;
  return { ...deal, cash, engine, factory, waterfall };
}

/** The payees of the test deals: fee 0 to the trustee, the others to the servicer, equity to the originator. */
export function sampleParties(deal: Awaited<ReturnType<typeof deployUnconfiguredWaterfall>>, config: WaterfallConfig) {
  // A swap's pay-leg fee goes to its counterparty, here the guarantor's bank.
  const payLeg = (config.cap?.payLegFee ?? 0) - 1;
  const recipient = (f: number) =>
    f === payLeg ? deal.guarantor.address : f === 0 ? deal.trustee.address : deal.servicer.address;
  return {
    feeRecipients: config.fees.map((_, f) => recipient(f)),
    equityHolder: deal.originator.address,
    guarantor: config.guarantee.limitCents > 0n ? deal.guarantor.address : ethers.ZeroAddress,
  };
}

/**
 * `deployUnconfiguredWaterfall`, then the waterfall configured with `config` and named in the pool, the deal
 * issued (Active), and the guarantor's whole facility committed in cash. Fee recipients: trustee, servicer (a
 * swap's pay-leg fee: the guarantor); equity: originator.
 */
export async function deployWaterfallDeal(config: WaterfallConfig = sampleWaterfallConfig()) {
  const base = await deployUnconfiguredWaterfall();
  return configureAndIssue(base, config);
}

/**
 * Configure `base`'s waterfall with `config` (and, for a `scheduled` deal, fix `scheduleCents`), name it in the
 * pool, issue the deal and commit the guarantee.
 */
export async function configureAndIssue(
  base: Awaited<ReturnType<typeof deployUnconfiguredWaterfall>>,
  config: WaterfallConfig,
  options: AdvanceOptions = {},
  scheduleCents?: readonly (readonly bigint[])[],
) {
  const { trustee, pool, guarantor, custodian, cash, waterfall } = base;
  const address = await waterfall.getAddress();
  const parties = sampleParties(base, config);
  await (await waterfall.connect(trustee).configure(toAbiConfig(config), parties)).wait();
  if (scheduleCents !== undefined) {
    await (await waterfall.connect(trustee).setSchedule(scheduleCents.map((targets) => [...targets]))).wait();
  }
  await (await pool.connect(trustee).setWaterfall(address)).wait();
  await advance(base, "Active", options);

  const limit = config.guarantee.limitCents;
  if (limit > 0n) {
    await (await cash.connect(custodian).mint(guarantor.address, limit, bankRef("guarantee"))).wait();
    await (await cash.connect(guarantor).approve(address, limit)).wait();
    await (await waterfall.connect(guarantor).commitGuarantee(limit)).wait();
  }

  const tranches: ITrancheToken[] = base.tranches;
  return { ...base, config, parties, tranches };
}

export type WaterfallDeal = Awaited<ReturnType<typeof deployWaterfallDeal>>;

/** Collections of a report: interest + scheduled principal + prepayments + recoveries. */
export function collectionsOf(r: PeriodReport): bigint {
  return (
    BigInt(r.interestCollectedCents) +
    BigInt(r.scheduledPrincipalCents) +
    BigInt(r.prepaymentCents) +
    BigInt(r.recoveryCents)
  );
}

/**
 * The servicer reports `period` (the sample report with `fields`), the custodian credits the collections to the
 * servicer, and the servicer deposits them in the waterfall (unless `deposit` is false). Returns the report.
 */
export async function reportAndDeposit(
  deal: WaterfallDeal,
  period: number,
  fields: Partial<PeriodReport> = {},
  deposit = true,
): Promise<PeriodReport> {
  const { pool, servicer, custodian, cash, waterfall } = deal;
  const r = periodReport(period, fields);
  await (await pool.connect(servicer).submitReport(r)).wait();
  const amount = collectionsOf(r);
  if (deposit && amount > 0n) {
    await (await cash.connect(custodian).mint(servicer.address, amount, bankRef(`collections:${period}`))).wait();
    await (await cash.connect(servicer).transfer(await waterfall.getAddress(), amount)).wait();
  }
  return r;
}

/** The waterfall's carried state, as the engine's type. */
export async function stateOf(waterfall: Waterfall): Promise<WaterfallState> {
  const s = await waterfall.waterfallState();
  return {
    tranches: s.tranches.map((t) => ({
      balanceCents: t.balanceCents,
      interestShortfallCents: t.interestShortfallCents,
      writtenDownCents: t.writtenDownCents,
    })),
    feeShortfallsCents: [...s.feeShortfallsCents],
    triggersBreached: [...s.triggersBreached],
    reserveCents: s.reserveCents,
    guaranteeDrawnCents: s.guaranteeDrawnCents,
    guaranteeFeeShortfallCents: s.guaranteeFeeShortfallCents,
    cumulativeNetLossCents: s.cumulativeNetLossCents,
  };
}

/** The inputs the waterfall would run `period` on, as the engine's type. */
export async function inputsOf(waterfall: Waterfall, period: number, indexRateWad = 0n): Promise<PeriodInputs> {
  const i = await waterfall.periodInputs(period, indexRateWad, []);
  return {
    period: Number(i.period),
    accrualDays: Number(i.accrualDays),
    indexRateWad: i.indexRateWad,
    accelerated: i.accelerated,
    interestCollectionsCents: i.interestCollectionsCents,
    principalCollectionsCents: i.principalCollectionsCents,
    recoveriesCents: i.recoveriesCents,
    newDefaultsCents: i.newDefaultsCents,
    delinquent60PlusCents: i.delinquent60PlusCents,
    poolBalanceBeginCents: i.poolBalanceBeginCents,
    poolBalanceEndCents: i.poolBalanceEndCents,
    targetBalancesCents: [...i.targetBalancesCents],
  };
}

/**
 * Runs `period` on chain as the trustee and returns the engine's expectation (computed first, from the chain's
 * state and inputs) and the contract's result decoded from `PeriodDistributed`.
 */
export async function runAndCompare(
  deal: WaterfallDeal,
  period: number,
  indexRateWad = 0n,
  signer: HardhatEthersSigner = deal.trustee,
): Promise<{ expected: PeriodResult; actual: PeriodResult; inputs: PeriodInputs; opening: WaterfallState }> {
  const { waterfall } = deal;
  const opening = await stateOf(waterfall);
  const inputs = await inputsOf(waterfall, period, indexRateWad);
  const expected = runWaterfall(deal.config, opening, inputs);
  const receipt = await (await waterfall.connect(signer).runPeriod(period, indexRateWad, [])).wait();
  if (!receipt) throw new Error("runPeriod: no receipt");
  let actual: PeriodResult | undefined;
  for (const log of receipt.logs) {
    const parsed = waterfall.interface.parseLog(log);
    if (parsed?.name === "PeriodDistributed") actual = fromAbiResult(parsed.args.result);
  }
  if (!actual) throw new Error("runPeriod: no PeriodDistributed event");
  return { expected, actual, inputs, opening };
}

/**
 * A PAC/Z structure on `config`'s five tranches (the sample deal's): A is a PAC class paid to a schedule, B and C
 * support it, D is a Z class accreting while A to C are outstanding, E (no coupon) takes principal last. Every
 * interest step comes before the principal step (the Z's accretion is paid by it).
 */
export function pacZConfig(config: WaterfallConfig): WaterfallConfig {
  const fees = config.steps.filter((s) => s.kind === "fee");
  const interest = config.tranches.map((_, t) => ({ kind: "interest" as const, index: t }));
  const rest = config.steps.filter((s) => s.kind !== "fee" && s.kind !== "interest");
  return {
    ...config,
    principalMode: "scheduled",
    steps: [...fees, ...interest, ...rest],
    classes: [
      { kind: "scheduled", lockoutPeriods: 0 },
      { kind: "support", lockoutPeriods: 0 },
      { kind: "support", lockoutPeriods: 0 },
      { kind: "accrual", lockoutPeriods: 0 },
      { kind: "standard", lockoutPeriods: 0 },
    ],
  };
}

/**
 * A period's report fields for `reportAndDeposit`: 600,000.00 of interest, `principalCents` of scheduled principal, the
 * pool ending at `endingCents`, no prepayment, default or delinquency.
 */
export function principalReport(principalCents: bigint, endingCents: bigint): Partial<PeriodReport> {
  return {
    interestCollectedCents: 60_000_000n,
    scheduledPrincipalCents: principalCents,
    prepaymentCents: 0n,
    recoveryCents: 0n,
    newDefaultsCents: 0n,
    delinquent60Cents: 0n,
    delinquent90PlusCents: 0n,
    endingBalanceCents: endingCents,
  };
}

/** A PAC schedule: `faceCents` paid down by `stepCents` a period to zero (the last period pays the rest). */
export function linearSchedule(faceCents: bigint, stepCents: bigint): bigint[] {
  const targets: bigint[] = [];
  for (let left = faceCents - stepCents; left > 0n; left -= stepCents) targets.push(left);
  targets.push(0n);
  return targets;
}

/** The sample deal's tranches scaled by 1/10 on the 100M test tape: A 70M fixed, B 10M floating, C 6M, D 4M, E 7M. */
export const SAMPLE_TRANCHES_100M: readonly TrancheTerms[] = [
  trancheTerms(1, "A", 70_000_000_00n, CouponType.Fixed, 3n * 10n ** 16n),
  trancheTerms(2, "B", 10_000_000_00n, CouponType.Floating, 12n * 10n ** 15n),
  trancheTerms(3, "C", 6_000_000_00n, CouponType.Fixed, 45n * 10n ** 15n),
  trancheTerms(4, "D", 4_000_000_00n, CouponType.Fixed, 6n * 10n ** 16n),
  trancheTerms(5, "E", 7_000_000_00n, CouponType.None, 0n),
];

/**
 * The sample tranches with AIO, an interest-only strip of A (0.50% a year on A's balance), added to the pool as an
 * interest-only tranche (its 70M face a notional, not counted against the 100M tape; `interestOnly: [1]`) and
 * configured as an `interestOnly` class just after A (`ioStripConfig`).
 */
export const A_IO_RATE_WAD = 5n * 10n ** 15n;
const A_IO = trancheTerms(2, "AIO", 70_000_000_00n, CouponType.Fixed, A_IO_RATE_WAD);
export const SAMPLE_TRANCHES_100M_WITH_IO: readonly TrancheTerms[] = [
  ...SAMPLE_TRANCHES_100M.slice(0, 1),
  A_IO,
  ...SAMPLE_TRANCHES_100M.slice(1).map((t) => ({ ...t, seniority: Number(t.seniority) + 1 })),
];

/** The sample deal (no triggers) with AIO after A: its coupon, its interest step, its class. */
export function ioStripConfig(): WaterfallConfig {
  const c = sampleConfig100M();
  const [a, ...others] = c.tranches;
  if (a === undefined) throw new Error("sample deal without tranches");
  const io = { couponType: "fixed" as const, couponRateWad: A_IO_RATE_WAD, floorRateWad: 0n, capRateWad: 0n };
  const tranches = [a, io, ...others];
  return {
    ...c,
    triggers: [],
    tranches,
    steps: [
      ...c.steps.filter((s) => s.kind === "fee"),
      ...tranches.map((_, t) => ({ kind: "interest" as const, index: t })),
      ...c.steps.filter((s) => s.kind !== "fee" && s.kind !== "interest"),
    ],
    classes: tranches.map((_, t) => ({
      kind: t === 1 ? ("interestOnly" as const) : ("standard" as const),
      lockoutPeriods: 0,
    })),
  };
}

/** `sampleDeal()`'s configuration scaled to the 100M test tape (floors, original balance, guarantee limit). */
export function sampleConfig100M(): WaterfallConfig {
  const c = sampleDeal().config;
  return {
    ...c,
    ocFloorCents: c.ocFloorCents / 10n,
    originalPoolBalanceCents: 100_000_000_00n,
    reserve: { ...c.reserve, floorCents: c.reserve.floorCents / 10n },
    guarantee: { ...c.guarantee, limitCents: c.guarantee.limitCents / 10n },
  };
}

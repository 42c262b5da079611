import { z } from "zod";
import { WaterfallError, type WaterfallErrorCode } from "./errors";
import {
  CLASS_KINDS,
  COUPON_TYPES,
  PRINCIPAL_MODES,
  STEP_KINDS,
  TRIGGER_EFFECTS,
  TRIGGER_KINDS,
  type ClassTerms,
  type CouponTerms,
  type PeriodInputs,
  type TriggerTerms,
  type WaterfallConfig,
  type WaterfallState,
  type WaterfallStep,
} from "./types";
import { describeInput, describeZodIssues } from "../zod-issues";

/** Most tranches of a deal (`WaterfallLib.MAX_TRANCHES`, as `AssetPool.MAX_TRANCHES`). */
export const MAX_TRANCHES = 16;
/** Most senior fees of a deal (`WaterfallLib.MAX_FEES`). */
export const MAX_FEES = 8;
/** Most triggers of a deal (`WaterfallLib.MAX_TRIGGERS`). */
export const MAX_TRIGGERS = 8;
/** Longest cumulative net loss schedule, in periods (`WaterfallLib.MAX_SCHEDULE`). */
export const MAX_SCHEDULE = 480;
/** Largest amount in the engine's domain: 2^128 - 1 cents (no intermediate overflow on chain below it). */
export const MAX_AMOUNT_CENTS = 2n ** 128n - 1n;
/** Largest rate, threshold or share: a Solidity `uint64`. */
export const MAX_WAD64 = 2n ** 64n - 1n;

/** A non-negative integer as a bigint, or a string of decimal digits (JSON cannot hold a bigint), at most `max`. */
function bigUint(max: bigint, what: string, maxText: string) {
  const expected = `expected ${what} from 0 to ${maxText}, as a bigint or a string of digits`;
  return z
    .union(
      [
        z.bigint(),
        z
          .string()
          .regex(/^\d{1,78}$/)
          .transform((digits) => BigInt(digits)),
      ],
      { error: expected },
    )
    .pipe(z.bigint().min(0n, { error: expected }).max(max, { error: expected }));
}

const cents = bigUint(MAX_AMOUNT_CENTS, "whole cents", "2^128-1");
const wad64 = bigUint(MAX_WAD64, "a wad (1e18 = 100%)", "2^64-1");
const uint8 = z.number().int().min(0).max(255);
const uint16 = z.number().int().min(0).max(65_535);
const uint32 = z.number().int().min(0).max(4_294_967_295);

const stepSchema = z.strictObject({ kind: z.enum(STEP_KINDS), index: uint8 });
const feeSchema = z.strictObject({ fixedCents: cents, rateWad: wad64 });
const couponSchema = z.strictObject({
  couponType: z.enum(COUPON_TYPES),
  couponRateWad: wad64,
  floorRateWad: wad64,
  capRateWad: wad64,
  indexMultiplierWad: wad64.optional(),
});
const reserveSchema = z.strictObject({
  targetWad: wad64,
  floorCents: cents,
  coversFees: z.boolean(),
  coveredTranches: uint8,
});
const guaranteeSchema = z.strictObject({
  limitCents: cents,
  feeRateWad: wad64,
  coversFees: z.boolean(),
  coveredTranches: uint8,
  usageRateWad: wad64.optional(),
  feeOnUndrawn: z.boolean().optional(),
  expiryPeriod: uint16.optional(),
});
const triggerSchema = z.strictObject({
  kind: z.enum(TRIGGER_KINDS),
  effect: z.enum(TRIGGER_EFFECTS),
  curable: z.boolean(),
  trancheScope: uint8,
  thresholdWad: wad64,
  scheduleWad: z.array(wad64).max(MAX_SCHEDULE),
});

/** Schema of a waterfall configuration (shapes and ranges; the structural rules are in {@link validateWaterfallConfig}). */
export const waterfallConfigSchema = z.strictObject({
  yearBasisDays: uint16,
  principalMode: z.enum(PRINCIPAL_MODES),
  targetOcWad: wad64,
  ocFloorCents: cents,
  originalPoolBalanceCents: cents,
  tranches: z.array(couponSchema).max(MAX_TRANCHES),
  fees: z.array(feeSchema).max(MAX_FEES),
  steps: z.array(stepSchema).max(MAX_FEES + MAX_TRANCHES + 4),
  reserve: reserveSchema,
  guarantee: guaranteeSchema,
  triggers: z.array(triggerSchema).max(MAX_TRIGGERS),
  classes: z
    .array(z.strictObject({ kind: z.enum(CLASS_KINDS), lockoutPeriods: uint16 }))
    .max(MAX_TRANCHES)
    .optional(),
  stepDownPeriod: uint16.optional(),
  principalDeficiencyLedger: z.boolean().optional(),
  cap: z
    .strictObject({
      strikeRateWad: wad64,
      trancheScope: uint8,
      payLegFee: uint8.optional(),
      expiryPeriod: uint16.optional(),
    })
    .optional(),
});

/** Schema of a waterfall state. */
export const waterfallStateSchema = z.strictObject({
  tranches: z
    .array(z.strictObject({ balanceCents: cents, interestShortfallCents: cents, writtenDownCents: cents }))
    .max(MAX_TRANCHES),
  feeShortfallsCents: z.array(cents).max(MAX_FEES),
  triggersBreached: z.array(z.boolean()).max(MAX_TRIGGERS),
  reserveCents: cents,
  guaranteeDrawnCents: cents,
  guaranteeFeeShortfallCents: cents,
  cumulativeNetLossCents: cents,
});

/** Schema of one period's inputs. */
export const periodInputsSchema = z.strictObject({
  period: uint32,
  accrualDays: uint16,
  indexRateWad: wad64,
  accelerated: z.boolean(),
  interestCollectionsCents: cents,
  principalCollectionsCents: cents,
  recoveriesCents: cents,
  newDefaultsCents: cents,
  delinquent60PlusCents: cents,
  poolBalanceBeginCents: cents,
  poolBalanceEndCents: cents,
  targetBalancesCents: z.array(cents).max(MAX_TRANCHES),
});

function parseWith<T>(schema: z.ZodType<T>, input: unknown, code: WaterfallErrorCode, what: string): T {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new WaterfallError(code, `invalid ${what}: ${describeZodIssues(parsed.error)}`, { cause: parsed.error });
  }
  return parsed.data;
}

/**
 * Parses a waterfall configuration from untrusted input (a JSON deal file: amounts and wads as strings of digits
 * or bigints, enums by name) and checks it with {@link validateWaterfallConfig}.
 *
 * @throws WaterfallError `INVALID_WATERFALL_CONFIG` naming each bad field, what was expected and what was found
 */
export function parseWaterfallConfig(input: unknown): WaterfallConfig {
  const config = parseWith(waterfallConfigSchema, input, "INVALID_WATERFALL_CONFIG", "waterfall configuration");
  validateWaterfallConfig(config);
  return config;
}

/**
 * Parses a waterfall state (e.g. read back from storage or a file).
 *
 * @throws WaterfallError `INVALID_WATERFALL_STATE`
 */
export function parseWaterfallState(input: unknown): WaterfallState {
  return parseWith(waterfallStateSchema, input, "INVALID_WATERFALL_STATE", "waterfall state");
}

/**
 * Parses one period's inputs.
 *
 * @throws WaterfallError `INVALID_PERIOD_INPUTS`
 */
export function parsePeriodInputs(input: unknown): PeriodInputs {
  return parseWith(periodInputsSchema, input, "INVALID_PERIOD_INPUTS", "period inputs");
}

function invalid(message: string, name: string, ...args: (bigint | number)[]): WaterfallError {
  return new WaterfallError("INVALID_WATERFALL_CONFIG", `invalid waterfall configuration: ${message}`, {
    contractError: { name, args: args.map((arg) => BigInt(arg)) },
  });
}

/**
 * The structural rules of `WaterfallLib.validate`, in the same order, failing with the same custom error (in
 * `contractError`): year basis 360 or 365; 1 to 16 tranches; at most 8 fees and 8 triggers; a non-zero original
 * pool balance; consistent coupons; covered tranches within the deal; one step per fee, one interest step per
 * tranche in seniority order and one step of each other kind; trigger scopes and schedules that fit their kind.
 *
 * @throws WaterfallError `INVALID_WATERFALL_CONFIG`
 */
export function validateWaterfallConfig(config: WaterfallConfig): void {
  const basis = config.yearBasisDays;
  if (basis !== 360 && basis !== 365) {
    throw invalid(`yearBasisDays: expected 360 or 365, found ${basis}`, "WaterfallYearBasisInvalid", basis);
  }
  const n = config.tranches.length;
  if (n < 1 || n > MAX_TRANCHES) {
    throw invalid(`tranches: expected 1 to ${MAX_TRANCHES}, found ${n}`, "WaterfallTrancheCountInvalid", n);
  }
  const m = config.fees.length;
  if (m > MAX_FEES) throw invalid(`fees: expected at most ${MAX_FEES}, found ${m}`, "WaterfallFeeCountInvalid", m);
  const k = config.triggers.length;
  if (k > MAX_TRIGGERS) {
    throw invalid(`triggers: expected at most ${MAX_TRIGGERS}, found ${k}`, "WaterfallTriggerCountInvalid", k);
  }
  if (config.originalPoolBalanceCents === 0n) {
    throw invalid("originalPoolBalanceCents: expected more than 0, found 0", "WaterfallOriginalBalanceZero");
  }
  config.tranches.forEach((coupon, t) => {
    if (!couponValid(coupon)) {
      throw invalid(
        `tranches.${t}: expected a floor and cap (cap 0 or >= floor) only on a floating or inverse floating coupon, ` +
          `an index multiplier (> 0) on an inverse floating one only, and no rate on a "none" coupon, found ` +
          describeInput(coupon),
        "WaterfallCouponInvalid",
        t,
      );
    }
  });
  for (const [what, covered] of [
    ["reserve", config.reserve.coveredTranches],
    ["guarantee", config.guarantee.coveredTranches],
  ] as const) {
    if (covered > n) {
      throw invalid(
        `${what}.coveredTranches: expected at most the ${n} tranches, found ${covered}`,
        "WaterfallCoverInvalid",
        covered,
        n,
      );
    }
  }
  const cap = config.cap ?? { strikeRateWad: 0n, trancheScope: 0 };
  const payLegFee = cap.payLegFee ?? 0;
  if (
    cap.trancheScope > n ||
    (cap.trancheScope === 0 && (cap.strikeRateWad !== 0n || payLegFee !== 0 || (cap.expiryPeriod ?? 0) !== 0)) ||
    payLegFee > config.fees.length
  ) {
    throw invalid(
      `cap: expected a tranche scope of 1 to the ${n} tranches (or 0 and no strike, pay leg or expiry: no cap) and a pay ` +
        `leg of 0 (a cap) or one of the ${config.fees.length} fees (a swap), found ${describeInput(cap)}`,
      "WaterfallCapInvalid",
      cap.trancheScope,
      n,
    );
  }
  validateSteps(config.steps, m, n);
  config.triggers.forEach((trigger, index) => {
    if (!triggerValid(trigger, n)) {
      throw invalid(
        `triggers.${index}: expected a tranche scope (at most ${n}) only on a coverage trigger and a schedule ` +
          `(at most ${MAX_SCHEDULE} periods) only on a cumulative net loss trigger, found ${describeInput(trigger)}`,
        "WaterfallTriggerInvalid",
        index,
      );
    }
  });
  validateClasses(config);
}

/**
 * `WaterfallLib._validateClasses`: none or one class per tranche; scheduled classes exactly in scheduled mode; an
 * accrual class has an earlier tranche, is not paid pro rata, and the principal step follows every interest step;
 * an interest-only class strips the principal class just before it, has a coupon and no lockout.
 */
function validateClasses(config: WaterfallConfig): void {
  const classes: readonly ClassTerms[] = config.classes ?? [];
  const n = config.tranches.length;
  if (classes.length !== 0 && classes.length !== n) {
    throw invalid(
      `classes: expected none or one per tranche (${n}), found ${classes.length}`,
      "WaterfallClassCountInvalid",
      classes.length,
      n,
    );
  }
  const scheduledMode = config.principalMode === "scheduled";
  let anyScheduled = false;
  classes.forEach((c, t) => {
    if (c.kind === "scheduled") {
      if (!scheduledMode) {
        throw invalid(
          `classes.${t}: expected a scheduled class only in scheduled principal mode, found mode ${config.principalMode}`,
          "WaterfallClassInvalid",
          t,
        );
      }
      anyScheduled = true;
    } else if (c.kind === "accrual") {
      const why =
        t === 0
          ? "the first tranche (it accrues while an earlier one is outstanding)"
          : config.principalMode === "proRata"
            ? "pro-rata principal mode"
            : !principalAfterInterest(config.steps)
              ? "a principal step before an interest step (its accretion is paid by the principal step)"
              : undefined;
      if (why !== undefined) {
        throw invalid(`classes.${t}: expected an accrual class not as ${why}`, "WaterfallClassInvalid", t);
      }
    } else if (c.kind === "interestOnly") {
      const why =
        t === 0
          ? "the first tranche (it strips the class listed just before it)"
          : classes[t - 1]?.kind === "interestOnly"
            ? "after another interest-only class (it strips a principal class)"
            : config.tranches[t]?.couponType === "none"
              ? "a tranche with no coupon"
              : c.lockoutPeriods !== 0
                ? `a tranche with a lockout (${c.lockoutPeriods}; it takes no principal)`
                : undefined;
      if (why !== undefined) {
        throw invalid(`classes.${t}: expected an interest-only class not as ${why}`, "WaterfallClassInvalid", t);
      }
    }
  });
  if (scheduledMode && !anyScheduled) {
    throw invalid(
      "classes: expected at least one scheduled class in scheduled principal mode, found none",
      "WaterfallClassInvalid",
      0,
    );
  }
}

function principalAfterInterest(steps: readonly WaterfallStep[]): boolean {
  let principalSeen = false;
  for (const step of steps) {
    if (step.kind === "principal") principalSeen = true;
    else if (step.kind === "interest" && principalSeen) return false;
  }
  return true;
}

function couponValid(c: CouponTerms): boolean {
  const capOk = c.capRateWad === 0n || c.capRateWad >= c.floorRateWad;
  const multiplier = c.indexMultiplierWad ?? 0n;
  if (c.couponType === "inverseFloating") return multiplier !== 0n && capOk;
  if (multiplier !== 0n) return false;
  if (c.couponType === "floating") return capOk;
  if (c.couponType === "none") return c.couponRateWad === 0n && c.floorRateWad === 0n && c.capRateWad === 0n;
  return c.floorRateWad === 0n && c.capRateWad === 0n;
}

function validateSteps(steps: readonly WaterfallStep[], feeCount: number, trancheCount: number): void {
  const expected = feeCount + trancheCount + 4;
  if (steps.length !== expected) {
    throw invalid(
      `steps: expected ${expected} (one per fee, one per tranche, and principal, reserveTopUp, guaranteeFee, ` +
        `guaranteeReimbursement), found ${steps.length}`,
      "WaterfallStepCountInvalid",
      steps.length,
      expected,
    );
  }
  const seenFees = new Set<number>();
  const seenKinds = new Set<string>();
  let nextInterest = 0;
  steps.forEach((step, position) => {
    let ok: boolean;
    let expectedText: string;
    if (step.kind === "fee") {
      ok = step.index < feeCount && !seenFees.has(step.index);
      seenFees.add(step.index);
      expectedText = `a fee index below ${feeCount}, not yet used`;
    } else if (step.kind === "interest") {
      ok = step.index === nextInterest;
      expectedText = `the interest of tranche ${nextInterest} (interest steps go in seniority order)`;
      nextInterest += 1;
    } else {
      ok = step.index === 0 && !seenKinds.has(step.kind);
      seenKinds.add(step.kind);
      expectedText = `index 0 and one ${step.kind} step only`;
    }
    if (!ok) {
      throw invalid(
        `steps.${position}: expected ${expectedText}, found ${describeInput(step)}`,
        "WaterfallStepInvalid",
        position,
      );
    }
  });
}

function triggerValid(trigger: TriggerTerms, trancheCount: number): boolean {
  const coverage = trigger.kind === "overcollateralization" || trigger.kind === "interestCoverage";
  if (coverage ? trigger.trancheScope > trancheCount : trigger.trancheScope !== 0) return false;
  if (trigger.kind === "cumulativeNetLoss") return trigger.scheduleWad.length <= MAX_SCHEDULE;
  return trigger.scheduleWad.length === 0;
}

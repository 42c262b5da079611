import { z } from "zod";
import { WaterfallError } from "./errors";
import {
  CLASS_KINDS,
  COUPON_TYPES,
  PRINCIPAL_MODES,
  STEP_KINDS,
  TRIGGER_EFFECTS,
  TRIGGER_KINDS,
  type PeriodInputs,
  type PeriodResult,
  type WaterfallConfig,
  type WaterfallState,
} from "./types";

/**
 * Conversions between the engine's types and the ABI shapes of `WaterfallTypes.sol`: enums become their
 * Solidity ordinals (the position in `COUPON_TYPES`, `STEP_KINDS`, ...); every other field keeps its name and
 * value. The outputs are plain objects that ethers encodes as the Solidity structs.
 */

/** An enum value as its Solidity ordinal. */
function ordinal<T extends string>(values: readonly T[], value: T): number {
  return values.indexOf(value);
}

/** `WaterfallConfig` as the Solidity struct's ABI value. */
export function toAbiConfig(config: WaterfallConfig) {
  return {
    ...config,
    principalMode: ordinal(PRINCIPAL_MODES, config.principalMode),
    tranches: config.tranches.map((c) => ({
      ...c,
      couponType: ordinal(COUPON_TYPES, c.couponType),
      indexMultiplierWad: c.indexMultiplierWad ?? 0n,
    })),
    fees: config.fees.map((f) => ({ ...f })),
    steps: config.steps.map((s) => ({ kind: ordinal(STEP_KINDS, s.kind), index: s.index })),
    reserve: { ...config.reserve },
    guarantee: {
      ...config.guarantee,
      usageRateWad: config.guarantee.usageRateWad ?? 0n,
      feeOnUndrawn: config.guarantee.feeOnUndrawn ?? false,
      expiryPeriod: config.guarantee.expiryPeriod ?? 0,
    },
    triggers: config.triggers.map((t) => ({
      ...t,
      kind: ordinal(TRIGGER_KINDS, t.kind),
      effect: ordinal(TRIGGER_EFFECTS, t.effect),
      scheduleWad: [...t.scheduleWad],
    })),
    classes: (config.classes ?? []).map((c) => ({
      kind: ordinal(CLASS_KINDS, c.kind),
      lockoutPeriods: c.lockoutPeriods,
    })),
    stepDownPeriod: config.stepDownPeriod ?? 0,
    principalDeficiencyLedger: config.principalDeficiencyLedger ?? false,
    cap: {
      strikeRateWad: config.cap?.strikeRateWad ?? 0n,
      trancheScope: config.cap?.trancheScope ?? 0,
      payLegFee: config.cap?.payLegFee ?? 0,
      expiryPeriod: config.cap?.expiryPeriod ?? 0,
    },
  };
}

/** `WaterfallState` as the Solidity struct's ABI value. */
export function toAbiState(state: WaterfallState) {
  return {
    ...state,
    tranches: state.tranches.map((t) => ({ ...t })),
    feeShortfallsCents: [...state.feeShortfallsCents],
    triggersBreached: [...state.triggersBreached],
  };
}

/** `PeriodInputs` as the Solidity struct's ABI value. */
export function toAbiInputs(inputs: PeriodInputs) {
  return { ...inputs, targetBalancesCents: [...inputs.targetBalancesCents] };
}

const uint = z.bigint().min(0n);

/**
 * A struct read by field name: accepts a plain object or an ethers `Result` (an array whose fields are also
 * readable by name), so a decoded value needs no conversion first (`Result.toObject` turns empty arrays into `{}`).
 */
function struct<S extends z.ZodRawShape>(shape: S) {
  const keys = Object.keys(shape);
  return z.preprocess((value: unknown) => {
    if (typeof value !== "object" || value === null) return value;
    const fields = value as Record<string, unknown>;
    return Object.fromEntries(keys.map((key) => [key, fields[key]]));
  }, z.object(shape));
}

/** An array: accepts a plain array or an ethers `Result`, copied element by element. */
function list<T extends z.ZodType>(item: T) {
  return z.preprocess((value: unknown) => (Array.isArray(value) ? Array.from(value) : value), z.array(item));
}
function enumOf<T extends string>(values: readonly T[]) {
  return z
    .bigint()
    .min(0n)
    .max(BigInt(values.length - 1))
    .transform((value) => values[Number(value)] as T);
}

const stateSchema = struct({
  tranches: list(struct({ balanceCents: uint, interestShortfallCents: uint, writtenDownCents: uint })),
  feeShortfallsCents: list(uint),
  triggersBreached: list(z.boolean()),
  reserveCents: uint,
  guaranteeDrawnCents: uint,
  guaranteeFeeShortfallCents: uint,
  cumulativeNetLossCents: uint,
});

const resultSchema = struct({
  accelerated: z.boolean(),
  principalMode: enumOf(PRINCIPAL_MODES),
  trapping: z.boolean(),
  principalDueCents: uint,
  fees: list(struct({ dueCents: uint, paidCents: uint })),
  tranches: list(
    struct({
      rateWad: uint,
      interestDueCents: uint,
      interestPaidCents: uint,
      principalPaidCents: uint,
      writeDownCents: uint,
      writeUpCents: uint,
    }),
  ),
  triggers: list(
    struct({
      valueWad: uint,
      thresholdWad: uint,
      breached: z.boolean(),
      breachedNow: z.boolean(),
      curedNow: z.boolean(),
    }),
  ),
  reserveTargetCents: uint,
  reserveReleaseCents: uint,
  reserveDrawCents: uint,
  reserveTopUpCents: uint,
  guaranteeDrawCents: uint,
  guaranteeFeeDueCents: uint,
  guaranteeFeePaidCents: uint,
  guaranteeReimbursedCents: uint,
  residualCents: uint,
  next: stateSchema,
  accretedCents: list(uint),
  capReceiptCents: uint,
});

/**
 * Reads a `PeriodResult` as ethers decodes it (uints as bigint, enums as their ordinal), from the decoded `Result`
 * itself or from plain objects.
 *
 * @throws WaterfallError `INVALID_CONTRACT_RESULT` when the value is not a decoded `PeriodResult`
 */
export function fromAbiResult(decoded: unknown): PeriodResult {
  const parsed = resultSchema.safeParse(decoded);
  if (!parsed.success) {
    throw new WaterfallError("INVALID_CONTRACT_RESULT", `not a decoded PeriodResult: ${parsed.error.message}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

const uint8 = z.bigint().transform((value) => Number(value));

const configSchema = struct({
  yearBasisDays: uint8,
  principalMode: enumOf(PRINCIPAL_MODES),
  targetOcWad: uint,
  ocFloorCents: uint,
  originalPoolBalanceCents: uint,
  tranches: list(
    struct({
      couponType: enumOf(COUPON_TYPES),
      couponRateWad: uint,
      floorRateWad: uint,
      capRateWad: uint,
      indexMultiplierWad: uint,
    }).transform(({ indexMultiplierWad, ...c }) => (indexMultiplierWad === 0n ? c : { ...c, indexMultiplierWad })),
  ),
  fees: list(struct({ fixedCents: uint, rateWad: uint })),
  steps: list(struct({ kind: enumOf(STEP_KINDS), index: uint8 })),
  reserve: struct({ targetWad: uint, floorCents: uint, coversFees: z.boolean(), coveredTranches: uint8 }),
  guarantee: struct({
    limitCents: uint,
    feeRateWad: uint,
    coversFees: z.boolean(),
    coveredTranches: uint8,
    usageRateWad: uint,
    feeOnUndrawn: z.boolean(),
    expiryPeriod: uint8,
  }).transform(({ usageRateWad, feeOnUndrawn, expiryPeriod, ...g }) => ({
    // A guarantee without the liquidity facility's terms is a configuration without the optional fields.
    ...g,
    ...(usageRateWad === 0n ? {} : { usageRateWad }),
    ...(feeOnUndrawn ? { feeOnUndrawn } : {}),
    ...(expiryPeriod === 0 ? {} : { expiryPeriod }),
  })),
  triggers: list(
    struct({
      kind: enumOf(TRIGGER_KINDS),
      effect: enumOf(TRIGGER_EFFECTS),
      curable: z.boolean(),
      trancheScope: uint8,
      thresholdWad: uint,
      scheduleWad: list(uint),
    }),
  ),
  classes: list(struct({ kind: enumOf(CLASS_KINDS), lockoutPeriods: uint8 })),
  stepDownPeriod: uint8,
  principalDeficiencyLedger: z.boolean(),
  cap: struct({ strikeRateWad: uint, trancheScope: uint8, payLegFee: uint8, expiryPeriod: uint8 }),
});

const inputsSchema = struct({
  period: uint8,
  accrualDays: uint8,
  indexRateWad: uint,
  accelerated: z.boolean(),
  interestCollectionsCents: uint,
  principalCollectionsCents: uint,
  recoveriesCents: uint,
  newDefaultsCents: uint,
  delinquent60PlusCents: uint,
  poolBalanceBeginCents: uint,
  poolBalanceEndCents: uint,
  targetBalancesCents: list(uint),
});

function decodeWith<T>(schema: z.ZodType<T>, decoded: unknown, what: string): T {
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) {
    throw new WaterfallError("INVALID_CONTRACT_RESULT", `not a decoded ${what}: ${parsed.error.message}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/**
 * Reads a `WaterfallConfig` as ethers decodes it (`Waterfall.config()`).
 *
 * @throws WaterfallError `INVALID_CONTRACT_RESULT` when the value is not a decoded `WaterfallConfig`
 */
export function fromAbiConfig(decoded: unknown): WaterfallConfig {
  const { classes, stepDownPeriod, principalDeficiencyLedger, cap, ...config } = decodeWith(
    configSchema,
    decoded,
    "WaterfallConfig",
  );
  // No classes, step-down, deficiency ledger, cap or pay leg on chain is a configuration without the optional fields.
  const { strikeRateWad, trancheScope, payLegFee, expiryPeriod } = cap;
  return {
    ...config,
    ...(classes.length === 0 ? {} : { classes }),
    ...(stepDownPeriod === 0 ? {} : { stepDownPeriod }),
    ...(principalDeficiencyLedger ? { principalDeficiencyLedger } : {}),
    ...(trancheScope === 0
      ? {}
      : {
          cap: {
            strikeRateWad,
            trancheScope,
            ...(payLegFee === 0 ? {} : { payLegFee }),
            ...(expiryPeriod === 0 ? {} : { expiryPeriod }),
          },
        }),
  };
}

/**
 * Reads a `WaterfallState` as ethers decodes it (`Waterfall.waterfallState()`).
 *
 * @throws WaterfallError `INVALID_CONTRACT_RESULT` when the value is not a decoded `WaterfallState`
 */
export function fromAbiState(decoded: unknown): WaterfallState {
  return decodeWith(stateSchema, decoded, "WaterfallState");
}

/**
 * Reads `PeriodInputs` as ethers decodes them (`Waterfall.periodInputs(...)`).
 *
 * @throws WaterfallError `INVALID_CONTRACT_RESULT` when the value is not decoded `PeriodInputs`
 */
export function fromAbiInputs(decoded: unknown): PeriodInputs {
  return decodeWith(inputsSchema, decoded, "PeriodInputs");
}

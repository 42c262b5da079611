import { z } from "zod";
import { CashflowError } from "./errors";
import { WAD, bpsToWad, percentToWad } from "./fixed-point";
import { absSmm, cdrToMdr, cprToSmm, psaCpr, sdaCdr } from "./rate-models";
import { describeZodIssues } from "../zod-issues";

/**
 * Prepayment conventions (SIFMA SF-4..SF-15):
 * - `CPR`: annual conditional prepayment rate, percent.
 * - `SMM`: single monthly mortality, percent.
 * - `PSA`: speed as a percentage of the PSA benchmark (100 = 100% PSA), ramped on each loan's own age.
 * - `ABS`: absolute prepayment speed, percent of the original loan count per month, on each loan's own age.
 */
export type PrepaymentModel = "CPR" | "SMM" | "PSA" | "ABS";

/**
 * Default conventions (SIFMA SF-16..SF-22):
 * - `CDR`: annual constant default rate, percent.
 * - `MDR`: monthly default rate, percent.
 * - `SDA`: speed as a percentage of the Standard Default Assumption (100 = 100% SDA), on each loan's own age.
 */
export type DefaultModel = "CDR" | "MDR" | "SDA";

/**
 * A rate quote over time, wad (1e18 = 100%; for PSA and SDA, 1e18 = 100% of the benchmark).
 * A vector gives one value per projection month (index 0 is month 1); its last value holds after its end.
 */
export type RateCurve =
  { readonly kind: "constant"; readonly wad: bigint } | { readonly kind: "vector"; readonly wads: readonly bigint[] };

/** A parsed prepayment assumption. */
export interface PrepaymentAssumption {
  /** The convention the curve is quoted in. */
  readonly type: PrepaymentModel;
  /** The quote, constant or per projection month. */
  readonly curve: RateCurve;
}

/** A parsed default assumption. */
export interface DefaultAssumption {
  /** The convention the curve is quoted in. */
  readonly type: DefaultModel;
  /** The quote, constant or per projection month. */
  readonly curve: RateCurve;
}

/** Loss severity and recovery timing of defaulted principal. */
export interface RecoveryAssumption {
  /** Share of the defaulted balance lost at liquidation, wad. The rest (1 - severity) is recovered. */
  readonly severityWad: bigint;
  /**
   * Months from default to liquidation. Meanwhile the defaulted balance sits in the delinquency pipeline: it
   * pays nothing, and the servicer may advance its interest (see {@link AssumptionSet.advancing}).
   */
  readonly lagMonths: number;
}

/**
 * Servicer advancing on defaulted loans during the recovery lag.
 * - `none`: no advances; a defaulted loan's interest is simply lost.
 * - `interest`: the servicer advances each month's interest (loan rate / 12 on the defaulted balance) until
 *   liquidation, and is reimbursed in full at liquidation (out of recoveries first).
 */
export type Advancing = "none" | "interest";

/** A parsed, trusted assumption set: one scenario for one risk tier. */
export interface AssumptionSet {
  /** Voluntary prepayments. */
  readonly prepayment: PrepaymentAssumption;
  /** Defaults. */
  readonly default: DefaultAssumption;
  /** Severity and lag of recoveries. */
  readonly recovery: RecoveryAssumption;
  /** Servicer advances on defaulted loans. */
  readonly advancing: Advancing;
  /** Servicing fee strip, annual rate on the performing balance, wad (25 bps = 2.5e15). */
  readonly servicingFeeWad: bigint;
}

/** Assumption sets per risk tier: loans are mapped to a tier by one of their attributes (e.g. credit grade). */
export interface TieredAssumptions {
  /** The loan attribute whose value selects the tier, e.g. `"creditGrade"`. Documentation for adapters. */
  readonly attribute: string;
  /** Assumption set per attribute value. */
  readonly tiers: ReadonlyMap<string, AssumptionSet>;
  /** Tier used for values that have no entry of their own; without it such loans are an error. */
  readonly fallback?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Input schema: what a JSON assumption file looks like. Rates are decimal percentages ("6" = 6%), exact.

/** Longest accepted vector and recovery lag, in months. */
const MAX_VECTOR_MONTHS = 1200;
const MAX_LAG_MONTHS = 240;

/** A percentage quote as a decimal string or number, parsed exactly to wad, at most `maxPercent`. */
function percentSchema(maxPercent: number) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    try {
      const wad = percentToWad(value, "percentage");
      if (wad > BigInt(maxPercent) * 10n ** 16n) {
        ctx.addIssue({ code: "custom", message: `expected a percentage from 0 to ${maxPercent}, found ${value}` });
        return z.NEVER;
      }
      return wad;
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

function curveSchema<T extends string>(types: readonly [T, ...T[]], maxPercent: (type: T) => number) {
  return z
    .object({
      type: z.enum(types),
      value: z.union([z.string(), z.number()]).optional(),
      vector: z
        .array(z.union([z.string(), z.number()]))
        .min(1)
        .max(MAX_VECTOR_MONTHS)
        .optional(),
    })
    .strict()
    .transform((input, ctx): { type: T; curve: RateCurve } => {
      if ((input.value === undefined) === (input.vector === undefined)) {
        ctx.addIssue({
          code: "custom",
          message: `expected exactly one of "value" or "vector", found ${input.value === undefined ? "neither" : "both"}`,
        });
        return z.NEVER;
      }
      const rate = percentSchema(maxPercent(input.type));
      if (input.value !== undefined) {
        const parsed = rate.safeParse(input.value);
        if (!parsed.success) return forward(ctx, parsed.error, ["value"]);
        return { type: input.type, curve: { kind: "constant", wad: parsed.data } };
      }
      const wads: bigint[] = [];
      for (const [index, item] of (input.vector ?? []).entries()) {
        const parsed = rate.safeParse(item);
        if (!parsed.success) return forward(ctx, parsed.error, ["vector", index]);
        wads.push(parsed.data);
      }
      return { type: input.type, curve: { kind: "vector", wads } };
    });
}

/** Re-reports a nested parse failure at `path` inside the current transform. */
function forward(ctx: z.RefinementCtx, error: z.ZodError, path: (string | number)[]): never {
  for (const issue of error.issues) ctx.addIssue({ code: "custom", message: issue.message, path });
  return z.NEVER as never;
}

/** Benchmark multiples (PSA, SDA) may exceed 100%; plain rates may not. */
const BENCHMARK_MAX_PERCENT = 100_000;

/** Zod schema of one assumption set as written in a JSON file; parses to {@link AssumptionSet}. */
export const assumptionSetSchema = z
  .object({
    prepayment: curveSchema(["CPR", "SMM", "PSA", "ABS"], (type) => (type === "PSA" ? BENCHMARK_MAX_PERCENT : 100)),
    default: curveSchema(["CDR", "MDR", "SDA"], (type) => (type === "SDA" ? BENCHMARK_MAX_PERCENT : 100)),
    recovery: z
      .object({
        severityPercent: percentSchema(100),
        lagMonths: z.number().int().min(0).max(MAX_LAG_MONTHS),
      })
      .strict(),
    advancing: z.enum(["none", "interest"]).default("none"),
    servicingFeeBps: z
      .union([z.string(), z.number()])
      .default(0)
      .transform((value, ctx) => {
        try {
          return bpsToWad(value);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
          return z.NEVER;
        }
      }),
  })
  .strict()
  .transform((input): AssumptionSet => ({
    prepayment: input.prepayment,
    default: input.default,
    recovery: { severityWad: input.recovery.severityPercent, lagMonths: input.recovery.lagMonths },
    advancing: input.advancing,
    servicingFeeWad: input.servicingFeeBps,
  }));

/** Zod schema of a tier table as written in a JSON file; parses to {@link TieredAssumptions}. */
export const tieredAssumptionsSchema = z
  .object({
    attribute: z.string().min(1),
    tiers: z.record(z.string(), assumptionSetSchema),
    fallback: z.string().optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (Object.keys(input.tiers).length === 0) {
      ctx.addIssue({ code: "custom", path: ["tiers"], message: "expected at least one tier, found none" });
    }
    if (input.fallback !== undefined && !(input.fallback in input.tiers)) {
      ctx.addIssue({
        code: "custom",
        path: ["fallback"],
        message: `expected one of the tier keys (${Object.keys(input.tiers).join(", ")}), found ${JSON.stringify(input.fallback)}`,
      });
    }
  })
  .transform((input): TieredAssumptions => ({
    attribute: input.attribute,
    tiers: new Map(Object.entries(input.tiers)),
    ...(input.fallback === undefined ? {} : { fallback: input.fallback }),
  }));

/**
 * Parses an assumption set from untrusted input (e.g. a JSON file).
 *
 * @throws CashflowError `INVALID_ASSUMPTIONS` listing each bad field with what was expected and what was found
 */
export function parseAssumptionSet(input: unknown): AssumptionSet {
  const parsed = assumptionSetSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new CashflowError("INVALID_ASSUMPTIONS", `invalid assumption set: ${describeZodIssues(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/**
 * Parses a tier table from untrusted input.
 *
 * @throws CashflowError `INVALID_ASSUMPTIONS`
 */
export function parseTieredAssumptions(input: unknown): TieredAssumptions {
  const parsed = tieredAssumptionsSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new CashflowError("INVALID_ASSUMPTIONS", `invalid tier table: ${describeZodIssues(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** A tier table with a single tier that every loan falls back to. */
export function singleTier(set: AssumptionSet, key = "all"): TieredAssumptions {
  return { attribute: "none", tiers: new Map([[key, set]]), fallback: key };
}

/**
 * The assumption set for a loan whose tier attribute has value `tierKey`.
 *
 * @throws CashflowError `TIER_NOT_FOUND` when the key has no tier and there is no fallback
 */
export function assumptionsForTier(tiered: TieredAssumptions, tierKey: string): AssumptionSet {
  const set =
    tiered.tiers.get(tierKey) ?? (tiered.fallback === undefined ? undefined : tiered.tiers.get(tiered.fallback));
  if (set === undefined) {
    throw new CashflowError(
      "TIER_NOT_FOUND",
      `${tiered.attribute}: expected one of the tiers (${[...tiered.tiers.keys()].join(", ")}), found ${JSON.stringify(tierKey)}`,
    );
  }
  return set;
}

// ---------------------------------------------------------------------------------------------------------------
// Compilation: monthly rates per (projection month, loan age), memoised for the projection's inner loop.

/** Monthly rates of one assumption set, as the projection consumes them. */
export interface MonthlyRates {
  /** SMM (wad) in projection month `month` (1-based) for a loan aged `loanAgeMonths` during that month. */
  smm(month: number, loanAgeMonths: number): bigint;
  /** MDR (wad) in projection month `month` (1-based) for a loan aged `loanAgeMonths` during that month. */
  mdr(month: number, loanAgeMonths: number): bigint;
}

/** The curve's value in projection month `month` (1-based); a vector's last value holds after its end. */
export function curveAt(curve: RateCurve, month: number): bigint {
  if (curve.kind === "constant") return curve.wad;
  const index = Math.min(month, curve.wads.length) - 1;
  return curve.wads[index < 0 ? 0 : index] ?? 0n;
}

/**
 * Builds a memoised `(month, age) -> monthly rate` function from a curve and a quote-to-monthly-rate conversion.
 * `usesAge` says whether the conversion depends on loan age (benchmark ramps); if not, age is ignored.
 */
function memoised(curve: RateCurve, toMonthly: (quoteWad: bigint, age: number) => bigint, usesAge: boolean) {
  if (!usesAge) {
    if (curve.kind === "constant") {
      const rate = toMonthly(curve.wad, 0);
      return (): bigint => rate;
    }
    const rates = curve.wads.map((wad) => toMonthly(wad, 0));
    const last = rates[rates.length - 1] ?? 0n;
    return (month: number): bigint => rates[month - 1] ?? last;
  }
  if (curve.kind === "constant") {
    const byAge: bigint[] = [];
    return (_month: number, age: number): bigint => {
      let rate = byAge[age];
      if (rate === undefined) {
        rate = toMonthly(curve.wad, age);
        byAge[age] = rate;
      }
      return rate;
    };
  }
  const byMonthAndAge = new Map<number, bigint>();
  return (month: number, age: number): bigint => {
    const effectiveMonth = Math.min(month, curve.wads.length);
    const key = effectiveMonth * 65536 + age;
    let rate = byMonthAndAge.get(key);
    if (rate === undefined) {
      rate = toMonthly(curveAt(curve, effectiveMonth), age);
      byMonthAndAge.set(key, rate);
    }
    return rate;
  };
}

/** Converts an assumption set's quotes to monthly SMM and MDR, memoised. */
export function compileMonthlyRates(set: AssumptionSet): MonthlyRates {
  const prepay = set.prepayment;
  const smm =
    prepay.type === "CPR"
      ? memoised(prepay.curve, (cpr) => cprToSmm(cpr), false)
      : prepay.type === "SMM"
        ? memoised(prepay.curve, (rate) => (rate < WAD ? rate : WAD), false)
        : prepay.type === "PSA"
          ? memoised(prepay.curve, (speed, age) => cprToSmm(psaCpr(speed, age)), true)
          : memoised(prepay.curve, (abs, age) => absSmm(abs, age), true);
  const def = set.default;
  const mdr =
    def.type === "CDR"
      ? memoised(def.curve, (cdr) => cdrToMdr(cdr), false)
      : def.type === "MDR"
        ? memoised(def.curve, (rate) => (rate < WAD ? rate : WAD), false)
        : memoised(def.curve, (speed, age) => cdrToMdr(sdaCdr(speed, age)), true);
  return { smm, mdr };
}

/** A constant rate curve. */
export function constantCurve(wad: bigint): RateCurve {
  return { kind: "constant", wad };
}

/** Replacements for {@link overrideTiers}. */
export interface TierOverride {
  /** New prepayment assumption for every tier. */
  readonly prepayment?: PrepaymentAssumption;
  /** New default assumption for every tier. */
  readonly default?: DefaultAssumption;
}

/**
 * The same tier table with every tier's prepayment and/or default assumption replaced, the rest (severity, lag,
 * advancing, fee) kept per tier. Builds the scenarios of a CPR x CDR grid.
 */
export function overrideTiers(tiered: TieredAssumptions, override: TierOverride): TieredAssumptions {
  const tiers = new Map<string, AssumptionSet>();
  for (const [key, set] of tiered.tiers) {
    tiers.set(key, {
      ...set,
      prepayment: override.prepayment ?? set.prepayment,
      default: override.default ?? set.default,
    });
  }
  return { ...tiered, tiers };
}

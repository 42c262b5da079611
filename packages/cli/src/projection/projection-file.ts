/**
 * The projection file: a pool as rep lines (one per risk tier) and the assumptions to project it under, in YAML
 * or JSON. `abs project` projects it (and, with `--deal`, pays it out through the deal file's waterfall);
 * `abs price` prices the pool or one class of the deal from it.
 *
 * Rates follow the units SIFMA quotes them in: prepayment and default speeds in percent (`PSA 150`, `CDR 2`,
 * `SMM 1`), given as a number or decimal string, constant (`value`) or one per month (`vector`, the last value
 * holding after). Coupons, severity and the index are fractions ("0.08" is 8 %), amounts decimal strings in
 * currency units. An error names the path in the file, what was expected and what was found.
 *
 * ```yaml
 * startDate: 2027-01-01          # first day of the first accrual month (the deal's ACT days count from it)
 * indexRate: "0.03"              # floating-rate index for floating coupons (or indexRates: [...] per month)
 * assumptions:                   # for every tier, unless the tier overrides a part
 *   prepayment: { type: PSA, value: 150 }      # SMM | CPR | PSA | ABS
 *   default: { type: SDA, value: 100 }         # MDR | CDR | SDA
 *   severity: "0.20"                           # loss as a fraction of the balance at default
 *   monthsToLiquidation: 12
 *   advancing: principalAndInterest            # or none
 * pool:
 *   - { name: A-2024, balance: "60000000.00", grossCoupon: "0.08", netCoupon: "0.075", originalTerm: 360, age: 0 }
 *   - { name: B-2023, balance: "40000000.00", grossCoupon: "0.095", netCoupon: "0.09", originalTerm: 360, age: 14,
 *       assumptions: { default: { type: SDA, value: 250 }, severity: "0.35" } }
 * tiers:                         # instead of pool, with --tape TAPE: the tape's loans grouped into risk tiers
 *   by: [grade, vintage]         # grade | region | vintage (origination year) | product; [] for one tier
 *   servicingFee: "0.005"        # each tier's net coupon is its weighted rate less this
 *   rules:                       # the first rule whose match fits a tier overrides the file's assumptions
 *     - { match: { grade: C }, assumptions: { default: { type: CDR, value: 6 }, severity: "0.60" } }
 * structure:                     # a CMO structure paid from the pool (instead of --deal); faces add up to the pool
 *   pacBand: { low: 100, high: 300 }           # PSA speeds the PAC schedule is fixed at
 *   classes:                                   # principal priority as listed (PAC first, then the rest, in order)
 *     - { name: P, type: pac, face: "600000.00", coupon: "0.055" }   # sequential | pac | support | z | po
 *     - { name: S, type: support, face: "400000.00", coupon: "0.06" }
 *     - { name: X, type: io, coupon: "0.005", notionalOf: P }        # interest-only on P's balance
 * grid:                          # abs project --grid: every prepayment x default value, all tiers scaled alike
 *   prepayment: { type: PSA, values: [100, 150, 300] }
 *   default: { type: SDA, values: [0, 100, 200] }
 * ```
 */
import { z } from "zod";
import { cashflow } from "@abs/core";
import { CliError } from "../errors";
import { parseYamlFile, readYamlFile } from "../yaml-file";

type StandardAssumptions = cashflow.standard.StandardAssumptions;
type RepLine = cashflow.standard.RepLine;
type Stratum = cashflow.standard.Stratum;
type Attribute = cashflow.standard.StrataAttribute;

const number = (what: string, min: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, `expected ${what} as a number`)])
    .transform(Number)
    .pipe(z.number().min(min, `expected ${what} of at least ${min}`).max(max, `expected ${what} of at most ${max}`));
const fraction = (what: string) => number(what, 0, 1);
const amount = z
  .string('expected an amount as a decimal string in quotes, e.g. "60000000.00"')
  .regex(/^\d+(\.\d{1,2})?$/, 'expected an amount in currency units with at most 2 decimals, e.g. "60000000.00"');

const MAX_MONTHS = 1200;
const speedMax = (type: string): number => (type === "PSA" || type === "SDA" ? 100_000 : 100);

function curve<T extends string>(types: readonly [T, ...T[]]) {
  return z
    .strictObject({
      type: z.enum(types),
      value: z.union([z.number(), z.string()]).optional(),
      vector: z
        .array(z.union([z.number(), z.string()]))
        .min(1)
        .max(MAX_MONTHS)
        .optional(),
    })
    .transform((input, ctx) => {
      if ((input.value === undefined) === (input.vector === undefined)) {
        ctx.addIssue({ code: "custom", message: 'expected exactly one of "value" or "vector"' });
        return z.NEVER;
      }
      const rate = number(`a ${input.type} speed in percent`, 0, speedMax(input.type));
      const parse = (raw: number | string, path: (string | number)[]): number => {
        const parsed = rate.safeParse(raw);
        if (parsed.success) return parsed.data;
        for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path });
        return 0;
      };
      const percent =
        input.value !== undefined
          ? parse(input.value, ["value"])
          : (input.vector ?? []).map((raw, index) => parse(raw, ["vector", index]));
      return { type: input.type, percent };
    });
}

const prepayment = curve(["SMM", "CPR", "PSA", "ABS"]);
const defaults = curve(["MDR", "CDR", "SDA"]);

const assumptionFields = {
  prepayment,
  default: defaults,
  severity: fraction("the severity"),
  monthsToLiquidation: z.number().int().min(0).max(240),
  advancing: z.enum(["principalAndInterest", "none"]),
};
const assumptions = z.strictObject(assumptionFields);
const assumptionOverrides = z.strictObject(assumptionFields).partial();

const repLine = z.strictObject({
  name: z.string().min(1).max(64),
  balance: amount,
  grossCoupon: fraction("the gross coupon"),
  netCoupon: fraction("the net coupon"),
  originalTerm: z.number().int().min(1).max(MAX_MONTHS),
  age: z.number().int().min(0).max(MAX_MONTHS),
  assumptions: assumptionOverrides.optional(),
});

const gridAxis = <T extends string>(types: readonly [T, ...T[]]) =>
  z
    .strictObject({
      type: z.enum(types),
      values: z
        .array(z.union([z.number(), z.string()]))
        .min(1)
        .max(20),
    })
    .transform((input, ctx) => {
      const rate = number(`a ${input.type} speed in percent`, 0, speedMax(input.type));
      const values = input.values.map((raw, index) => {
        const parsed = rate.safeParse(raw);
        if (parsed.success) return parsed.data;
        ctx.addIssue({
          code: "custom",
          message: parsed.error.issues[0]?.message ?? "bad speed",
          path: ["values", index],
        });
        return 0;
      });
      return { type: input.type, values };
    });

const tierRule = z.strictObject({
  match: z.partialRecord(z.enum(cashflow.standard.STRATA_ATTRIBUTES), z.string().min(1)),
  assumptions: assumptionOverrides,
});

const tiersSection = z.strictObject({
  by: z.array(z.enum(cashflow.standard.STRATA_ATTRIBUTES)).max(4).default([]),
  servicingFee: fraction("the servicing fee").default(0),
  rules: z.array(tierRule).max(64).default([]),
});

const structureClass = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9-]{1,8}$/, "expected a class name of 1-8 letters or digits"),
  type: z.enum(["sequential", "pac", "support", "z", "io", "po"]),
  face: amount.optional(),
  coupon: fraction("the coupon").default(0),
  notionalOf: z.string().optional(),
});

const structureSection = z
  .strictObject({
    pacBand: z
      .strictObject({ low: number("the band's low PSA", 0, 100_000), high: number("the band's high PSA", 0, 100_000) })
      .optional(),
    classes: z.array(structureClass).min(1).max(16),
  })
  .superRefine((structure, ctx) => {
    structure.classes.forEach((c, index) => {
      if ((c.type === "io") !== (c.face === undefined))
        ctx.addIssue({
          code: "custom",
          path: ["classes", index, "face"],
          message: c.type === "io" ? "expected no face on an IO class (it has notionalOf)" : "expected a face",
        });
      if ((c.type === "io") !== (c.notionalOf !== undefined))
        ctx.addIssue({
          code: "custom",
          path: ["classes", index, "notionalOf"],
          message:
            c.type === "io"
              ? "expected notionalOf: the class whose balance is the notional"
              : "expected notionalOf only on an IO class",
        });
    });
    if (structure.classes.some((c) => c.type === "pac") && structure.pacBand === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["pacBand"],
        message: "expected pacBand { low, high } (PSA) for the PAC classes",
      });
  });

export const projectionFileSchema = z
  .strictObject({
    startDate: z.iso.date("expected a date yyyy-mm-dd").optional(),
    indexRate: fraction("the index rate").optional(),
    indexRates: z.array(fraction("an index rate")).min(1).max(MAX_MONTHS).optional(),
    assumptions,
    pool: z.array(repLine).min(1).max(64).optional(),
    tiers: tiersSection.optional(),
    structure: structureSection.optional(),
    grid: z
      .strictObject({ prepayment: gridAxis(["SMM", "CPR", "PSA", "ABS"]), default: gridAxis(["MDR", "CDR", "SDA"]) })
      .optional(),
  })
  .superRefine((file, ctx) => {
    if (file.indexRate !== undefined && file.indexRates !== undefined) {
      ctx.addIssue({ code: "custom", path: ["indexRates"], message: "expected indexRate or indexRates, not both" });
    }
    if ((file.pool === undefined) === (file.tiers === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["pool"],
        message: "expected exactly one of pool (rep lines) or tiers (a tape's loans, with --tape)",
      });
    }
    const names = new Set<string>();
    (file.pool ?? []).forEach((line, index) => {
      if (names.has(line.name))
        ctx.addIssue({
          code: "custom",
          path: ["pool", index, "name"],
          message: `expected a name used once, found ${line.name} twice`,
        });
      names.add(line.name);
      if (line.age >= line.originalTerm)
        ctx.addIssue({
          code: "custom",
          path: ["pool", index, "age"],
          message: `expected an age below the original term (${line.originalTerm})`,
        });
      if (line.netCoupon > line.grossCoupon)
        ctx.addIssue({
          code: "custom",
          path: ["pool", index, "netCoupon"],
          message: `expected a net coupon at most the gross coupon (${line.grossCoupon})`,
        });
    });
  });

export type ProjectionFile = z.output<typeof projectionFileSchema>;
type AssumptionInput = z.output<typeof assumptions>;
type AssumptionOverrides = z.output<typeof assumptionOverrides>;

/** Reads and parses a projection file; a missing file is `INPUT_NOT_FOUND`, a bad one a usage error. */
export async function readProjectionFile(file: string): Promise<ProjectionFile> {
  return readYamlFile(file, "projection file", projectionFileSchema);
}

/** Parses a projection file's text; a usage error lists every bad field with its path and what it found. */
export function parseProjectionFile(text: string, file: string): ProjectionFile {
  return parseYamlFile(text, file, "projection file", projectionFileSchema);
}

function standardAssumptions(input: AssumptionInput): StandardAssumptions {
  return {
    prepayment: input.prepayment,
    default: input.default,
    severity: input.severity,
    monthsToLiquidation: input.monthsToLiquidation,
    principalAndInterestAdvanced: input.advancing === "principalAndInterest",
  };
}

/** What a scenario changes: the prepayment and default quotes of every tier. */
export interface Scenario {
  readonly prepayment?: cashflow.standard.PrepaymentQuote;
  readonly default?: cashflow.standard.DefaultQuote;
}

function withOverrides(
  file: ProjectionFile,
  own: AssumptionOverrides | undefined,
  scenario: Scenario,
): StandardAssumptions {
  const set = standardAssumptions({
    prepayment: own?.prepayment ?? file.assumptions.prepayment,
    default: own?.default ?? file.assumptions.default,
    severity: own?.severity ?? file.assumptions.severity,
    monthsToLiquidation: own?.monthsToLiquidation ?? file.assumptions.monthsToLiquidation,
    advancing: own?.advancing ?? file.assumptions.advancing,
  });
  return {
    ...set,
    ...(scenario.prepayment === undefined ? {} : { prepayment: scenario.prepayment }),
    ...(scenario.default === undefined ? {} : { default: scenario.default }),
  };
}

/**
 * The file's rep lines with each tier's assumptions (the file's, overridden by the tier's), under an optional
 * scenario that replaces every tier's prepayment and default quotes. With `strata` (the tape's loans grouped as
 * the file's `tiers:` says) the lines are the strata, each with the first rule that matches it.
 *
 * @throws CliError `USAGE` when the file and the input disagree (tiers without a tape, a pool with one)
 */
export function repLinesOf(file: ProjectionFile, scenario: Scenario = {}, strata?: readonly Stratum[]): RepLine[] {
  if (strata !== undefined) {
    const tiers = file.tiers;
    if (tiers === undefined)
      throw new CliError("USAGE", "--tape needs a tiers: section in the projection file (and no pool:)");
    return strata.map((stratum) => {
      const rule = tiers.rules.find((candidate) =>
        Object.entries(candidate.match).every(([attribute, value]) => stratum.key[attribute as Attribute] === value),
      );
      return {
        name: stratum.name,
        pool: {
          balance: Number(stratum.balanceCents) / 100,
          grossCoupon: stratum.grossCoupon,
          netCoupon: Math.max(0, stratum.grossCoupon - tiers.servicingFee),
          originalTermMonths: stratum.originalTermMonths,
          ageMonths: stratum.ageMonths,
        },
        assumptions: withOverrides(file, rule?.assumptions, scenario),
      };
    });
  }
  if (file.pool === undefined)
    throw new CliError("USAGE", "The projection file's tiers: section needs a loan tape: add --tape FILE");
  return file.pool.map((line) => ({
    name: line.name,
    pool: {
      balance: Number(line.balance),
      grossCoupon: line.grossCoupon,
      netCoupon: line.netCoupon,
      originalTermMonths: line.originalTerm,
      ageMonths: line.age,
    },
    assumptions: withOverrides(file, line.assumptions, scenario),
  }));
}

/** The balance-weighted net coupon of rep lines, percent: the coupon a pass-through of the whole pool pays. */
export function netCouponPercent(lines: readonly RepLine[]): number {
  let weighted = 0;
  let total = 0;
  for (const line of lines) {
    weighted += line.pool.balance * line.pool.netCoupon;
    total += line.pool.balance;
  }
  return total === 0 ? 0 : (100 * weighted) / total;
}

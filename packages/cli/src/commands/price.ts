/**
 * `abs price FILE (--price P | --yield Y) [[--deal DEAL_FILE] --class C] [--delay-days N] [--settle-day N]
 * [--effective DOWN,UP [--shift-bp B]] [--json]`: prices the projected pool as a pass-through (or, with --deal and
 * --class, one class of the deal; with --tape, the pool is the tape's loans grouped into the file's tiers) by SIFMA's yield conventions (Uniform Practices SF-44..SF-51): yield at a clean
 * price or price at a yield, with the payment delay and the settlement day in every measure, the mortgage yield,
 * average life, Macaulay and modified duration and cash-flow convexity. With --effective it re-projects at the two
 * prepayment speeds given (same type as the file's) for yields `--shift-bp` below and above, and prints effective
 * duration and convexity; with --horizon-months and --sale-price, the holding-period return (SF-49 h: the period's
 * flows reinvested at --reinvest, the yield by default, plus the sale at the horizon at --sale-price, or at
 * --sale-yield: the remaining flows valued at that yield). Average life counts positive principal only (SF-56's Z-bond convention; the same for
 * any class that does not accrete). Prices are per 100 of current face (an IO's: of its notional's); accrued interest runs 30/360 from the start of the
 * accrual month to the settlement day. Offline. Exit 0 on success, 2 on a bad file or flag.
 */
import { type Command } from "commander";
import { z } from "zod";
import { cashflow } from "@abs/core";
import { readDealFile } from "../deal/deal-file";
import { loadScheduleSource } from "../deal/deal-schedule";
import { CliError } from "../errors";
import { type CliIo } from "../io";
import { formatKeyValues, writeJson } from "../output";
import { readProjectionFile } from "../projection/projection-file";
import { readTapeStrata } from "../projection/tape-strata";
import {
  type FileProjection,
  type ProjectionInputs,
  poolPrincipalCents,
  runProjectionFile,
} from "../projection/run-projection";
import { parseOptions } from "./parse-options";

const sf = cashflow.standard;
type TimedFlow = cashflow.standard.TimedFlow;

const finite = (what: string) =>
  z.coerce.number(`expected ${what} as a number`).refine(Number.isFinite, `expected ${what} as a finite number`);

const optionsSchema = z
  .strictObject({
    price: finite("the clean price").pipe(z.number().positive("expected a positive price")).optional(),
    yield: finite("the yield in percent").pipe(z.number().min(-50).max(1000)).optional(),
    deal: z.string().min(1).optional(),
    class: z.string().min(1).optional(),
    tape: z.string().min(1).optional(),
    mapping: z.string().min(1).optional(),
    delayDays: z.coerce.number().int().min(0).max(360).default(0),
    settleDay: z.coerce.number().int().min(0).max(29).default(0),
    effective: z
      .string()
      .regex(/^\d+(\.\d+)?,\d+(\.\d+)?$/, "expected two speeds DOWN,UP such as 200,120")
      .optional(),
    shiftBp: z.coerce.number().positive().max(1000).default(10),
    horizonMonths: z.coerce.number().int().min(1).max(1200).optional(),
    salePrice: finite("the sale price").pipe(z.number().min(0)).optional(),
    saleYield: finite("the sale yield in percent").pipe(z.number().min(-50).max(1000)).optional(),
    reinvest: finite("the reinvestment rate in percent").pipe(z.number().min(-50).max(100)).optional(),
    json: z.boolean().default(false),
  })
  .refine((o) => (o.price === undefined) !== (o.yield === undefined), {
    message: "expected exactly one of --price or --yield",
    path: ["price"],
  })
  .refine(
    (o) =>
      (o.horizonMonths === undefined) === (o.salePrice === undefined && o.saleYield === undefined) &&
      (o.salePrice === undefined || o.saleYield === undefined),
    {
      message: "expected --horizon-months with one of --sale-price or --sale-yield (a holding-period return)",
      path: ["horizonMonths"],
    },
  )
  .refine((o) => o.deal === undefined || o.class !== undefined, {
    message: "expected --class with --deal: the class of the deal to price",
    path: ["class"],
  });
type Options = z.output<typeof optionsSchema>;

/** The priced instrument's cash flows per 100 of face, timed from settlement, and its coupon in percent. */
interface Priced {
  readonly what: string;
  /** The months that pay something. */
  readonly flows: TimedFlow[];
  /** Every month's flow, month 1 first (for a holding period). */
  readonly monthFlows: TimedFlow[];
  /** Balance (an IO's notional) per 100 of original face after month m (100 before month 1). */
  readonly balanceAfter: (month: number) => number;
  readonly couponPercent: number;
}

const paying = (flow: TimedFlow): boolean => flow.principal !== 0 || flow.interest !== 0;

function pricedOf(result: FileProjection, options: Options): Priced {
  const times = sf.paymentTimesYears(result.pool.months.length, options.delayDays, options.settleDay);
  const at = (index: number): number => times[index] ?? 0;
  if (options.class === undefined) {
    const scale = 100 / Number(result.pool.initialBalanceCents);
    const monthFlows = result.pool.months.map((m, index) => ({
      years: at(index),
      principal: Number(poolPrincipalCents(m)) * scale,
      interest: Number(m.interestCents) * scale,
    }));
    return {
      what: "pool pass-through",
      flows: monthFlows.filter(paying),
      monthFlows,
      balanceAfter: (month) =>
        month === 0 ? 100 : Number(result.pool.months[month - 1]?.endingBalanceCents ?? 0n) * scale,
      couponPercent: result.netCouponPercent,
    };
  }
  if (result.paidOut === undefined) {
    throw new CliError("USAGE", "--class needs --deal DEAL_FILE or a structure: section in the projection file");
  }
  const classes = result.paidOut.classes;
  const target = classes.find((c) => c.class === options.class);
  if (target === undefined) {
    const names = classes.map((c) => c.class).join(", ");
    const of = result.paidOut.source === "deal" ? "the deal" : "the structure";
    throw new CliError("USAGE", `--class: expected a class of ${of} (${names}), found ${options.class}`);
  }
  const face = target.tranche.faceCents > 0n ? target.tranche.faceCents : (target.notionalFaceCents ?? 0n);
  if (face === 0n) throw new CliError("USAGE", `Class ${target.class} has no face to price`);
  const scale = 100 / Number(face);
  const monthFlows = target.tranche.months.map((m, index) => ({
    years: at(index),
    principal: Number(m.principalPaidCents) * scale,
    interest: Number(m.interestPaidCents) * scale,
  }));
  const balances = (classes.find((c) => c.class === target.notionalOf) ?? target).tranche.months;
  return {
    what: `class ${target.class}`,
    flows: monthFlows.filter(paying),
    monthFlows,
    balanceAfter: (month) => (month === 0 ? 100 : Number(balances[month - 1]?.balanceCents ?? 0n) * scale),
    couponPercent: target.couponPercent ?? 0,
  };
}

export function registerPriceCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command("price")
    .description("price the projected pool or a class: yield/price, average life, duration, convexity (SIFMA SF)")
    .argument("<file>", "the projection file (YAML or JSON)")
    .option("--price <price>", "clean price per 100 of face: print the yield")
    .option("--yield <percent>", "bond-equivalent yield in percent: print the price")
    .option("--deal <file>", "a deal file, to price one of its classes (with --class)")
    .option("--class <class>", "the class to price (of --deal, or of the file's structure)")
    .option("--tape <file>", "a loan tape: the pool is its loans in the file's tiers")
    .option("--mapping <file>", "the tape's column-mapping file")
    .option("--delay-days <days>", "actual payment delay in days (14 for Ginnie Mae I; default 0)")
    .option("--settle-day <day>", "settlement, days (30/360) into the first accrual month (default 0)")
    .option("--effective <down,up>", "prepayment speeds for yields shifted down and up: effective measures")
    .option("--shift-bp <bp>", "the yield shift of --effective in basis points (default 10)")
    .option("--horizon-months <n>", "holding period in months: print the total return (with --sale-price)")
    .option("--sale-price <price>", "clean price per 100 of the remaining face at the horizon")
    .option("--sale-yield <percent>", "or sell at this yield: the remaining flows valued at the horizon")
    .option("--reinvest <percent>", "bond-equivalent rate the period's flows are reinvested at (default: the yield)")
    .option("--json", "print JSON")
    .action(async (path: string, raw: unknown) => {
      const options = parseOptions(optionsSchema, raw);
      const file = await readProjectionFile(path);
      const deal = options.deal === undefined ? undefined : await readDealFile(options.deal);
      const strata =
        options.tape === undefined
          ? undefined
          : (await readTapeStrata(options.tape, options.mapping, file.tiers?.by ?? [])).strata;
      const inputs: ProjectionInputs = {
        ...(deal === undefined ? {} : { deal, schedule: await loadScheduleSource(deal, options.deal ?? "") }),
        ...(strata === undefined ? {} : { strata }),
      };
      const base = pricedOf(runProjectionFile(file, inputs), options);
      if (base.flows.length === 0) throw new CliError("USAGE", `The ${base.what} pays nothing to price`);
      const accrued = sf.accruedInterest(base.couponPercent, options.settleDay);
      let yieldPercent: number;
      let cleanPrice: number;
      try {
        yieldPercent = options.yield ?? sf.yieldAtPrice(base.flows, (options.price ?? 0) + accrued);
        cleanPrice = options.price ?? sf.priceAtYield(base.flows, yieldPercent) - accrued;
      } catch (error) {
        if (error instanceof cashflow.CashflowError) throw new CliError("USAGE", error.message);
        throw error;
      }
      const figures: Record<string, number> = {
        cleanPrice,
        accruedInterest: accrued,
        fullPrice: cleanPrice + accrued,
        yieldPercent,
        mortgageYieldPercent: sf.mortgageYield(yieldPercent),
        ...(base.flows.some((flow) => flow.principal > 0)
          ? { averageLifeYears: sf.averageLife(base.flows, true) }
          : {}),
        macaulayDurationYears: sf.macaulayDuration(base.flows, yieldPercent),
        modifiedDurationYears: sf.modifiedDuration(base.flows, yieldPercent),
        convexity: sf.cashFlowConvexity(base.flows, yieldPercent),
      };
      if (options.effective !== undefined) {
        const [down, up] = options.effective.split(",").map(Number) as [number, number];
        const shift = options.shiftBp / 100;
        const at = (speed: number, y: number): number => {
          const shifted = runProjectionFile(file, {
            ...inputs,
            scenario: { prepayment: { type: file.assumptions.prepayment.type, percent: speed } },
          });
          return sf.priceAtYield(pricedOf(shifted, options).flows, y);
        };
        const effective = sf.effectiveMeasures(
          at(down, yieldPercent - shift),
          cleanPrice + accrued,
          at(up, yieldPercent + shift),
          shift,
        );
        figures.effectiveDurationYears = effective.duration;
        figures.effectiveConvexity = effective.convexity;
      }
      if (options.horizonMonths !== undefined) {
        const months = options.horizonMonths;
        const horizonYears = (30 * months - options.settleDay) / 360;
        const remaining = base.monthFlows
          .slice(months)
          .filter(paying)
          .map((flow) => ({ ...flow, years: flow.years - horizonYears }));
        const sale =
          options.saleYield !== undefined
            ? sf.priceAtYield(remaining, options.saleYield)
            : (((options.salePrice ?? 0) + accrued) * base.balanceAfter(months)) / 100;
        const terminal = sf.terminalValue(
          base.monthFlows.slice(0, months),
          horizonYears,
          sale,
          options.reinvest ?? yieldPercent,
        );
        const total = sf.holdingPeriodReturn(cleanPrice + accrued, terminal, horizonYears);
        figures.terminalValue = terminal;
        figures.totalReturnBondEquivalentPercent = total.bondEquivalentPercent;
        figures.totalReturnPercent = total.totalPercent;
      }
      if (options.json) {
        writeJson(io.stdout, {
          instrument: base.what,
          delayDays: options.delayDays,
          settleDay: options.settleDay,
          ...figures,
        });
      } else {
        const rows: [string, string][] = [
          ["instrument", base.what],
          ["clean price", figures.cleanPrice?.toFixed(6) ?? ""],
          ["accrued interest", figures.accruedInterest?.toFixed(6) ?? ""],
          ["full price", figures.fullPrice?.toFixed(6) ?? ""],
          ["yield (bond-equivalent)", `${figures.yieldPercent?.toFixed(5)}%`],
          ["mortgage yield", `${figures.mortgageYieldPercent?.toFixed(5)}%`],
          ["average life (years)", figures.averageLifeYears?.toFixed(5) ?? "- (no principal)"],
          ["Macaulay duration (years)", figures.macaulayDurationYears?.toFixed(5) ?? ""],
          ["modified duration (years)", figures.modifiedDurationYears?.toFixed(5) ?? ""],
          ["convexity", figures.convexity?.toFixed(6) ?? ""],
        ];
        if (figures.effectiveDurationYears !== undefined) {
          rows.push(["effective duration (years)", figures.effectiveDurationYears.toFixed(5)]);
          rows.push(["effective convexity", figures.effectiveConvexity?.toFixed(6) ?? ""]);
        }
        if (figures.terminalValue !== undefined) {
          rows.push(["terminal value", figures.terminalValue.toFixed(6)]);
          rows.push(["total return (bond-equivalent)", `${figures.totalReturnBondEquivalentPercent?.toFixed(5)}%`]);
          rows.push(["total return", `${figures.totalReturnPercent?.toFixed(5)}%`]);
        }
        rows.push(["delay / settlement", `${options.delayDays} days / day ${options.settleDay}`]);
        io.stdout.write(formatKeyValues(rows));
      }
      setExitCode(0);
    });
}

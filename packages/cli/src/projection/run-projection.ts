/**
 * Runs a projection file: the pool's rep lines projected by the SIFMA standard formulas, rounded to cents once
 * (`cashflow.standard.projectRepLines`), and with a deal file paid out through the deal's waterfall
 * (`projection.projectDeal`). Shared by `abs project` and `abs price`.
 */
import { cashflow, projection } from "@abs/core";
import { CliError } from "../errors";
import { type DealFile } from "../deal/deal-file";
import { classOf, trancheFaces, waterfallConfig } from "../deal/deal-terms";
import { type ScheduleSource, scheduleTargets } from "../deal/deal-schedule";
import { type ProjectionFile, type Scenario, netCouponPercent, repLinesOf } from "./projection-file";

type ProjectedPool = cashflow.standard.ProjectedPool;

/** Principal-weighted summary of a monthly principal stream in cents. */
export interface PrincipalSummary {
  readonly averageLifeYears: number | undefined;
  readonly principalWindow: readonly [number, number] | undefined;
}

/** A pool's headline figures. */
export interface PoolSummary extends PrincipalSummary {
  readonly balanceCents: bigint;
  readonly defaultsCents: bigint;
  readonly lossCents: bigint;
  readonly interestCents: bigint;
  /** Cumulative defaults and losses as percent of the opening balance. */
  readonly defaultsPercent: number;
  readonly lossPercent: number;
}

/** One risk tier's headline figures (full precision). */
export interface TierSummary {
  readonly name: string;
  readonly balance: number;
  readonly averageLifeYears: number | undefined;
  readonly defaultsPercent: number;
  readonly lossPercent: number;
}

/** A class of the deal (or of the file's CMO structure) with its projection. */
export interface ClassProjection {
  readonly class: string;
  readonly couponPercent: number | undefined;
  readonly tranche: projection.TrancheProjection;
  /** An IO class: the original face of the class whose balance is its notional (prices are per 100 of it). */
  readonly notionalFaceCents?: bigint;
  /** An IO class: the name of that class. */
  readonly notionalOf?: string;
}

/** The pool paid out to classes: through a deal file's waterfall, or through the file's CMO structure. */
export interface PaidOut {
  readonly source: "deal" | "structure";
  readonly classes: readonly ClassProjection[];
  readonly residualCents: bigint;
  /** Deal: months an event-of-default trigger accelerated it. */
  readonly acceleratedMonths: readonly number[];
  /** Structure: months a PAC class was paid less than its schedule. */
  readonly pacShortfallMonths: readonly number[];
}

export interface FileProjection {
  readonly pool: ProjectedPool;
  /** The pool's balance-weighted net coupon, percent (a pass-through's coupon). */
  readonly netCouponPercent: number;
  readonly summary: PoolSummary;
  readonly tiers: readonly TierSummary[];
  readonly paidOut?: PaidOut;
}

/** The pool's principal returned in a month: scheduled, prepaid and recovered. */
export function poolPrincipalCents(month: cashflow.standard.PoolMonthCents): bigint {
  return month.scheduledPrincipalCents + month.prepaidPrincipalCents + month.recoveryCents;
}

function principalStream(rows: { month: number; principalCents: bigint }[]): PrincipalSummary {
  const { averageLifeYears, principalWindow } = projection.principalSummary(rows);
  return { averageLifeYears, principalWindow };
}

function summarize(pool: ProjectedPool): PoolSummary {
  let defaults = 0n;
  let loss = 0n;
  let interest = 0n;
  for (const month of pool.months) {
    defaults += month.newDefaultsCents;
    loss += month.lossCents;
    interest += month.interestCents;
  }
  const percentOf = (cents: bigint): number =>
    pool.initialBalanceCents === 0n ? 0 : (100 * Number(cents)) / Number(pool.initialBalanceCents);
  return {
    balanceCents: pool.initialBalanceCents,
    defaultsCents: defaults,
    lossCents: loss,
    interestCents: interest,
    defaultsPercent: percentOf(defaults),
    lossPercent: percentOf(loss),
    ...principalStream(pool.months.map((month) => ({ month: month.month, principalCents: poolPrincipalCents(month) }))),
  };
}

function tierSummaries(lines: readonly cashflow.standard.RepLine[], pool: ProjectedPool): TierSummary[] {
  return pool.lines.map((line, index) => {
    const balance = lines[index]?.pool.balance ?? 0;
    let weighted = 0;
    let principal = 0;
    for (const period of line.cashflows.periods) {
      const paid = period.expectedAmortization + period.voluntaryPrepayments + period.principalRecovery;
      weighted += period.month * paid;
      principal += paid;
    }
    const { totals } = line.cashflows;
    return {
      name: line.name,
      balance,
      averageLifeYears: principal > 0 ? weighted / principal / 12 : undefined,
      defaultsPercent: balance > 0 ? (100 * totals.newDefaults) / balance : 0,
      lossPercent: balance > 0 ? (100 * totals.principalLoss) / balance : 0,
    };
  });
}

/** Days from the first of month `period - 1` to the first of month `period` after the start date. */
function accrualDaysFrom(startDate: string): (period: number) => number {
  const start = cashflow.parseCalendarDate(startDate);
  return (period) => cashflow.actualDays(cashflow.addMonths(start, period - 1), cashflow.addMonths(start, period));
}

const WAD_PER_NANO = 10n ** 9n;

function indexRateOf(file: ProjectionFile): (period: number) => bigint {
  const rates = file.indexRates ?? [file.indexRate ?? 0];
  return (period) => {
    const rate = rates[Math.min(period, rates.length) - 1] ?? 0;
    return BigInt(Math.round(rate * 1e9)) * WAD_PER_NANO;
  };
}

function couponPercentOf(deal: DealFile, index: number, file: ProjectionFile): number | undefined {
  const coupon = deal.tranches[index]?.coupon;
  if (coupon === undefined || coupon.type === "none") return undefined;
  if (coupon.type === "fixed") return 100 * Number(coupon.rate);
  const indexRate = file.indexRates?.[0] ?? file.indexRate ?? 0;
  if (coupon.type === "inverseFloating") {
    return 100 * Math.max(Number(coupon.constant) - Number(coupon.multiplier) * indexRate, Number(coupon.floor ?? 0));
  }
  return 100 * (Number(coupon.margin) + indexRate);
}

/** What to project the file with besides its own assumptions. */
export interface ProjectionInputs {
  /** A deal file: pay the pool out through its waterfall. */
  readonly deal?: DealFile;
  /** A scheduled deal's schedule source (`loadScheduleSource`): its targets are fixed from the projected faces. */
  readonly schedule?: ScheduleSource | undefined;
  /** Replace every tier's prepayment and default quotes. */
  readonly scenario?: Scenario;
  /** The tape's loans grouped into tiers (the file's `tiers:`), instead of the file's `pool:`. */
  readonly strata?: readonly cashflow.standard.Stratum[];
}

/**
 * Projects the file's pool (under a scenario, if given) and, with a deal file, its classes.
 *
 * @throws CliError `USAGE` for a pool the engine refuses or a deal that needs the file's start date
 */
export function runProjectionFile(file: ProjectionFile, inputs: ProjectionInputs = {}): FileProjection {
  const { deal, scenario = {}, strata, schedule } = inputs;
  const lines = repLinesOf(file, scenario, strata);
  let pool: ProjectedPool;
  try {
    pool = cashflow.standard.projectRepLines(lines);
  } catch (error) {
    if (error instanceof cashflow.CashflowError)
      throw new CliError("USAGE", `The pool cannot be projected: ${error.message}`);
    throw error;
  }
  const summary = summarize(pool);
  const tiers = tierSummaries(lines, pool);
  const netCoupon = netCouponPercent(lines);
  const base = { pool, netCouponPercent: netCoupon, summary, tiers };
  if (deal !== undefined && file.structure !== undefined) {
    throw new CliError(
      "USAGE",
      "The projection file has a structure: section; pay the pool through it or through --deal, not both",
    );
  }
  if (file.structure !== undefined)
    return { ...base, paidOut: paidThroughStructure(file, file.structure, pool, strata) };
  if (deal === undefined) return base;
  if (file.startDate === undefined) {
    throw new CliError(
      "USAGE",
      `The projection file needs startDate (yyyy-mm-dd) to pay the pool through deal ${deal.deal}: its ${deal.dayCount} interest counts actual days`,
    );
  }
  const faces = trancheFaces(deal, pool.initialBalanceCents);
  const result = projection.projectDeal({
    config: waterfallConfig(deal, pool.initialBalanceCents),
    facesCents: faces,
    ...(schedule === undefined ? {} : { scheduleCents: scheduleTargets(deal, schedule, faces) }),
    months: pool.months,
    accrualDays: accrualDaysFrom(file.startDate),
    indexRateWad: indexRateOf(file),
  });
  const classes = deal.tranches.map((tranche, index): ClassProjection => {
    const projected = result.tranches[index];
    if (projected === undefined) throw new Error(`unreachable: no projection for class ${tranche.class}`);
    return {
      class: classOf(tranche.name, tranche.symbol),
      couponPercent: couponPercentOf(deal, index, file),
      tranche: projected,
    };
  });
  return {
    ...base,
    paidOut: {
      source: "deal",
      classes,
      residualCents: result.residualCents,
      acceleratedMonths: result.acceleratedMonths,
      pacShortfallMonths: [],
    },
  };
}

/** The file's pool projected at `psa` PSA and no defaults: one side of a PAC band (or a TAC's one speed). */
export function poolMonthsAtPsa(file: ProjectionFile, psa: number, strata?: ProjectionInputs["strata"]) {
  const lines = repLinesOf(file, {}, strata).map((line) => ({
    ...line,
    assumptions: {
      ...line.assumptions,
      prepayment: { type: "PSA" as const, percent: psa },
      default: { type: "MDR" as const, percent: 0 },
    },
  }));
  return cashflow.standard.projectRepLines(lines).months;
}

function paidThroughStructure(
  file: ProjectionFile,
  structure: NonNullable<ProjectionFile["structure"]>,
  pool: ProjectedPool,
  strata: ProjectionInputs["strata"],
): PaidOut {
  const classes = structure.classes.map((c): projection.CmoClass => ({
    name: c.name,
    type: c.type,
    faceCents: c.face === undefined ? 0n : parseAmountCents(c.face),
    couponWad: BigInt(Math.round(c.coupon * 1e9)) * WAD_PER_NANO,
    ...(c.notionalOf === undefined ? {} : { notionalOf: c.notionalOf }),
  }));
  try {
    const pacFace = classes.filter((c) => c.type === "pac").reduce((sum, c) => sum + c.faceCents, 0n);
    const band = structure.pacBand;
    const targets =
      pacFace > 0n && band !== undefined
        ? projection.pacSchedule(
            pacFace,
            poolMonthsAtPsa(file, band.low, strata),
            poolMonthsAtPsa(file, band.high, strata),
          )
        : [];
    const result = projection.projectCmo(classes, pool.months, targets);
    return {
      source: "structure",
      classes: result.classes.map((c, index) => ({
        class: c.name,
        couponPercent:
          structure.classes[index]?.type === "po" ? undefined : 100 * (structure.classes[index]?.coupon ?? 0),
        ...notionalFace(classes, index),
        tranche: {
          faceCents: c.faceCents,
          months: c.months.map((row) => ({
            month: row.month,
            interestPaidCents: row.interestPaidCents,
            principalPaidCents: row.principalPaidCents,
            netWriteDownCents: row.writeDownCents,
            balanceCents: row.balanceCents,
            interestShortfallCents: 0n,
          })),
          principalPaidCents: c.principalPaidCents,
          interestPaidCents: c.interestPaidCents,
          lossCents: c.lossCents,
          averageLifeYears: c.averageLifeYears,
          principalWindow: c.principalWindow,
        },
      })),
      residualCents: result.residualCents,
      acceleratedMonths: [],
      pacShortfallMonths: result.pacShortfallMonths,
    };
  } catch (error) {
    if (error instanceof cashflow.CashflowError) throw new CliError("USAGE", `structure: ${error.message}`);
    throw error;
  }
}

function notionalFace(
  classes: readonly projection.CmoClass[],
  index: number,
): { notionalFaceCents?: bigint; notionalOf?: string } {
  const strip = classes[index];
  if (strip?.type !== "io") return {};
  const notional = classes.find((c) => c.name === strip.notionalOf);
  return notional === undefined ? {} : { notionalFaceCents: notional.faceCents, notionalOf: notional.name };
}

/** "1234.56" -> 123456n (the file's amounts have at most 2 decimals). */
function parseAmountCents(amount: string): bigint {
  const [units = "0", decimals = ""] = amount.split(".");
  return BigInt(units) * 100n + BigInt(decimals.padEnd(2, "0"));
}

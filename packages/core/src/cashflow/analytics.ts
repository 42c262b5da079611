/**
 * Analytics on projected cash flows: weighted average life, yield and price, duration, loss coverage and
 * scenario grids. These are measures, not payments, so they use float64 (SIFMA Uniform Practices SF-48 ff.).
 *
 * Conventions: cash flows are monthly, `flows[i]` is received at the end of month i + 1 after settlement (no
 * delay days, settlement on the cut-off date). Yields are **bond-equivalent** (BEY): the monthly rate y_m that
 * discounts the flows to the price, quoted as 2 x ((1 + y_m)^6 - 1) so it compares with semi-annual bonds.
 * Prices are per 100 of face.
 */
import { CashflowError } from "./errors";
import { WAD } from "./fixed-point";

/**
 * Weighted average life in years of a principal stream: sum(t x P_t) / sum(P_t) / periodsPerYear, t = 1, 2, ...
 * (the average time to the return of a unit of principal; SIFMA SF-56). The numerator is summed exactly.
 *
 * @throws CashflowError `INVALID_ANALYTICS_INPUT` if the stream returns no principal
 */
export function weightedAverageLifeYears(principalCents: readonly bigint[], periodsPerYear = 12): number {
  let weighted = 0n;
  let total = 0n;
  for (const [index, amount] of principalCents.entries()) {
    weighted += BigInt(index + 1) * amount;
    total += amount;
  }
  if (total <= 0n) {
    throw new CashflowError("INVALID_ANALYTICS_INPUT", `WAL: expected a positive principal total, found ${total}`);
  }
  return Number(weighted) / Number(total) / periodsPerYear;
}

/** Bond-equivalent yield of a monthly rate: 2 x ((1 + y_m)^6 - 1). */
export function monthlyToBondEquivalent(monthlyRate: number): number {
  return 2 * (Math.pow(1 + monthlyRate, 6) - 1);
}

/** Monthly rate of a bond-equivalent yield: (1 + BEY / 2)^(1/6) - 1. */
export function bondEquivalentToMonthly(bondEquivalentYield: number): number {
  return Math.pow(1 + bondEquivalentYield / 2, 1 / 6) - 1;
}

/** Present value (cents, float) of monthly flows at monthly rate `monthlyRate`, and its derivative sum(t x PV_t). */
function discount(flows: readonly bigint[], monthlyRate: number): { pv: number; timeWeighted: number } {
  const factor = 1 / (1 + monthlyRate);
  let df = 1;
  let pv = 0;
  let timeWeighted = 0;
  for (const [index, flow] of flows.entries()) {
    df *= factor;
    const value = Number(flow) * df;
    pv += value;
    timeWeighted += (index + 1) * value;
  }
  return { pv, timeWeighted };
}

/** Present value in cents (float) of monthly flows at a bond-equivalent yield. */
export function presentValueCents(flows: readonly bigint[], bondEquivalentYield: number): number {
  return discount(flows, bondEquivalentToMonthly(bondEquivalentYield)).pv;
}

function assertFace(faceCents: bigint): void {
  if (faceCents <= 0n) {
    throw new CashflowError("INVALID_ANALYTICS_INPUT", `expected a positive face amount, found ${faceCents}`);
  }
}

/**
 * Price per 100 of face of monthly flows at a bond-equivalent yield: 100 x PV / face.
 *
 * @throws CashflowError `INVALID_ANALYTICS_INPUT` for a non-positive face
 */
export function priceFromYield(flows: readonly bigint[], bondEquivalentYield: number, faceCents: bigint): number {
  assertFace(faceCents);
  return (100 * presentValueCents(flows, bondEquivalentYield)) / Number(faceCents);
}

/** Options of {@link yieldFromPrice}. */
export interface YieldSolverOptions {
  /** Convergence tolerance on the monthly rate (default 1e-12). */
  readonly tolerance?: number;
  /** Iteration cap (default 200). */
  readonly maxIterations?: number;
}

/**
 * Bond-equivalent yield at which monthly flows are worth `pricePer100` per 100 of face. Solves for the monthly
 * rate with safeguarded Newton steps inside a bisection bracket of (-99%, 100%) a month, then converts to BEY.
 *
 * @throws CashflowError `INVALID_ANALYTICS_INPUT` (bad face or price), `NO_CONVERGENCE` (price not bracketed)
 */
export function yieldFromPrice(
  flows: readonly bigint[],
  pricePer100: number,
  faceCents: bigint,
  options: YieldSolverOptions = {},
): number {
  assertFace(faceCents);
  if (!(pricePer100 > 0) || !Number.isFinite(pricePer100)) {
    throw new CashflowError("INVALID_ANALYTICS_INPUT", `yield: expected a positive price, found ${pricePer100}`);
  }
  const target = (pricePer100 * Number(faceCents)) / 100;
  const tolerance = options.tolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 200;
  const gap = (rate: number): number => discount(flows, rate).pv - target;
  let low = -0.99;
  let high = 1;
  let gapLow = gap(low);
  const gapHigh = gap(high);
  if (Math.sign(gapLow) === Math.sign(gapHigh)) {
    throw new CashflowError(
      "NO_CONVERGENCE",
      `yield: expected a price between the values at -99% and 100% a month, found ${pricePer100}`,
    );
  }
  let rate = 0.005;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const { pv, timeWeighted } = discount(flows, rate);
    const value = pv - target;
    if (Math.sign(value) === Math.sign(gapLow)) {
      low = rate;
      gapLow = value;
    } else {
      high = rate;
    }
    // dPV/dy = -sum(t x PV_t) / (1 + y)
    const slope = -timeWeighted / (1 + rate);
    let next = slope === 0 ? Number.NaN : rate - value / slope;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - rate) <= tolerance) return monthlyToBondEquivalent(next);
    rate = next;
  }
  throw new CashflowError("NO_CONVERGENCE", `yield: no convergence within ${maxIterations} iterations`);
}

/**
 * Macaulay duration in years of monthly flows at a bond-equivalent yield: sum((t / 12) x PV_t) / PV.
 *
 * @throws CashflowError `INVALID_ANALYTICS_INPUT` if the flows have no positive value
 */
export function macaulayDurationYears(flows: readonly bigint[], bondEquivalentYield: number): number {
  const { pv, timeWeighted } = discount(flows, bondEquivalentToMonthly(bondEquivalentYield));
  if (!(pv > 0)) throw new CashflowError("INVALID_ANALYTICS_INPUT", `duration: expected a positive value, found ${pv}`);
  return timeWeighted / pv / 12;
}

/**
 * Modified duration in years with respect to the bond-equivalent yield: -(dP/dBEY) / P. With
 * P = sum(CF_t x (1 + BEY/2)^(-t/6)) this is exactly Macaulay duration / (1 + BEY / 2).
 */
export function modifiedDurationYears(flows: readonly bigint[], bondEquivalentYield: number): number {
  return macaulayDurationYears(flows, bondEquivalentYield) / (1 + bondEquivalentYield / 2);
}

/** Options of {@link lossCoverage}. */
export interface LossCoverageOptions {
  /** Lowest CDR searched, wad (default 0). */
  readonly lowCdrWad?: bigint;
  /** Highest CDR searched, wad (default 100%). */
  readonly highCdrWad?: bigint;
  /** Bisection stops when the bracket is this narrow, wad (default 1e12 = 0.0001% CDR). */
  readonly toleranceWad?: bigint;
  /** Largest tranche loss that still counts as surviving, cents (default 0: not a cent of loss). */
  readonly lossThresholdCents?: bigint;
}

/** Result of {@link lossCoverage}. */
export interface LossCoverageResult {
  /** Highest CDR found at which the tranche survives (within the tolerance), wad. */
  readonly breakevenCdrWad: bigint;
  /** `true` if the tranche survives even the highest CDR searched. */
  readonly survivesHigh: boolean;
  /** `true` if the tranche fails even at the lowest CDR searched (then `breakevenCdrWad` is that lowest CDR). */
  readonly failsLow: boolean;
  /** Number of times the callback was evaluated. */
  readonly evaluations: number;
}

/**
 * Loss coverage: the highest constant default rate a tranche survives. The caller supplies the tranche loss
 * under a CDR (typically: project the pool with that CDR, run the waterfall, read the tranche's write-down);
 * this bisects on integer wad CDRs, assuming loss does not decrease as CDR rises.
 *
 * @throws CashflowError `INVALID_ANALYTICS_INPUT` if the bracket is empty
 */
export function lossCoverage(
  trancheLossCentsAtCdr: (cdrWad: bigint) => bigint,
  options: LossCoverageOptions = {},
): LossCoverageResult {
  let low = options.lowCdrWad ?? 0n;
  let high = options.highCdrWad ?? WAD;
  const tolerance = options.toleranceWad ?? 10n ** 12n;
  const threshold = options.lossThresholdCents ?? 0n;
  if (low < 0n || high <= low || tolerance <= 0n) {
    throw new CashflowError(
      "INVALID_ANALYTICS_INPUT",
      `loss coverage: expected 0 <= low < high and a positive tolerance, found low ${low}, high ${high}, tolerance ${tolerance}`,
    );
  }
  let evaluations = 0;
  const survives = (cdr: bigint): boolean => {
    evaluations++;
    return trancheLossCentsAtCdr(cdr) <= threshold;
  };
  if (survives(high)) return { breakevenCdrWad: high, survivesHigh: true, failsLow: false, evaluations };
  if (!survives(low)) return { breakevenCdrWad: low, survivesHigh: false, failsLow: true, evaluations };
  while (high - low > tolerance) {
    const middle = (low + high) / 2n;
    if (survives(middle)) low = middle;
    else high = middle;
  }
  return { breakevenCdrWad: low, survivesHigh: false, failsLow: false, evaluations };
}

/** A matrix of metrics over two scenario axes (e.g. CPR rows x CDR columns). */
export interface ScenarioGrid<Row, Column, Metric> {
  /** Row axis values, in order. */
  readonly rows: readonly Row[];
  /** Column axis values, in order. */
  readonly columns: readonly Column[];
  /** `cells[i][j]` is the metric for `rows[i]` and `columns[j]`. */
  readonly cells: readonly (readonly Metric[])[];
}

/**
 * Evaluates a caller-chosen metric on every combination of two scenario axes, row by row, e.g. CPR x CDR with
 * `evaluate = (cpr, cdr) => ({ wal, lossPercent, yield })`.
 */
export function scenarioGrid<Row, Column, Metric>(
  rows: readonly Row[],
  columns: readonly Column[],
  evaluate: (row: Row, column: Column) => Metric,
): ScenarioGrid<Row, Column, Metric> {
  return { rows, columns, cells: rows.map((row) => columns.map((column) => evaluate(row, column))) };
}

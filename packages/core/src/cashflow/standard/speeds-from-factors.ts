/**
 * Prepayment speeds measured from pool factors (SIFMA Uniform Practices SF-7..SF-15): what a pool actually
 * prepaid, as SMM, CPR, PSA and ABS, for one pool over one month or several, and for several pools together.
 */
import { CashflowError } from "../errors";
import { amortizedBalance } from "./amortization";
import { cprFromSmm, cprToPsa, psaToCpr, smmFromCpr } from "./rates";

/** One pool's factors at the start and end of an observation window. */
export interface FactorObservation {
  /** Original face of the pool (weights it in a multi-pool average); 1 for a single pool. */
  readonly originalFace: number;
  /** Gross coupon (WAC) as a fraction. */
  readonly grossCoupon: number;
  /** Original term M0 of the loans, months (BAL's denominator). */
  readonly originalTermMonths: number;
  /** Remaining term M (WAM) at the start of the window, months (BAL's numerator). */
  readonly remainingTermMonths: number;
  /**
   * Loan age at the start of the window, months, for the PSA ramp: the window's first MONTH is age + 1. SF-7
   * counts it on the calendar from the pool's issue, which need not equal M0 - M.
   */
  readonly ageMonths: number;
  /** Pool factor F1 at the start of the window. */
  readonly startFactor: number;
  /** Pool factor F2 at its end. */
  readonly endFactor: number;
}

/** Speeds measured over a window; all in percent. */
export interface MeasuredSpeeds {
  readonly smm: number;
  readonly cpr: number;
  /** PSA: closed form for one pool over one month, solved by iteration otherwise (SF-11). */
  readonly psa: number;
  /** Factor the pools would have had with no prepayments, face-weighted: sum(face x F1 x BAL2 / BAL1). */
  readonly scheduledBalance: number;
  /** What they have: sum(face x F2). */
  readonly actualBalance: number;
}

function assertObservation(pool: FactorObservation, months: number, where: string): void {
  const problems: string[] = [];
  if (!(pool.originalFace > 0)) problems.push(`originalFace ${pool.originalFace}`);
  if (!(pool.startFactor > 0 && pool.startFactor <= 1)) problems.push(`startFactor ${pool.startFactor}`);
  if (!(pool.endFactor >= 0 && pool.endFactor <= pool.startFactor)) problems.push(`endFactor ${pool.endFactor}`);
  if (!Number.isInteger(pool.ageMonths) || pool.ageMonths < 0) problems.push(`ageMonths ${pool.ageMonths}`);
  if (
    !Number.isInteger(pool.remainingTermMonths) ||
    pool.remainingTermMonths < months ||
    pool.remainingTermMonths > pool.originalTermMonths
  )
    problems.push(`remainingTermMonths ${pool.remainingTermMonths} of ${pool.originalTermMonths}`);
  if (problems.length > 0) {
    throw new CashflowError(
      "INVALID_ANALYTICS_INPUT",
      `${where}: expected a positive face, 0 < F1 <= 1, 0 <= F2 <= F1 and a window inside the term; found ${problems.join(", ")}`,
    );
  }
}

/** BAL2 / BAL1 of a pool over `months` months from its age: the share that survives scheduled amortization. */
function scheduledSurvival(pool: FactorObservation, months: number): number {
  const remaining = pool.remainingTermMonths;
  const start = amortizedBalance(pool.grossCoupon, remaining, pool.originalTermMonths);
  const end = amortizedBalance(pool.grossCoupon, remaining - months, pool.originalTermMonths);
  return end / start;
}

/** Aggregate factor of the pools after `months` months at `psaPercent` PSA, each on its own ages. */
function balanceAtPsa(pools: readonly FactorObservation[], months: number, psaPercent: number): number {
  let total = 0;
  for (const pool of pools) {
    let survival = pool.originalFace * pool.startFactor * scheduledSurvival(pool, months);
    for (let step = 1; step <= months; step++) {
      survival *= 1 - smmFromCpr(psaToCpr(psaPercent, pool.ageMonths + step)) / 100;
    }
    total += survival;
  }
  return total;
}

/**
 * Average prepayment rates of one or more pools over a window of `months` months (SF-11):
 *
 *     SMM = 100 x [1 - (actual / scheduled)^(1/months)],  CPR = 100 x [1 - (actual / scheduled)^(12/months)]
 *
 * with actual = sum(face x F2) and scheduled = sum(face x F1 x BAL2/BAL1). PSA is the single speed that, run on
 * each pool's own ages, ends at the actual aggregate balance; it is solved by bisection (not an average of pool
 * PSAs, which SF-11 forbids). For one pool over one month this equals 100 x CPR / (0.2 x min(MONTH, 30)).
 *
 * @throws CashflowError `INVALID_ANALYTICS_INPUT` for an empty list, a bad factor or a window outside the term
 */
export function measuredSpeeds(pools: readonly FactorObservation[], months: number): MeasuredSpeeds {
  if (pools.length === 0 || !Number.isInteger(months) || months < 1) {
    throw new CashflowError(
      "INVALID_ANALYTICS_INPUT",
      `speeds: expected at least one pool and a whole number of months >= 1, found ${pools.length} pools over ${months}`,
    );
  }
  pools.forEach((pool, index) => assertObservation(pool, months, `pool ${index + 1}`));
  let scheduled = 0;
  let actual = 0;
  for (const pool of pools) {
    scheduled += pool.originalFace * pool.startFactor * scheduledSurvival(pool, months);
    actual += pool.originalFace * pool.endFactor;
  }
  const survival = actual / scheduled;
  const smm = -100 * Math.expm1(Math.log(survival) / months);
  const cpr = cprFromSmm(smm);
  const first = pools[0];
  const psa =
    pools.length === 1 && months === 1 && first !== undefined
      ? cprToPsa(cpr, first.ageMonths + 1)
      : solvePsa(pools, months, actual);
  return { smm, cpr, psa, scheduledBalance: scheduled, actualBalance: actual };
}

function solvePsa(pools: readonly FactorObservation[], months: number, actual: number): number {
  let low = 0;
  let high = 100_000;
  if (balanceAtPsa(pools, months, low) <= actual) return 0;
  if (balanceAtPsa(pools, months, high) > actual) {
    throw new CashflowError("NO_CONVERGENCE", `speeds: the pools prepaid faster than ${high}% PSA`);
  }
  for (let iteration = 0; iteration < 200 && high - low > 1e-10; iteration++) {
    const middle = (low + high) / 2;
    if (balanceAtPsa(pools, months, middle) > actual) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/**
 * ABS speed (percent) of a pool between two ages (SF-14):
 *
 *     ABS = 100 x [(F2/F1) - (BAL2/BAL1)] / [AGE1 x (F2/F1) - AGE2 x (BAL2/BAL1)]
 */
export function measuredAbsSpeed(pool: FactorObservation, months: number): number {
  assertObservation(pool, months, "ABS speed");
  const factorRatio = pool.endFactor / pool.startFactor;
  const balanceRatio = scheduledSurvival(pool, months);
  const ageStart = pool.ageMonths;
  const ageEnd = pool.ageMonths + months;
  if (ageStart === 0 && factorRatio === balanceRatio) return 0;
  return (100 * (factorRatio - balanceRatio)) / (ageStart * factorRatio - ageEnd * balanceRatio);
}

/** One month's speeds from factors with the amortized balances given, as SF-7 works its example. */
export function oneMonthSpeeds(
  startFactor: number,
  endFactor: number,
  startBalance: number,
  endBalance: number,
  month: number,
): { scheduledFactor: number; amortization: number; prepayments: number; smm: number; cpr: number; psa: number } {
  const scheduledFactor = (startFactor * endBalance) / startBalance;
  const prepayments = scheduledFactor - endFactor;
  const smm = (100 * prepayments) / scheduledFactor;
  const cpr = cprFromSmm(smm);
  return {
    scheduledFactor,
    amortization: startFactor - scheduledFactor,
    prepayments,
    smm,
    cpr,
    psa: cprToPsa(cpr, month),
  };
}

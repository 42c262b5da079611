import {
  type AssumptionSet,
  type MonthlyRates,
  type TieredAssumptions,
  assumptionsForTier,
  compileMonthlyRates,
} from "./assumptions";
import { type CalendarDate, type DayCount, MonthGrid } from "./day-count";
import { CashflowError } from "./errors";
import { type ReducedRatio, WAD, mulDivHalfUp, reducedRatio } from "./fixed-point";
import {
  type AmortizingLoan,
  MAX_TERM_MONTHS,
  assertAmortizingLoan,
  planPayments,
  scheduledPrincipalCents,
} from "./schedule";

/**
 * The minimal loan record the projection needs. Kept independent of the loan-tape schema; an adapter maps tape
 * records to it. A rep line (an aggregate of similar loans, see `repLinesFromLoans`) is the same shape.
 */
export interface ProjectionLoan extends AmortizingLoan {
  /** Identifier used in error messages only. */
  readonly loanId?: string;
  /** Months since origination at the cut-off date. Benchmark ramps (PSA, SDA, ABS) run on this loan age. */
  readonly ageMonths: number;
  /** Value of the tier attribute (e.g. the credit grade) that selects the loan's assumption set. */
  readonly tierKey: string;
}

/** Options of {@link projectPool}. */
export interface ProjectionOptions {
  /** Cut-off date: month m ends on this date plus m months. Required if any loan uses an actual-day count. */
  readonly cutoffDate?: CalendarDate;
}

/**
 * Pool cash flows of one projection month, summed over loans, in cents. Principal is conserved exactly:
 * `beginningBalance = scheduledPrincipal + prepaidPrincipal + defaultedPrincipal + endingBalance`, and defaulted
 * principal leaves the pipeline only as `loss + recovery`.
 */
export interface PoolPeriod {
  /** Projection month, 1-based (month 1 ends one month after the cut-off date). */
  readonly month: number;
  /** Performing balance at the start of the month. */
  readonly beginningBalanceCents: bigint;
  /** Principal that defaulted this month (moved from performing into the pipeline). */
  readonly defaultedPrincipalCents: bigint;
  /** Scheduled principal paid by performing loans. */
  readonly scheduledPrincipalCents: bigint;
  /** Voluntary prepayments (partial and full). */
  readonly prepaidPrincipalCents: bigint;
  /** Performing balance at the end of the month. */
  readonly endingBalanceCents: bigint;
  /** Gross interest paid by performing loans (before the servicing fee). */
  readonly interestCents: bigint;
  /** Servicing fee strip on the beginning performing balance, to be taken out of interest. */
  readonly servicingFeeCents: bigint;
  /** Interest the servicer advances on defaulted loans still in the pipeline. */
  readonly advancedInterestCents: bigint;
  /** Advances paid back to the servicer at liquidation (out of recoveries first). */
  readonly advanceReimbursementCents: bigint;
  /** Principal recovered at liquidation: defaulted balance x (1 - severity). */
  readonly recoveryCents: bigint;
  /** Principal lost at liquidation: defaulted balance x severity. */
  readonly lossCents: bigint;
  /** Defaulted principal awaiting liquidation at the end of the month. */
  readonly pipelineBalanceCents: bigint;
}

/** Sums of a projection's monthly flows, in cents. */
export interface PoolTotals {
  /** Performing balance at the cut-off date. */
  readonly initialBalanceCents: bigint;
  /** Sum of {@link PoolPeriod.defaultedPrincipalCents}. */
  readonly defaultedPrincipalCents: bigint;
  /** Sum of {@link PoolPeriod.scheduledPrincipalCents}. */
  readonly scheduledPrincipalCents: bigint;
  /** Sum of {@link PoolPeriod.prepaidPrincipalCents}. */
  readonly prepaidPrincipalCents: bigint;
  /** Sum of {@link PoolPeriod.interestCents}. */
  readonly interestCents: bigint;
  /** Sum of {@link PoolPeriod.servicingFeeCents}. */
  readonly servicingFeeCents: bigint;
  /** Sum of {@link PoolPeriod.advancedInterestCents}. */
  readonly advancedInterestCents: bigint;
  /** Sum of {@link PoolPeriod.advanceReimbursementCents}. */
  readonly advanceReimbursementCents: bigint;
  /** Sum of {@link PoolPeriod.recoveryCents}. */
  readonly recoveryCents: bigint;
  /** Sum of {@link PoolPeriod.lossCents}. */
  readonly lossCents: bigint;
}

/** The result of a projection: one row per month until every balance is paid, defaulted and liquidated. */
export interface PoolCashflows {
  /** Monthly rows; `periods[i].month === i + 1`. */
  readonly periods: readonly PoolPeriod[];
  /** Column sums. */
  readonly totals: PoolTotals;
  /** Number of loans (or rep lines) projected. */
  readonly loanCount: number;
}

/** Struct-of-arrays accumulator, indexed by month (index 0 unused). */
interface Accumulator {
  readonly beginning: bigint[];
  readonly defaulted: bigint[];
  readonly scheduled: bigint[];
  readonly prepaid: bigint[];
  readonly ending: bigint[];
  readonly interest: bigint[];
  readonly fee: bigint[];
  /** Difference array of advanced interest: +x in the month of default, -x at liquidation. */
  readonly advanceDelta: bigint[];
  readonly reimbursement: bigint[];
  readonly recovery: bigint[];
  readonly loss: bigint[];
}

/** `column[index] += value` (the index is always in range; the fallback only satisfies the type checker). */
function add(column: bigint[], index: number, value: bigint): void {
  column[index] = (column[index] ?? 0n) + value;
}

function zeros(length: number): bigint[] {
  return new Array<bigint>(length).fill(0n);
}

/** A tier's assumption set with its compiled monthly rates. */
interface CompiledTier {
  readonly set: AssumptionSet;
  readonly rates: MonthlyRates;
}

/**
 * Projects loan-level cash flows under per-tier assumptions and sums them into monthly pool cash flows.
 *
 * Each loan is stepped payment period by payment period, following the SIFMA standard-formula order (Uniform
 * Practices SF-18): on the performing balance A at the start of the period
 *  1. defaults D = A x MDR (rounded down) leave the performing balance;
 *  2. scheduled principal on the surviving balance A - D is (A - D) x (scheduled principal / scheduled balance)
 *     of the loan's own no-prepay schedule (rounded down; the last payment takes everything);
 *  3. prepayments P = (A - A x scheduled principal / scheduled balance) x SMM (rounded down): SF-18 prepays the
 *     beginning balance after its scheduled amortization, defaults included in the base, capped at what is
 *     left after defaults and amortization;
 *  4. interest is paid by the surviving balance A - D with the loan's day count (half up); the servicing fee is
 *     the fee rate on A for the same year fraction (half up).
 * Loans that pay quarterly, semi-annually or annually use the period's compounded rates
 * (1 - prod(1 - monthly rate), survival rounded down) and book the period's flows in its payment month.
 * No loan defaults in the last `lagMonths` months of its remaining term (SF-19 j). Defaulted principal is
 * liquidated `lagMonths` later: recovery = D x (1 - severity) rounded down, loss = the
 * rest. With interest advancing the servicer advances D x rate / 12 (half up) each month from default until
 * liquidation and is reimbursed the total at liquidation. Rates ramp on each loan's own age (age at cut-off plus
 * projection month). Vectors are indexed by projection month.
 *
 * @throws CashflowError `INVALID_LOAN`, `TIER_NOT_FOUND`, `MISSING_CUTOFF_DATE`
 */
export function projectPool(
  loans: readonly ProjectionLoan[],
  tiers: TieredAssumptions,
  options: ProjectionOptions = {},
): PoolCashflows {
  const compiled = new Map<string, CompiledTier>();
  const grids = new Map<DayCount, MonthGrid>();
  let horizon = 0;
  for (const [index, loan] of loans.entries()) {
    const where = `loan ${index}${loan.loanId === undefined ? "" : ` (${loan.loanId})`}`;
    assertProjectionLoan(loan, where);
    let tier = compiled.get(loan.tierKey);
    if (tier === undefined) {
      let set: AssumptionSet;
      try {
        set = assumptionsForTier(tiers, loan.tierKey);
      } catch (error) {
        if (error instanceof CashflowError)
          throw new CashflowError(error.code, `${where}: ${error.message}`, { cause: error });
        throw error;
      }
      tier = { set, rates: compileMonthlyRates(set) };
      compiled.set(loan.tierKey, tier);
    }
    if (!grids.has(loan.dayCount)) grids.set(loan.dayCount, new MonthGrid(loan.dayCount, options.cutoffDate));
    horizon = Math.max(horizon, loan.remainingTermMonths + tier.set.recovery.lagMonths);
  }

  const size = horizon + 1;
  const acc: Accumulator = {
    beginning: zeros(size),
    defaulted: zeros(size),
    scheduled: zeros(size),
    prepaid: zeros(size),
    ending: zeros(size),
    interest: zeros(size),
    fee: zeros(size),
    advanceDelta: zeros(size + 1),
    reimbursement: zeros(size),
    recovery: zeros(size),
    loss: zeros(size),
  };
  let initialBalance = 0n;
  for (const loan of loans) {
    initialBalance += loan.currentPrincipalCents;
    const tier = compiled.get(loan.tierKey);
    const grid = grids.get(loan.dayCount);
    // Both were filled for every loan in the first pass.
    if (tier === undefined || grid === undefined) throw new Error("unreachable: tier or day-count grid not compiled");
    projectLoan(loan, tier, grid, acc);
  }
  return assemble(acc, horizon, initialBalance, loans.length);
}

/** Checks a projection loan's fields. */
function assertProjectionLoan(loan: ProjectionLoan, where: string): void {
  assertAmortizingLoan(loan, where);
  if (!Number.isInteger(loan.ageMonths) || loan.ageMonths < 0 || loan.ageMonths > MAX_TERM_MONTHS) {
    throw new CashflowError(
      "INVALID_LOAN",
      `${where}: ageMonths: expected an integer from 0 to ${MAX_TERM_MONTHS}, found ${loan.ageMonths}`,
    );
  }
}

/** Interest and fee factors of one period length, reduced so the hot loop multiplies small integers. */
interface PeriodFactors {
  /** rate x days / (1e18 x basis), reduced. */
  readonly interest: ReducedRatio;
  /** fee rate x days / (1e18 x basis), reduced. */
  readonly fee: ReducedRatio;
}

/**
 * Projects one loan and adds its flows into `acc`. The hot loop of the engine: bigint only, and every rounding is
 * the same exact rational rounding as in `scheduledAmortization` (reduced fractions give identical results).
 */
function projectLoan(loan: ProjectionLoan, tier: CompiledTier, grid: MonthGrid, acc: Accumulator): void {
  const { rates, set } = tier;
  const plan = planPayments(loan);
  const rate = loan.rateWad;
  const yearDen = WAD * grid.denominator;
  const feeWad = set.servicingFeeWad;
  const recoveryWad = WAD - set.recovery.severityWad;
  const lag = set.recovery.lagMonths;
  const advance = set.advancing === "interest" && lag > 0 ? reducedRatio(rate, 12n * WAD) : undefined;
  const isLevel = loan.amortization === "levelPayment";
  const isBullet = loan.amortization === "bullet";
  const age0 = loan.ageMonths;
  const factorsByDays = new Map<bigint, PeriodFactors>();

  let performing = loan.currentPrincipalCents; // A: actual performing balance
  let scheduledBalance = performing; // S: the loan's own no-prepay, no-default balance
  let accruedDays = 0n; // bullet loans: days of interest accrued since the cut-off
  let previousMonth = 0;
  for (let payment = 1; payment <= plan.payments && performing > 0n; payment++) {
    const month = payment === 1 ? plan.firstPaymentMonth : previousMonth + plan.monthsPerPeriod;
    for (let between = previousMonth + 1; between < month; between++) {
      add(acc.beginning, between, performing);
      add(acc.ending, between, performing);
    }

    // Monthly rates, compounded over the months of a longer payment period. No loan defaults in the last `lag`
    // months of its term, so every default is liquidated by the end of the term (SF-19 j).
    let mdr: bigint;
    let smm: bigint;
    const defaultsAllowed = (m: number): boolean => m <= loan.remainingTermMonths - lag;
    if (month - previousMonth === 1) {
      mdr = defaultsAllowed(month) ? rates.mdr(month, age0 + month) : 0n;
      smm = rates.smm(month, age0 + month);
    } else {
      let surviveDefault = WAD;
      let survivePrepay = WAD;
      for (let m = previousMonth + 1; m <= month; m++) {
        if (defaultsAllowed(m)) surviveDefault = (surviveDefault * (WAD - rates.mdr(m, age0 + m))) / WAD;
        survivePrepay = (survivePrepay * (WAD - rates.smm(m, age0 + m))) / WAD;
      }
      mdr = WAD - surviveDefault;
      smm = WAD - survivePrepay;
    }

    const days = grid.days(previousMonth, month);
    let factors = factorsByDays.get(days);
    if (factors === undefined) {
      factors = { interest: reducedRatio(rate * days, yearDen), fee: reducedRatio(feeWad * days, yearDen) };
      factorsByDays.set(days, factors);
    }
    const { interest: rateFactor, fee: feeFactor } = factors;

    const beginning = performing;
    const defaulted = mdr === 0n ? 0n : (beginning * mdr) / WAD;
    const surviving = beginning - defaulted;
    const isLast = payment === plan.payments;

    // The loan's own schedule gives the share of the balance due as scheduled principal this period.
    const scheduledInterest = isLevel ? (scheduledBalance * rateFactor.num + rateFactor.half) / rateFactor.den : 0n;
    const scheduledDue = scheduledPrincipalCents(loan.amortization, plan, scheduledBalance, scheduledInterest, isLast);
    const scheduled = isLast ? surviving : scheduledDue === 0n ? 0n : (surviving * scheduledDue) / scheduledBalance;
    // SF-18 prepays the whole beginning balance after its scheduled amortization (defaults are not taken out of
    // the base first), capped at what is left after defaults and amortization (SF-19 c).
    const scheduledOnBeginning = isLast
      ? beginning
      : scheduledDue === 0n
        ? 0n
        : (beginning * scheduledDue) / scheduledBalance;
    scheduledBalance -= scheduledDue;

    let prepaid = smm === 0n ? 0n : ((beginning - scheduledOnBeginning) * smm) / WAD;
    if (prepaid > surviving - scheduled) prepaid = surviving - scheduled;

    let interest: bigint;
    if (isBullet) {
      // Interest accrued since the cut-off is paid with principal: by prepayers now, by the rest at maturity.
      accruedDays += days;
      interest = prepaid === 0n ? 0n : mulDivHalfUp(prepaid, rate * accruedDays, yearDen);
      if (isLast) interest += mulDivHalfUp(scheduled, rate * accruedDays, yearDen);
    } else {
      interest = (surviving * rateFactor.num + rateFactor.half) / rateFactor.den;
    }
    const fee = feeFactor.num === 0n ? 0n : (beginning * feeFactor.num + feeFactor.half) / feeFactor.den;

    performing = surviving - scheduled - prepaid;
    add(acc.beginning, month, beginning);
    add(acc.defaulted, month, defaulted);
    add(acc.scheduled, month, scheduled);
    add(acc.prepaid, month, prepaid);
    add(acc.ending, month, performing);
    add(acc.interest, month, interest);
    add(acc.fee, month, fee);
    if (defaulted > 0n) {
      const liquidation = month + lag;
      const recovered = (defaulted * recoveryWad) / WAD;
      add(acc.recovery, liquidation, recovered);
      add(acc.loss, liquidation, defaulted - recovered);
      if (advance !== undefined) {
        const monthlyAdvance = (defaulted * advance.num + advance.half) / advance.den;
        add(acc.advanceDelta, month, monthlyAdvance);
        add(acc.advanceDelta, liquidation, -monthlyAdvance);
        add(acc.reimbursement, liquidation, monthlyAdvance * BigInt(lag));
      }
    }
    previousMonth = month;
  }
}

/** Turns the accumulator into rows and totals (pipeline and advances by running sums). */
function assemble(acc: Accumulator, horizon: number, initialBalance: bigint, loanCount: number): PoolCashflows {
  const periods: PoolPeriod[] = [];
  const totals = {
    initialBalanceCents: initialBalance,
    defaultedPrincipalCents: 0n,
    scheduledPrincipalCents: 0n,
    prepaidPrincipalCents: 0n,
    interestCents: 0n,
    servicingFeeCents: 0n,
    advancedInterestCents: 0n,
    advanceReimbursementCents: 0n,
    recoveryCents: 0n,
    lossCents: 0n,
  };
  let pipeline = 0n;
  let advancing = 0n;
  const at = (column: readonly bigint[], month: number): bigint => column[month] ?? 0n;
  for (let month = 1; month <= horizon; month++) {
    advancing += at(acc.advanceDelta, month);
    const row: PoolPeriod = {
      month,
      beginningBalanceCents: at(acc.beginning, month),
      defaultedPrincipalCents: at(acc.defaulted, month),
      scheduledPrincipalCents: at(acc.scheduled, month),
      prepaidPrincipalCents: at(acc.prepaid, month),
      endingBalanceCents: at(acc.ending, month),
      interestCents: at(acc.interest, month),
      servicingFeeCents: at(acc.fee, month),
      advancedInterestCents: advancing,
      advanceReimbursementCents: at(acc.reimbursement, month),
      recoveryCents: at(acc.recovery, month),
      lossCents: at(acc.loss, month),
      pipelineBalanceCents: 0n,
    };
    pipeline += row.defaultedPrincipalCents - row.recoveryCents - row.lossCents;
    periods.push({ ...row, pipelineBalanceCents: pipeline });
    totals.defaultedPrincipalCents += row.defaultedPrincipalCents;
    totals.scheduledPrincipalCents += row.scheduledPrincipalCents;
    totals.prepaidPrincipalCents += row.prepaidPrincipalCents;
    totals.interestCents += row.interestCents;
    totals.servicingFeeCents += row.servicingFeeCents;
    totals.advancedInterestCents += row.advancedInterestCents;
    totals.advanceReimbursementCents += row.advanceReimbursementCents;
    totals.recoveryCents += row.recoveryCents;
    totals.lossCents += row.lossCents;
  }
  return { periods, totals, loanCount };
}

/**
 * Cash available to the deal in a month, before any priority of payments: interest net of the servicing fee,
 * plus advances net of their reimbursement, plus scheduled and prepaid principal and recoveries. Can be negative
 * in a month where reimbursements exceed collections.
 */
export function availableFundsCents(period: PoolPeriod): bigint {
  return (
    period.interestCents -
    period.servicingFeeCents +
    period.advancedInterestCents -
    period.advanceReimbursementCents +
    period.scheduledPrincipalCents +
    period.prepaidPrincipalCents +
    period.recoveryCents
  );
}

/** Total principal returned in a month: scheduled + prepaid + recovered. */
export function principalCollectedCents(period: PoolPeriod): bigint {
  return period.scheduledPrincipalCents + period.prepaidPrincipalCents + period.recoveryCents;
}

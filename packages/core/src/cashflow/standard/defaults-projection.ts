/**
 * Mortgage cash flows with defaults, by the SIFMA standard formulas (Uniform Practices SF-17..SF-19), in full
 * float64 precision. This is the reference projection: the cents engine (`projectPool`) follows the same order and
 * bases, and `test/cashflow/standard-vs-cents.test.ts` bounds how far its cent roundings may drift from this.
 *
 * Month i of the projection, with SCH AM the pool's scheduled balance curve (see {@link ScheduledBalance}),
 * r(i) = SCH AM(i) / SCH AM(i-1) and n the months to liquidation:
 *
 *     NEW DEF(i)    = PERF BAL(i-1) x MDR(i)                       (MDR = 0 in the last n months of the term)
 *     ADB(i)        = NEW DEF(i-n) x SCH AM(i-1) / SCH AM(i-1-n)    P&I advanced
 *                   = NEW DEF(i-n)                                 not advanced
 *     EXP AM(i)     = (PERF BAL(i-1) + FCL(i-1) - ADB(i)) x (1 - r(i))
 *     VOL PREPAY(i) = PERF BAL(i-1) x r(i) x SMM(i)
 *     AM DEF(i)     = (NEW DEF(i) + FCL(i-1) - ADB(i)) x (1 - r(i))  P&I advanced, else 0
 *     ACT AM(i)     = (PERF BAL(i-1) - NEW DEF(i)) x (1 - r(i))
 *     EXP INT(i)    = (PERF BAL(i-1) + FCL(i-1)) x net rate / 12
 *     LOST INT(i)   = (NEW DEF(i) + FCL(i-1)) x net rate / 12
 *     ACT INT(i)    = EXP INT(i) - LOST INT(i)
 *     PRIN LOSS(i)  = min(NEW DEF(i-n) x severity, ADB(i))
 *     PRIN RECOV(i) = max(ADB(i) - PRIN LOSS(i), 0)
 *     FCL(i)        = NEW DEF(i) + FCL(i-1) - ADB(i) - AM DEF(i)
 *     PERF BAL(i)   = PERF BAL(i-1) - NEW DEF(i) - VOL PREPAY(i) - ACT AM(i)
 *
 * ACT AM + NEW DEF + VOL PREPAY never exceed PERF BAL(i-1) (SF-19 c): with rates near 100% the prepayment is
 * cut to what is left.
 */
import { CashflowError } from "../errors";
import { ScheduledBalance } from "./amortization";
import { type DefaultQuote, type PrepaymentQuote, monthlyDefaultRate, monthlyPrepaymentRate } from "./rates";

/** A pool as SIFMA describes one: a single level-payment rep line. */
export interface StandardPool {
  /** Performing balance at the start of the projection, in currency units (not cents: the reference is exact). */
  readonly balance: number;
  /** Gross coupon (WAC) as a fraction; drives the amortization schedule. */
  readonly grossCoupon: number;
  /** Net coupon paid to investors as a fraction; EXP INT, LOST INT and ACT INT accrue at it. */
  readonly netCoupon: number;
  /** Original term M0, months. */
  readonly originalTermMonths: number;
  /** Loan age (WALA) at the start of the projection, months; the first projected MONTH is age + 1. */
  readonly ageMonths: number;
}

/** Default, severity and advancing assumptions of SF-17. */
export interface StandardAssumptions {
  readonly prepayment: PrepaymentQuote;
  readonly default: DefaultQuote;
  /** Loss severity as a fraction of the balance at default. */
  readonly severity: number;
  /** Months from default to liquidation (n). */
  readonly monthsToLiquidation: number;
  /** Whether the servicer advances principal and interest on defaulted loans until liquidation. */
  readonly principalAndInterestAdvanced: boolean;
}

/** One month of the SF-18 table; amounts in the pool's currency units. */
export interface StandardPeriod {
  readonly month: number;
  /** MONTH of the loans (age at the end of this month). */
  readonly loanMonth: number;
  readonly smm: number;
  readonly mdr: number;
  readonly performingBalance: number;
  readonly newDefaults: number;
  readonly inForeclosure: number;
  readonly expectedAmortization: number;
  readonly voluntaryPrepayments: number;
  readonly amortizationFromDefaults: number;
  readonly actualAmortization: number;
  readonly expectedInterest: number;
  readonly lostInterest: number;
  readonly actualInterest: number;
  /** Amortized default balance liquidated this month (ADB). */
  readonly liquidatedBalance: number;
  readonly principalRecovery: number;
  readonly principalLoss: number;
}

/** The whole projection with its column sums. */
export interface StandardCashflows {
  readonly periods: readonly StandardPeriod[];
  readonly totals: {
    readonly newDefaults: number;
    readonly voluntaryPrepayments: number;
    readonly actualAmortization: number;
    readonly expectedAmortization: number;
    readonly actualInterest: number;
    readonly expectedInterest: number;
    readonly principalRecovery: number;
    readonly principalLoss: number;
  };
}

function assertPool(pool: StandardPool, assumptions: StandardAssumptions): void {
  const problems: string[] = [];
  if (!(pool.balance >= 0) || !Number.isFinite(pool.balance)) problems.push(`balance ${pool.balance}`);
  if (!(pool.grossCoupon >= 0 && pool.grossCoupon < 1)) problems.push(`grossCoupon ${pool.grossCoupon}`);
  if (!(pool.netCoupon >= 0 && pool.netCoupon < 1)) problems.push(`netCoupon ${pool.netCoupon}`);
  if (!Number.isInteger(pool.originalTermMonths) || pool.originalTermMonths < 1 || pool.originalTermMonths > 1200)
    problems.push(`originalTermMonths ${pool.originalTermMonths}`);
  if (!Number.isInteger(pool.ageMonths) || pool.ageMonths < 0 || pool.ageMonths >= pool.originalTermMonths)
    problems.push(`ageMonths ${pool.ageMonths}`);
  if (!(assumptions.severity >= 0 && assumptions.severity <= 1)) problems.push(`severity ${assumptions.severity}`);
  if (!Number.isInteger(assumptions.monthsToLiquidation) || assumptions.monthsToLiquidation < 0)
    problems.push(`monthsToLiquidation ${assumptions.monthsToLiquidation}`);
  if (problems.length > 0) {
    throw new CashflowError(
      "INVALID_LOAN",
      `standard projection: expected a non-negative balance, coupons in [0, 1), 1 <= term <= 1200, 0 <= age < term, severity in [0, 1] and a whole lag; found ${problems.join(", ")}`,
    );
  }
}

/**
 * Projects a pool month by month with the SF-18 formulas (see the module comment) until the term ends and every
 * default is liquidated.
 *
 * @throws CashflowError `INVALID_LOAN` for an out-of-range pool or assumption
 */
export function projectStandard(pool: StandardPool, assumptions: StandardAssumptions): StandardCashflows {
  assertPool(pool, assumptions);
  const schedule = new ScheduledBalance(pool.grossCoupon, pool.originalTermMonths, pool.ageMonths);
  const term = schedule.remainingMonths;
  const lag = assumptions.monthsToLiquidation;
  const advanced = assumptions.principalAndInterestAdvanced;
  const monthlyNet = pool.netCoupon / 12;
  const newDefaultsByMonth: number[] = [0];
  const periods: StandardPeriod[] = [];
  let performing = pool.balance;
  let foreclosure = 0;
  const horizon = term + lag;
  for (let month = 1; month <= horizon; month++) {
    const loanMonth = pool.ageMonths + month;
    const ratio = schedule.ratio(month);
    const amortized = 1 - ratio;
    const mdr = month > term - lag ? 0 : monthlyDefaultRate(assumptions.default, month, loanMonth);
    const smm = month > term ? 0 : monthlyPrepaymentRate(assumptions.prepayment, month, loanMonth);

    const newDefaults = performing * mdr;
    const defaultedEarlier = month > lag ? (newDefaultsByMonth[month - lag] ?? 0) : 0;
    const liquidated =
      defaultedEarlier === 0
        ? 0
        : advanced
          ? (defaultedEarlier * schedule.at(month - 1)) / schedule.at(month - 1 - lag)
          : defaultedEarlier;
    const actualAmortization = (performing - newDefaults) * amortized;
    const voluntaryPrepayments = Math.min(performing * ratio * smm, performing - newDefaults - actualAmortization);
    const expectedAmortization = (performing + foreclosure - liquidated) * amortized;
    const amortizationFromDefaults = advanced ? (newDefaults + foreclosure - liquidated) * amortized : 0;
    const expectedInterest = (performing + foreclosure) * monthlyNet;
    const lostInterest = (newDefaults + foreclosure) * monthlyNet;
    const principalLoss = Math.min(defaultedEarlier * assumptions.severity, liquidated);
    const principalRecovery = Math.max(liquidated - principalLoss, 0);

    foreclosure = newDefaults + foreclosure - liquidated - amortizationFromDefaults;
    performing = performing - newDefaults - voluntaryPrepayments - actualAmortization;
    newDefaultsByMonth.push(newDefaults);
    periods.push({
      month,
      loanMonth,
      smm,
      mdr,
      performingBalance: performing,
      newDefaults,
      inForeclosure: foreclosure,
      expectedAmortization,
      voluntaryPrepayments,
      amortizationFromDefaults,
      actualAmortization,
      expectedInterest,
      lostInterest,
      actualInterest: expectedInterest - lostInterest,
      liquidatedBalance: liquidated,
      principalRecovery,
      principalLoss,
    });
  }
  const sum = (pick: (period: StandardPeriod) => number): number =>
    periods.reduce((total, period) => total + pick(period), 0);
  return {
    periods,
    totals: {
      newDefaults: sum((p) => p.newDefaults),
      voluntaryPrepayments: sum((p) => p.voluntaryPrepayments),
      actualAmortization: sum((p) => p.actualAmortization),
      expectedAmortization: sum((p) => p.expectedAmortization),
      actualInterest: sum((p) => p.actualInterest),
      expectedInterest: sum((p) => p.expectedInterest),
      principalRecovery: sum((p) => p.principalRecovery),
      principalLoss: sum((p) => p.principalLoss),
    },
  };
}

/**
 * Cash to the pool's investors in a month: with P&I advanced, all expected amortization and interest plus
 * prepayments and recoveries (SF-16); without, only what borrowers paid plus recoveries.
 */
export function investorPrincipal(period: StandardPeriod, advanced: boolean): number {
  return (
    (advanced ? period.expectedAmortization : period.actualAmortization) +
    period.voluntaryPrepayments +
    period.principalRecovery
  );
}

/** Interest to investors in a month (net coupon): expected interest when advanced, actual interest when not. */
export function investorInterest(period: StandardPeriod, advanced: boolean): number {
  return advanced ? period.expectedInterest : period.actualInterest;
}

import { type CalendarDate, type DayCount, MonthGrid } from "./day-count";
import { CashflowError } from "./errors";
import { WAD, mulDivHalfUp, reducedRatio } from "./fixed-point";

/**
 * How a loan repays principal.
 *
 * - `levelPayment`: equal installments of principal and interest (annuity; a French/"mortgage-style" loan).
 * - `equalPrincipal`: the same principal every period plus interest on the balance (declining installments).
 * - `interestOnlyBullet`: interest every period, all principal at maturity.
 * - `bullet`: nothing until maturity, then principal plus the simple interest accrued since the cut-off date
 *   (interest accrued before the cut-off belongs to the seller, as in a securitization's cut-off convention).
 */
export type Amortization = "levelPayment" | "equalPrincipal" | "interestOnlyBullet" | "bullet";

/** The amortization types, in a fixed order (for schemas and generators). */
export const AMORTIZATIONS: readonly Amortization[] = [
  "levelPayment",
  "equalPrincipal",
  "interestOnlyBullet",
  "bullet",
];

/** How often a loan pays. */
export type PaymentFrequency = "monthly" | "quarterly" | "semiAnnual" | "annual";

/** The payment frequencies, in a fixed order (for schemas and generators). */
export const PAYMENT_FREQUENCIES: readonly PaymentFrequency[] = ["monthly", "quarterly", "semiAnnual", "annual"];

/** Calendar months between two payments, per frequency. */
export const MONTHS_PER_PERIOD: Readonly<Record<PaymentFrequency, number>> = {
  monthly: 1,
  quarterly: 3,
  semiAnnual: 6,
  annual: 12,
};

/** Longest remaining term the engine accepts, in months (100 years). */
export const MAX_TERM_MONTHS = 1200;

/** The contractual terms of one loan from the cut-off date, as the schedule needs them. */
export interface AmortizingLoan {
  /** Outstanding principal at the cut-off date, in cents. */
  readonly currentPrincipalCents: bigint;
  /** Nominal annual interest rate, wad (1e18 = 100%). */
  readonly rateWad: bigint;
  /** Months from the cut-off date to maturity; the last payment falls in this month. */
  readonly remainingTermMonths: number;
  /** Principal repayment type. */
  readonly amortization: Amortization;
  /** Payment frequency. Payments fall every `MONTHS_PER_PERIOD` months counting back from maturity. */
  readonly paymentFrequency: PaymentFrequency;
  /** Interest day count. */
  readonly dayCount: DayCount;
}

/** One scheduled (no prepayment, no default) payment. Amounts in cents. */
export interface ScheduleRow {
  /** Payment number, 1-based. */
  readonly period: number;
  /** Months after the cut-off date in which the payment falls (1-based). */
  readonly month: number;
  /** Total payment: interest plus principal. */
  readonly paymentCents: bigint;
  /** Interest paid with this payment. */
  readonly interestCents: bigint;
  /** Principal repaid with this payment. */
  readonly principalCents: bigint;
  /** Balance after the payment; 0 after the last one. */
  readonly balanceCents: bigint;
}

/** Options of {@link scheduledAmortization}. */
export interface ScheduleOptions {
  /** Date the schedule starts on; payment dates are this date plus whole months. Required for ACT day counts. */
  readonly cutoffDate?: CalendarDate;
}

/** The fixed quantities of a loan's payment plan, computed once per loan. */
export interface PaymentPlan {
  /** Months between payments. */
  readonly monthsPerPeriod: number;
  /** Number of payments left (the first may cover a short stub period). */
  readonly payments: number;
  /** Month of the first payment, 1..monthsPerPeriod (shorter than a period when the term is not a multiple). */
  readonly firstPaymentMonth: number;
  /** Level installment for `levelPayment` loans (0 otherwise), cents. */
  readonly levelPaymentCents: bigint;
  /** Principal installment for `equalPrincipal` loans (0 otherwise), cents. */
  readonly equalPrincipalCents: bigint;
}

/**
 * Checks a loan's terms.
 *
 * @param where how to name the loan in the error (e.g. "loan 12 (L-0012)")
 * @throws CashflowError `INVALID_LOAN` saying which field, what was expected and what was found
 */
export function assertAmortizingLoan(loan: AmortizingLoan, where = "loan"): void {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new CashflowError("INVALID_LOAN", `${where}: ${field}: expected ${expected}, found ${String(found)}`);
  };
  if (loan.currentPrincipalCents < 0n)
    fail("currentPrincipalCents", "a non-negative amount", loan.currentPrincipalCents);
  if (loan.rateWad < 0n) fail("rateWad", "a non-negative rate", loan.rateWad);
  const term = loan.remainingTermMonths;
  if (!Number.isInteger(term) || term < 1 || term > MAX_TERM_MONTHS) {
    fail("remainingTermMonths", `an integer from 1 to ${MAX_TERM_MONTHS}`, term);
  }
  if (!(loan.paymentFrequency in MONTHS_PER_PERIOD))
    fail("paymentFrequency", "monthly|quarterly|semiAnnual|annual", loan.paymentFrequency);
  if (!AMORTIZATIONS.includes(loan.amortization)) fail("amortization", AMORTIZATIONS.join("|"), loan.amortization);
}

/** Annuity factor cache: key `rateWad:periodsPerYear:periods` -> [numerator, denominator]. Bounded. */
const annuityFactors = new Map<string, readonly [bigint, bigint]>();
const ANNUITY_CACHE_LIMIT = 4096;

/**
 * The level installment that repays `balanceCents` in `periods` equal payments at the periodic rate
 * r = rateWad / (1e18 x periodsPerYear) (the nominal rate divided by the number of payments a year):
 *
 *   payment = B x r x (1+r)^n / ((1+r)^n - 1)
 *
 * computed **exactly** in rational integer arithmetic ((1+r)^n as a big integer ratio, after reducing r), then
 * rounded **half up to the cent** (one rounding). The final payment of a schedule absorbs the rounding residue.
 * With a zero rate the installment is B / n, half up.
 */
export function levelPaymentCents(
  balanceCents: bigint,
  rateWad: bigint,
  periodsPerYear: number,
  periods: number,
): bigint {
  if (periods <= 0) return balanceCents;
  if (rateWad === 0n) return mulDivHalfUp(balanceCents, 1n, BigInt(periods));
  const key = `${rateWad}:${periodsPerYear}:${periods}`;
  let factor = annuityFactors.get(key);
  if (factor === undefined) {
    const { num, den } = reducedRatio(rateWad, WAD * BigInt(periodsPerYear));
    const grown = (den + num) ** BigInt(periods); // (1+r)^n x den^n
    const base = den ** BigInt(periods); // den^n
    factor = [num * grown, den * (grown - base)];
    if (annuityFactors.size >= ANNUITY_CACHE_LIMIT) annuityFactors.clear();
    annuityFactors.set(key, factor);
  }
  return mulDivHalfUp(balanceCents, factor[0], factor[1]);
}

/**
 * Interest on `balanceCents` at `rateWad` for `days / basis` of a year: balance x rate x days / (1e18 x basis),
 * rounded **half up to the cent** (one rounding).
 */
export function periodInterestCents(balanceCents: bigint, rateWad: bigint, days: bigint, basis: bigint): bigint {
  return mulDivHalfUp(balanceCents, rateWad * days, WAD * basis);
}

/** Computes the fixed quantities of a loan's payment plan (number of payments, installments). */
export function planPayments(loan: AmortizingLoan): PaymentPlan {
  const monthsPerPeriod = MONTHS_PER_PERIOD[loan.paymentFrequency];
  const payments = Math.ceil(loan.remainingTermMonths / monthsPerPeriod);
  const periodsPerYear = 12 / monthsPerPeriod;
  return {
    monthsPerPeriod,
    payments,
    firstPaymentMonth: loan.remainingTermMonths - (payments - 1) * monthsPerPeriod,
    levelPaymentCents:
      loan.amortization === "levelPayment"
        ? levelPaymentCents(loan.currentPrincipalCents, loan.rateWad, periodsPerYear, payments)
        : 0n,
    // Rounded down: the last installment takes the remainder (less than one cent per payment).
    equalPrincipalCents: loan.amortization === "equalPrincipal" ? loan.currentPrincipalCents / BigInt(payments) : 0n,
  };
}

/**
 * Scheduled principal of one payment, given the scheduled balance before it and that period's interest on it.
 * The last payment repays the whole balance (absorbing all rounding residue). A level payment smaller than the
 * interest (possible with actual-day interest in a long month) repays no principal rather than capitalising.
 */
export function scheduledPrincipalCents(
  amortization: Amortization,
  plan: PaymentPlan,
  balanceCents: bigint,
  interestCents: bigint,
  isLast: boolean,
): bigint {
  if (isLast) return balanceCents;
  switch (amortization) {
    case "levelPayment": {
      const principal = plan.levelPaymentCents - interestCents;
      if (principal <= 0n) return 0n;
      return principal < balanceCents ? principal : balanceCents;
    }
    case "equalPrincipal":
      return plan.equalPrincipalCents < balanceCents ? plan.equalPrincipalCents : balanceCents;
    case "interestOnlyBullet":
    case "bullet":
      return 0n;
  }
}

/**
 * The scheduled amortization of one loan from its cut-off date: one row per payment, with no prepayments and no
 * defaults. Interest accrues on the balance with the loan's day count over calendar periods laid on the cut-off
 * date (30/360 needs no date: every month is 30 days); the balance ends at exactly 0.
 *
 * @throws CashflowError `INVALID_LOAN`, `MISSING_CUTOFF_DATE`
 */
export function scheduledAmortization(loan: AmortizingLoan, options: ScheduleOptions = {}): ScheduleRow[] {
  assertAmortizingLoan(loan);
  const grid = new MonthGrid(loan.dayCount, options.cutoffDate);
  const plan = planPayments(loan);
  const rows: ScheduleRow[] = [];
  let balance = loan.currentPrincipalCents;
  let accruedDays = 0n;
  let month = 0;
  for (let period = 1; period <= plan.payments; period++) {
    const nextMonth = period === 1 ? plan.firstPaymentMonth : month + plan.monthsPerPeriod;
    const days = grid.days(month, nextMonth);
    month = nextMonth;
    const isLast = period === plan.payments;
    let interest: bigint;
    if (loan.amortization === "bullet") {
      accruedDays += days;
      interest = isLast ? periodInterestCents(balance, loan.rateWad, accruedDays, grid.denominator) : 0n;
    } else {
      interest = periodInterestCents(balance, loan.rateWad, days, grid.denominator);
    }
    const principal = scheduledPrincipalCents(loan.amortization, plan, balance, interest, isLast);
    balance -= principal;
    rows.push({
      period,
      month,
      paymentCents: interest + principal,
      interestCents: interest,
      principalCents: principal,
      balanceCents: balance,
    });
  }
  return rows;
}

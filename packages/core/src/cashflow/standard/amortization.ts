/**
 * The amortized loan balance of a level-payment mortgage (SIFMA Uniform Practices SF-4):
 *
 *     BAL = [1 - (1 + C/1200)^(-M)] / [1 - (1 + C/1200)^(-M0)]
 *
 * C is the gross coupon in percent, M the remaining term and M0 the original term in months. BAL is the fraction
 * of the original balance a loan that never prepays still owes. These functions take the coupon as a fraction
 * (0.095 for 9.5%). Everything in `standard/` is float64: SF-3 asks for ten significant digits in every
 * intermediate quantity, and float64 carries fifteen.
 */

/** BAL for a loan with `remainingMonths` left of `originalTermMonths`; 0 once the term has run out. */
export function amortizedBalance(grossCoupon: number, remainingMonths: number, originalTermMonths: number): number {
  if (remainingMonths <= 0) return 0;
  if (remainingMonths >= originalTermMonths) return 1;
  const monthly = grossCoupon / 12;
  if (monthly === 0) return remainingMonths / originalTermMonths;
  // -expm1(-M x log1p(c)) = 1 - (1 + c)^(-M), accurate for small c.
  return Math.expm1(-remainingMonths * Math.log1p(monthly)) / Math.expm1(-originalTermMonths * Math.log1p(monthly));
}

/**
 * The scheduled balance curve of a pool, SCH AM(i) in SF-18: `at(i)` is BAL after the pool's i-th month of the
 * projection (i = 0 is the start). `ratio(i)` = SCH AM(i) / SCH AM(i-1), the share of the balance that survives
 * month i's scheduled amortization (0 after the term).
 */
export class ScheduledBalance {
  private readonly values: number[];

  /**
   * @param grossCoupon gross coupon as a fraction
   * @param originalTermMonths M0
   * @param ageMonths loan age at the start of the projection (M = M0 - age)
   */
  constructor(grossCoupon: number, originalTermMonths: number, ageMonths: number) {
    const remaining = originalTermMonths - ageMonths;
    this.values = [];
    for (let i = 0; i <= Math.max(remaining, 0); i++) {
      this.values.push(amortizedBalance(grossCoupon, remaining - i, originalTermMonths));
    }
  }

  /** Months until the schedule is paid off. */
  get remainingMonths(): number {
    return this.values.length - 1;
  }

  /** SCH AM(i); 0 after the term, and for i < 0 the value at the start. */
  at(month: number): number {
    if (month < 0) return this.values[0] ?? 0;
    return this.values[month] ?? 0;
  }

  /** SCH AM(i) / SCH AM(i - 1); 0 once the schedule is paid off. */
  ratio(month: number): number {
    const previous = this.at(month - 1);
    return previous === 0 ? 0 : this.at(month) / previous;
  }
}

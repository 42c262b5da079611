/**
 * The cash boundary of a projection: amounts carried in sub-cent units (nano-cents, 1e-9 of a cent) become whole
 * cents here, once, on running totals, so nothing leaks into balances and no column drifts.
 *
 * A {@link RoundedGroup} holds the columns that move one balance together (e.g. defaults, scheduled principal and
 * prepayments out of the performing balance). Each month it rounds the group's running total half up:
 *
 *     group cents(t) = round(sum_{s<=t} total(s)) - round(sum_{s<t} total(s))
 *
 * and splits those cents among the columns by largest remainder on each column's own running shortfall. So the
 * balance the group moves is within half a cent of the exact one every month and reaches exactly zero when the
 * exact one does; each column's running total stays within a cent of its exact one; no column goes negative.
 */

/** Sub-cent units per cent. */
export const NANO_PER_CENT = 1_000_000_000n;

/** Nano-cents to whole cents, half up (x >= 0). */
export function roundNanoToCents(nano: bigint): bigint {
  return (nano + NANO_PER_CENT / 2n) / NANO_PER_CENT;
}

/** A currency amount (float, units of 1.00) as nano-cents. */
export function nanoOfAmount(amount: number): bigint {
  return BigInt(Math.round(amount * 1e11));
}

/** Running-total rounding of a group of columns (see the module comment). */
export class RoundedGroup {
  private exactTotal = 0n;
  private roundedTotal = 0n;
  private readonly exact: bigint[];
  private readonly assigned: bigint[];

  constructor(size: number) {
    this.exact = new Array<bigint>(size).fill(0n);
    this.assigned = new Array<bigint>(size).fill(0n);
  }

  /** Adds this month's exact amounts (nano-cents, one per column, each >= 0) and returns this month's cents. */
  next(amounts: readonly bigint[]): bigint[] {
    amounts.forEach((amount, column) => {
      this.exactTotal += amount;
      this.exact[column] = (this.exact[column] ?? 0n) + amount;
    });
    const rounded = roundNanoToCents(this.exactTotal);
    const total = rounded - this.roundedTotal;
    this.roundedTotal = rounded;
    const shortfall = this.exact.map((exact, column) => exact - (this.assigned[column] ?? 0n) * NANO_PER_CENT);
    const cents = shortfall.map((missing) => (missing > 0n ? missing / NANO_PER_CENT : 0n));
    let assigned = cents.reduce((sum, value) => sum + value, 0n);
    // Hand out (or take back) single cents by largest remainder until the group's total is met.
    while (assigned !== total) {
      const giving = assigned < total;
      let pick = -1;
      let best = 0n;
      cents.forEach((value, column) => {
        if (!giving && value === 0n) return;
        const remainder = (shortfall[column] ?? 0n) - value * NANO_PER_CENT;
        if (pick === -1 || (giving ? remainder > best : remainder < best)) {
          pick = column;
          best = remainder;
        }
      });
      if (pick === -1) break; // nothing to take back: cannot happen while every amount is non-negative
      cents[pick] = (cents[pick] ?? 0n) + (giving ? 1n : -1n);
      assigned += giving ? 1n : -1n;
    }
    cents.forEach((value, column) => {
      this.assigned[column] = (this.assigned[column] ?? 0n) + value;
    });
    return cents;
  }
}

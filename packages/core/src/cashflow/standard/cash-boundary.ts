/**
 * The one rounding between the full-precision reference and money. A pool of rep lines is projected in float64
 * (see {@link projectStandard}) and summed; then, month by month, each **group** of columns that moves the same
 * balance is turned into cents once, on its running total, by `cash-rounding.ts`'s {@link RoundedGroup} (the
 * group's cents split among its columns by largest remainder). The groups:
 * - what leaves the pool balance: defaults, scheduled and prepaid principal (or, when P&I are advanced, scheduled
 *   principal, prepayments, recoveries and losses). The balance is the initial balance less this group, so
 *   `ending = beginning - outflows` holds to the cent, the balance is within half a cent of the exact one every
 *   month, and it ends at exactly zero;
 * - liquidations (recoveries and losses) when P&I are not advanced, so they sum to the defaults they close;
 * - interest; and, when advanced, defaults.
 * Who owns the rounding: this function, and nothing else between the reference and the cents.
 */
import { RoundedGroup, nanoOfAmount } from "../cash-rounding";
import { CashflowError } from "../errors";
import {
  type StandardAssumptions,
  type StandardCashflows,
  type StandardPool,
  investorInterest,
  projectStandard,
} from "./defaults-projection";

/** One rep line of a pool with its own assumptions (a risk tier). */
export interface RepLine {
  /** The tier's name, e.g. "grade A, 2024 vintage". */
  readonly name: string;
  readonly pool: StandardPool;
  readonly assumptions: StandardAssumptions;
}

/** One month of a pool in cents. Principal and interest are what reaches the trust (advances included). */
export interface PoolMonthCents {
  readonly month: number;
  /** Pool balance at the start of the month: performing, plus loans in foreclosure when P&I are advanced. */
  readonly beginningBalanceCents: bigint;
  readonly newDefaultsCents: bigint;
  /** Scheduled principal: expected amortization when advanced, actual amortization when not. */
  readonly scheduledPrincipalCents: bigint;
  readonly prepaidPrincipalCents: bigint;
  readonly recoveryCents: bigint;
  readonly lossCents: bigint;
  /** Interest at each line's net coupon: expected interest when advanced, actual interest when not. */
  readonly interestCents: bigint;
  /** Loans in foreclosure at the end of the month (the 60+ delinquent pipeline). */
  readonly inForeclosureCents: bigint;
  readonly endingBalanceCents: bigint;
}

/** A projected pool: each rep line's full-precision table and the pool's months in cents. */
export interface ProjectedPool {
  readonly lines: readonly { readonly name: string; readonly cashflows: StandardCashflows }[];
  readonly months: readonly PoolMonthCents[];
  readonly initialBalanceCents: bigint;
}

/**
 * Projects each rep line with its own assumptions and sums them into months in cents, rounded once on the
 * running totals. All lines must agree on whether P&I are advanced (it decides what the pool balance is).
 *
 * @throws CashflowError `INVALID_LOAN` for a bad line or mixed advancing, `INVALID_ASSUMPTIONS` for no lines
 */
export function projectRepLines(lines: readonly RepLine[]): ProjectedPool {
  const first = lines[0];
  if (first === undefined) throw new CashflowError("INVALID_ASSUMPTIONS", "expected at least one rep line, found none");
  const advanced = first.assumptions.principalAndInterestAdvanced;
  const mixed = lines.find((line) => line.assumptions.principalAndInterestAdvanced !== advanced);
  if (mixed !== undefined) {
    throw new CashflowError(
      "INVALID_LOAN",
      `rep line ${mixed.name}: expected every line to ${advanced ? "advance" : "not advance"} P&I like ${first.name}`,
    );
  }
  const projected = lines.map((line) => {
    try {
      return { name: line.name, cashflows: projectStandard(line.pool, line.assumptions) };
    } catch (error) {
      if (error instanceof CashflowError)
        throw new CashflowError(error.code, `rep line ${line.name}: ${error.message}`, { cause: error });
      throw error;
    }
  });
  const initialExact = lines.reduce((sum, line) => sum + line.pool.balance, 0);
  const initialBalanceCents = BigInt(Math.round(initialExact * 100));
  const horizon = Math.max(...projected.map((line) => line.cashflows.periods.length));
  const balanceGroup = new RoundedGroup(advanced ? 4 : 3);
  const liquidationGroup = new RoundedGroup(2);
  const interestGroup = new RoundedGroup(1);
  const defaultsGroup = new RoundedGroup(1);
  const months: PoolMonthCents[] = [];
  let balance = initialBalanceCents;
  for (let index = 0; index < horizon; index++) {
    let defaults = 0;
    let scheduled = 0;
    let prepaid = 0;
    let recovery = 0;
    let loss = 0;
    let interest = 0;
    let foreclosure = 0;
    for (const line of projected) {
      const period = line.cashflows.periods[index];
      if (period === undefined) continue;
      defaults += period.newDefaults;
      scheduled += advanced ? period.expectedAmortization : period.actualAmortization;
      prepaid += period.voluntaryPrepayments;
      recovery += period.principalRecovery;
      loss += period.principalLoss;
      interest += investorInterest(period, advanced);
      foreclosure += period.inForeclosure;
    }
    const [interestCents = 0n] = interestGroup.next([nanoOfAmount(interest)]);
    // [defaults, scheduled, prepaid, recovery, loss] in cents, each rounded in its group.
    let cents: bigint[];
    if (advanced) {
      const [scheduledCents = 0n, prepaidCents = 0n, recoveryCents = 0n, lossCents = 0n] = balanceGroup.next(
        [scheduled, prepaid, recovery, loss].map(nanoOfAmount),
      );
      const [defaultsCents = 0n] = defaultsGroup.next([nanoOfAmount(defaults)]);
      cents = [defaultsCents, scheduledCents, prepaidCents, recoveryCents, lossCents];
    } else {
      cents = [
        ...balanceGroup.next([defaults, scheduled, prepaid].map(nanoOfAmount)),
        ...liquidationGroup.next([recovery, loss].map(nanoOfAmount)),
      ];
    }
    const [
      newDefaultsCents = 0n,
      scheduledPrincipalCents = 0n,
      prepaidPrincipalCents = 0n,
      recoveryCents = 0n,
      lossCents = 0n,
    ] = cents;
    const row = {
      newDefaultsCents,
      scheduledPrincipalCents,
      prepaidPrincipalCents,
      recoveryCents,
      lossCents,
      interestCents,
    };
    const outflow = advanced
      ? row.scheduledPrincipalCents + row.prepaidPrincipalCents + row.recoveryCents + row.lossCents
      : row.newDefaultsCents + row.scheduledPrincipalCents + row.prepaidPrincipalCents;
    const ending = balance - outflow;
    months.push({
      month: index + 1,
      beginningBalanceCents: balance,
      ...row,
      // A stock, not a flow: the month's level rounded on its own.
      inForeclosureCents: BigInt(Math.round(foreclosure * 100)),
      endingBalanceCents: ending,
    });
    balance = ending;
  }
  return { lines: projected, months, initialBalanceCents };
}

/**
 * CMO structures paid from a projected pool (the textbook agency structures): sequential classes, PAC classes
 * with a principal schedule fixed at structuring from a prepayment band and their support classes, Z (accrual)
 * classes whose accrued interest pays earlier classes, interest-only strips on a notional, and principal-only
 * classes. Amounts are cents; every month:
 *
 * 1. Interest. Each interest-bearing class is due `floor(balance x coupon / 12)` on its opening balance (an IO
 *    on its notional: the opening balance of the class it strips). A Z class whose accrual period runs (some
 *    principal class listed before it is still outstanding) is not paid: its interest is added to its balance
 *    and the same cash is added to the principal paid out this month (accretion-directed). Interest is paid in
 *    listed order from the pool's interest; a class paid short carries the shortfall (owed, interest-free).
 * 2. Principal available = the pool's principal (scheduled, prepaid, recovered) + Z accretion.
 *    - PAC classes first, in listed order, each up to `balance - target(t)` (the schedule, with any catch-up of
 *      earlier months it missed);
 *    - then the other principal classes (sequential, support, Z, PO) in listed order, each to zero;
 *    - then, only once those are retired, the PAC classes beyond their schedule (the schedule is broken).
 * 3. Losses of the pool write down principal classes from the last listed up.
 * 4. What is left (interest above the classes' coupons, principal after every class is retired) is the
 *    residual.
 *
 * PAC schedule: the pool is projected at the band's low and high speed; the schedule pays, each month, the
 * smaller of the two principal amounts, until the PAC classes' total face is scheduled. A PAC face larger than
 * the band can support is refused.
 */
import { type PoolMonthCents } from "../cashflow/standard/cash-boundary";
import { CashflowError } from "../cashflow/errors";
import { principalSummary } from "./principal-summary";

/** The class types. */
export const CMO_CLASS_TYPES = ["sequential", "pac", "support", "z", "io", "po"] as const;
export type CmoClassType = (typeof CMO_CLASS_TYPES)[number];

/** One class of the structure. */
export interface CmoClass {
  readonly name: string;
  readonly type: CmoClassType;
  /** Face in cents (0 for an IO, which has a notional). */
  readonly faceCents: bigint;
  /** Annual coupon, wad (ignored for a PO). */
  readonly couponWad: bigint;
  /** IO only: the class whose balance is the notional. */
  readonly notionalOf?: string;
}

/** One class in one month. */
export interface CmoClassMonth {
  readonly month: number;
  readonly interestPaidCents: bigint;
  readonly principalPaidCents: bigint;
  /** Z accrual added to the balance this month. */
  readonly accruedCents: bigint;
  readonly writeDownCents: bigint;
  readonly balanceCents: bigint;
  /** PAC only: the scheduled balance after the month. */
  readonly targetBalanceCents?: bigint;
}

/** One class over the projection. */
export interface CmoClassProjection {
  readonly name: string;
  readonly type: CmoClassType;
  readonly faceCents: bigint;
  readonly months: readonly CmoClassMonth[];
  readonly principalPaidCents: bigint;
  readonly interestPaidCents: bigint;
  readonly lossCents: bigint;
  /** Years; Z-bond convention (positive principal only, SF-56). Undefined with no principal. */
  readonly averageLifeYears: number | undefined;
  readonly principalWindow: readonly [number, number] | undefined;
}

export interface CmoProjection {
  readonly classes: readonly CmoClassProjection[];
  readonly residualCents: bigint;
  /** Months in which a PAC class was paid less than its schedule asked. */
  readonly pacShortfallMonths: readonly number[];
}

const WAD = 10n ** 18n;

const isPrincipalClass = (type: CmoClassType): boolean => type !== "io";

/**
 * The PAC target balances: `target[t]` is the PAC classes' combined scheduled balance after month t + 1, from
 * the principal of the pool projected at the band's low and high speeds.
 *
 * @throws CashflowError `INVALID_ASSUMPTIONS` if the PAC face exceeds the band's minimum principal
 */
export function pacSchedule(
  pacFaceCents: bigint,
  lowSpeed: readonly PoolMonthCents[],
  highSpeed: readonly PoolMonthCents[],
): bigint[] {
  const principal = (month: PoolMonthCents | undefined): bigint =>
    month === undefined ? 0n : month.scheduledPrincipalCents + month.prepaidPrincipalCents + month.recoveryCents;
  const months = Math.max(lowSpeed.length, highSpeed.length);
  let supported = 0n;
  for (let i = 0; i < months; i++) {
    const low = principal(lowSpeed[i]);
    const high = principal(highSpeed[i]);
    supported += low < high ? low : high;
  }
  if (pacFaceCents > supported) {
    throw new CashflowError(
      "INVALID_ASSUMPTIONS",
      `PAC face ${pacFaceCents} cents: expected at most ${supported} cents, what the band's slower month by month pays`,
    );
  }
  const targets: bigint[] = [];
  let remaining = pacFaceCents;
  for (let i = 0; i < months; i++) {
    const low = principal(lowSpeed[i]);
    const high = principal(highSpeed[i]);
    const step = low < high ? low : high;
    remaining -= step < remaining ? step : remaining;
    targets.push(remaining);
  }
  return targets;
}

/**
 * The PAC classes' own targets from their combined schedule: each month the combined target is held by the
 * classes from the last listed up, each up to its face, so the earliest listed class is retired first.
 *
 * @param combinedCents The combined target after each month (from {@link pacSchedule}).
 * @param facesCents Each PAC class's face, in listed order.
 * @returns One list per class, month by month.
 */
export function pacClassTargets(combinedCents: readonly bigint[], facesCents: readonly bigint[]): bigint[][] {
  const targets = facesCents.map(() => [] as bigint[]);
  for (const combined of combinedCents) {
    let above = combined;
    for (let k = facesCents.length - 1; k >= 0; k--) {
      const face = facesCents[k] ?? 0n;
      const own = above < face ? above : face;
      targets[k]?.push(own);
      above -= own;
    }
  }
  return targets;
}

function assertStructure(classes: readonly CmoClass[], poolBalanceCents: bigint): void {
  const names = new Set(classes.map((c) => c.name));
  if (names.size !== classes.length) throw new CashflowError("INVALID_ASSUMPTIONS", "expected class names used once");
  const face = classes.filter((c) => isPrincipalClass(c.type)).reduce((sum, c) => sum + c.faceCents, 0n);
  if (face !== poolBalanceCents) {
    throw new CashflowError(
      "INVALID_ASSUMPTIONS",
      `expected the principal classes' faces to add up to the pool balance (${poolBalanceCents} cents), found ${face}`,
    );
  }
  for (const c of classes) {
    if (c.type === "io") {
      const strip = classes.find((other) => other.name === c.notionalOf);
      if (strip === undefined || strip.type === "io") {
        throw new CashflowError(
          "INVALID_ASSUMPTIONS",
          `class ${c.name}: expected notionalOf to name a principal class, found ${String(c.notionalOf)}`,
        );
      }
    } else if (c.faceCents <= 0n) {
      throw new CashflowError("INVALID_ASSUMPTIONS", `class ${c.name}: expected a positive face, found ${c.faceCents}`);
    }
  }
}

/**
 * Pays the pool's months to the classes (see the module comment). `pacTargets` from {@link pacSchedule} is
 * required when there is a PAC class.
 *
 * @throws CashflowError `INVALID_ASSUMPTIONS` for a structure that does not fit the pool
 */
export function projectCmo(
  classes: readonly CmoClass[],
  months: readonly PoolMonthCents[],
  pacTargets: readonly bigint[] = [],
): CmoProjection {
  assertStructure(classes, months[0]?.beginningBalanceCents ?? 0n);
  const balance = classes.map((c) => (c.type === "io" ? 0n : c.faceCents));
  const shortfall = classes.map(() => 0n);
  const rows: CmoClassMonth[][] = classes.map(() => []);
  const indexOf = new Map(classes.map((c, i) => [c.name, i]));
  const pacIndexes = classes.flatMap((c, i) => (c.type === "pac" ? [i] : []));
  // The PAC classes' combined target, allotted to them in order (the earliest is retired first).
  const classTargets = pacClassTargets(
    pacTargets,
    pacIndexes.map((i) => classes[i]?.faceCents ?? 0n),
  );
  const pacShortfallMonths: number[] = [];
  let residual = 0n;
  months.forEach((month, index) => {
    const opening = [...balance];
    const interest = classes.map(() => 0n);
    const principal = classes.map(() => 0n);
    const accrued = classes.map(() => 0n);
    const writeDown = classes.map(() => 0n);

    // 1. Interest and Z accrual.
    let interestCash = month.interestCents;
    let accretion = 0n;
    classes.forEach((c, i) => {
      if (c.type === "po") return;
      const base = c.type === "io" ? (opening[indexOf.get(c.notionalOf ?? "") ?? -1] ?? 0n) : (opening[i] ?? 0n);
      const due = (base * c.couponWad) / (12n * WAD);
      if (
        c.type === "z" &&
        classes.slice(0, i).some((earlier, j) => isPrincipalClass(earlier.type) && (opening[j] ?? 0n) > 0n)
      ) {
        accrued[i] = due;
        accretion += due;
        return;
      }
      const owed = due + (shortfall[i] ?? 0n);
      const paid = owed < interestCash ? owed : interestCash;
      interest[i] = paid;
      shortfall[i] = owed - paid;
      interestCash -= paid;
    });
    // The accrual is paid out of the interest collected as principal of earlier classes.
    const diverted = accretion < interestCash ? accretion : interestCash;
    interestCash -= diverted;
    classes.forEach((_, i) => {
      balance[i] = (balance[i] ?? 0n) + (accrued[i] ?? 0n);
    });

    // 2. Principal.
    let available = month.scheduledPrincipalCents + month.prepaidPrincipalCents + month.recoveryCents + diverted;
    const pay = (i: number, cap: bigint): void => {
      const amount = cap < available ? cap : available;
      if (amount <= 0n) return;
      principal[i] = (principal[i] ?? 0n) + amount;
      balance[i] = (balance[i] ?? 0n) - amount;
      available -= amount;
    };
    if (pacIndexes.length > 0) {
      let missed = false;
      pacIndexes.forEach((i, k) => {
        const target = classTargets[k]?.[index] ?? 0n;
        const due = (balance[i] ?? 0n) - target;
        if (due > 0n) {
          pay(i, due);
          if ((balance[i] ?? 0n) > target) missed = true;
        }
      });
      if (missed) pacShortfallMonths.push(month.month);
    }
    classes.forEach((c, i) => {
      if (isPrincipalClass(c.type) && c.type !== "pac") pay(i, balance[i] ?? 0n);
    });
    for (const i of pacIndexes) pay(i, balance[i] ?? 0n);

    // 3. Losses, from the last principal class up.
    let loss = month.lossCents;
    for (let i = classes.length - 1; i >= 0 && loss > 0n; i--) {
      if (!isPrincipalClass(classes[i]?.type ?? "io")) continue;
      const amount = loss < (balance[i] ?? 0n) ? loss : (balance[i] ?? 0n);
      writeDown[i] = amount;
      balance[i] = (balance[i] ?? 0n) - amount;
      loss -= amount;
    }

    // 4. Residual.
    residual += interestCash + available;
    classes.forEach((c, i) => {
      const row: CmoClassMonth = {
        month: month.month,
        interestPaidCents: interest[i] ?? 0n,
        principalPaidCents: principal[i] ?? 0n,
        accruedCents: accrued[i] ?? 0n,
        writeDownCents: writeDown[i] ?? 0n,
        balanceCents: balance[i] ?? 0n,
        ...(c.type === "pac" ? { targetBalanceCents: pacTargets[index] ?? 0n } : {}),
      };
      rows[i]?.push(row);
    });
  });
  return {
    classes: classes.map((c, i) => summarizeClass(c, rows[i] ?? [])),
    residualCents: residual,
    pacShortfallMonths,
  };
}

function summarizeClass(c: CmoClass, months: readonly CmoClassMonth[]): CmoClassProjection {
  const summary = principalSummary(months.map((row) => ({ month: row.month, principalCents: row.principalPaidCents })));
  return {
    name: c.name,
    type: c.type,
    faceCents: c.faceCents,
    months,
    principalPaidCents: summary.principalCents,
    interestPaidCents: months.reduce((sum, row) => sum + row.interestPaidCents, 0n),
    lossCents: months.reduce((sum, row) => sum + row.writeDownCents, 0n),
    averageLifeYears: summary.averageLifeYears,
    principalWindow: summary.principalWindow,
  };
}

/**
 * Yield and yield-related measures of mortgage-backed cash flows (SIFMA Uniform Practices SF-44..SF-51), with the
 * payment delay and the settlement date in every measure. All on the semi-annual (bond-equivalent) basis, times
 * in years on a 30/360 calendar. Prices and cash flows are in the same unit (usually per 100 of current face).
 */
import { CashflowError } from "../errors";

/** A cash flow received `years` after settlement. */
export interface TimedFlow {
  readonly years: number;
  readonly principal: number;
  readonly interest: number;
}

/**
 * Times of monthly MBS payments (SF-44, SF-48): payment k (1-based) of an accrual period that starts on the
 * first of a month reaches the investor 30 x k + delay days (30/360) after the start of the first accrual
 * period, where `delayDays` is the actual delay (14 for Ginnie Mae I, 24 for Fannie Mae). Settlement
 * `settlementDay` days (30/360) after that start moves every payment closer by as much.
 */
export function paymentTimesYears(count: number, delayDays: number, settlementDay = 0): number[] {
  const times: number[] = [];
  for (let k = 1; k <= count; k++) times.push((30 * k + delayDays - settlementDay) / 360);
  return times;
}

/** Accrued interest per 100 of current face from the start of the accrual period to settlement (SF-45). */
export function accruedInterest(couponPercent: number, days30360: number): number {
  return (couponPercent * days30360) / 360;
}

function discountFactor(yieldPercent: number, years: number): number {
  return Math.pow(1 + yieldPercent / 200, -2 * years);
}

function assertFlows(flows: readonly TimedFlow[], what: string): void {
  if (flows.length === 0)
    throw new CashflowError("INVALID_ANALYTICS_INPUT", `${what}: expected cash flows, found none`);
}

/** Full price (including accrued interest) of the flows at bond-equivalent yield `yieldPercent` (SF-48 a). */
export function priceAtYield(flows: readonly TimedFlow[], yieldPercent: number): number {
  let price = 0;
  for (const flow of flows) price += (flow.principal + flow.interest) * discountFactor(yieldPercent, flow.years);
  return price;
}

/**
 * Bond-equivalent yield (percent) at which the flows are worth `fullPrice` (SF-48 a), solved by Newton steps in
 * a bisection bracket of -50% to 1000%.
 *
 * @throws CashflowError `INVALID_ANALYTICS_INPUT` (no flows, bad price), `NO_CONVERGENCE`
 */
export function yieldAtPrice(flows: readonly TimedFlow[], fullPrice: number): number {
  assertFlows(flows, "yield");
  if (!(fullPrice > 0) || !Number.isFinite(fullPrice)) {
    throw new CashflowError("INVALID_ANALYTICS_INPUT", `yield: expected a positive price, found ${fullPrice}`);
  }
  let low = -50;
  let high = 1000;
  const gap = (y: number): number => priceAtYield(flows, y) - fullPrice;
  if (gap(low) < 0 || gap(high) > 0) {
    throw new CashflowError("NO_CONVERGENCE", `yield: no yield between ${low}% and ${high}% gives price ${fullPrice}`);
  }
  let y = 5;
  for (let iteration = 0; iteration < 200; iteration++) {
    const value = gap(y);
    if (value > 0) low = y;
    else high = y;
    const slope = (-modifiedDuration(flows, y) * priceAtYield(flows, y)) / 100;
    let next = slope === 0 ? Number.NaN : y - value / slope;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - y) < 1e-12) return next;
    y = next;
  }
  throw new CashflowError("NO_CONVERGENCE", "yield: no convergence within 200 iterations");
}

/** Mortgage (monthly-compounded) yield equivalent to a bond-equivalent yield: 1200 x [(1 + Y/200)^(1/6) - 1]. */
export function mortgageYield(bondEquivalentPercent: number): number {
  return 1200 * Math.expm1(Math.log1p(bondEquivalentPercent / 200) / 6);
}

/**
 * Average life in years (SF-48 c): sum(T x principal) / sum(principal). With `positiveOnly` (the CMO Z-bond
 * convention of SF-56) accretion, booked as negative principal, is left out.
 */
export function averageLife(flows: readonly TimedFlow[], positiveOnly = false): number {
  let weighted = 0;
  let total = 0;
  for (const flow of flows) {
    const principal = positiveOnly ? Math.max(flow.principal, 0) : flow.principal;
    weighted += flow.years * principal;
    total += principal;
  }
  if (!(total > 0)) {
    throw new CashflowError("INVALID_ANALYTICS_INPUT", `average life: expected principal, found a total of ${total}`);
  }
  return weighted / total;
}

/** Macaulay duration in years (SF-48 d): (1/P) x sum(T x CF x (1 + Y/200)^(-2T)). */
export function macaulayDuration(flows: readonly TimedFlow[], yieldPercent: number): number {
  assertFlows(flows, "duration");
  let weighted = 0;
  let price = 0;
  for (const flow of flows) {
    const value = (flow.principal + flow.interest) * discountFactor(yieldPercent, flow.years);
    weighted += flow.years * value;
    price += value;
  }
  return weighted / price;
}

/** Modified duration in years (SF-48 e): Macaulay duration / (1 + Y/200). */
export function modifiedDuration(flows: readonly TimedFlow[], yieldPercent: number): number {
  return macaulayDuration(flows, yieldPercent) / (1 + yieldPercent / 200);
}

/**
 * Cash-flow convexity (SF-48 f) in the chapter's unit, years squared over 100:
 * (1/P) x (1 + Y/200)^(-2) x sum(T x (T + 0.5) x CF x (1 + Y/200)^(-2T)) / 100, so that
 * P(Y) ~ P0 x [1 - ModDur x dY/100 + 0.5 x Convexity x 100 x (dY/100)^2] with dY in percent.
 */
export function cashFlowConvexity(flows: readonly TimedFlow[], yieldPercent: number): number {
  assertFlows(flows, "convexity");
  let weighted = 0;
  let price = 0;
  for (const flow of flows) {
    const value = (flow.principal + flow.interest) * discountFactor(yieldPercent, flow.years);
    weighted += flow.years * (flow.years + 0.5) * value;
    price += value;
  }
  return weighted / price / Math.pow(1 + yieldPercent / 200, 2) / 100;
}

/**
 * Effective duration (years) and convexity (same unit as {@link cashFlowConvexity}) from prices at yields
 * shifted down and up by `shiftPercent` (SF-50): the prices come from re-projecting the flows under each shift,
 * so the prepayment response is in them.
 *
 *     duration  = (P- - P+) / (2 x P0 x dY),   convexity = (P+ + P- - 2 x P0) / (P0 x dY^2) / 100
 */
export function effectiveMeasures(
  priceDown: number,
  priceBase: number,
  priceUp: number,
  shiftPercent: number,
): { duration: number; convexity: number } {
  if (!(priceBase > 0) || !(shiftPercent > 0)) {
    throw new CashflowError(
      "INVALID_ANALYTICS_INPUT",
      `effective measures: expected a positive base price and shift, found ${priceBase} and ${shiftPercent}`,
    );
  }
  const dy = shiftPercent / 100;
  return {
    duration: (priceDown - priceUp) / (2 * priceBase * dy),
    convexity: (priceUp + priceDown - 2 * priceBase) / (priceBase * dy * dy) / 100,
  };
}

/**
 * Value at the end of a holding period of `horizonYears` (SF-49 h): the sale proceeds plus every flow of the
 * holding period, reinvested at `reinvestPercent` (bond-equivalent) to the horizon; a flow of the period received
 * after the horizon (the payment delay) is discounted back to it at the same rate. Pass only the holding
 * period's flows.
 */
export function terminalValue(
  flows: readonly TimedFlow[],
  horizonYears: number,
  saleProceeds: number,
  reinvestPercent: number,
): number {
  let value = saleProceeds;
  for (const flow of flows) {
    value += (flow.principal + flow.interest) * Math.pow(1 + reinvestPercent / 200, 2 * (horizonYears - flow.years));
  }
  return value;
}

/**
 * Holding-period return (SF-49 h) from the full cost P0 and the terminal value PT:
 * bond-equivalent total rate of return 200 x [(PT/P0)^(1/(2T)) - 1] and total percentage return 100 x (PT/P0 - 1).
 */
export function holdingPeriodReturn(
  cost: number,
  terminal: number,
  horizonYears: number,
): { bondEquivalentPercent: number; totalPercent: number } {
  if (!(cost > 0) || !(horizonYears > 0)) {
    throw new CashflowError(
      "INVALID_ANALYTICS_INPUT",
      `holding-period return: expected a positive cost and horizon, found ${cost} and ${horizonYears}`,
    );
  }
  return {
    bondEquivalentPercent: 200 * Math.expm1(Math.log(terminal / cost) / (2 * horizonYears)),
    totalPercent: 100 * (terminal / cost - 1),
  };
}

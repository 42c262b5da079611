import { projectRepLines } from "../../src/cashflow/standard";

/** A rep line's terms: net coupon = gross unless given, 360-month loans unless `termMonths` says otherwise. */
export interface PoolTerms {
  readonly balance: number;
  readonly grossCoupon: number;
  readonly netCoupon?: number;
  readonly termMonths?: number;
  readonly ageMonths: number;
}

/** One rep line of `terms` projected at `psa` PSA with no defaults: its months. */
export function psaPool(terms: PoolTerms, psa: number) {
  const { balance, grossCoupon, netCoupon = grossCoupon, termMonths = 360, ageMonths } = terms;
  return projectRepLines([
    {
      name: "collateral",
      pool: { balance, grossCoupon, netCoupon, originalTermMonths: termMonths, ageMonths },
      assumptions: {
        prepayment: { type: "PSA", percent: psa },
        default: { type: "MDR", percent: 0 },
        severity: 0,
        monthsToLiquidation: 0,
        principalAndInterestAdvanced: false,
      },
    },
  ]).months;
}

/** A $400m 30-year pool, 8.125% gross, 7.5% net, 3 months old, projected at `psa` PSA with no defaults. */
export function pool400m(psa: number) {
  return psaPool({ balance: 400_000_000, grossCoupon: 0.08125, netCoupon: 0.075, ageMonths: 3 }, psa);
}

/** Whole dollars in cents. */
export const cents = (dollars: number): bigint => BigInt(dollars) * 100n;

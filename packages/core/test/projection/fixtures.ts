import { projectRepLines } from "../../src/cashflow/standard";

/** A $400m 30-year pool, 8.125% gross, 7.5% net, 3 months old, projected at `psa` PSA with no defaults. */
export function pool400m(psa: number) {
  return projectRepLines([
    {
      name: "collateral",
      pool: { balance: 400_000_000, grossCoupon: 0.08125, netCoupon: 0.075, originalTermMonths: 360, ageMonths: 3 },
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

/** Whole dollars in cents. */
export const cents = (dollars: number): bigint => BigInt(dollars) * 100n;

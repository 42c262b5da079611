/**
 * The sample deal's forecast, for the regulator's dashboard to compare the reported periods against: the sample
 * tape's loans grouped by credit grade (`cashflow.standard.stratify`) and projected by the SIFMA standard formulas
 * under the sample's pricing assumptions, written as `abs project --json` writes its months. Development only: a
 * real deal's forecast is the trustee's `abs project FILE --json` of the projection it was priced on.
 */
import { writeFileSync } from "node:fs";
import { cashflow, type LoanRecord } from "@abs/core";

/** The sample's pricing assumptions: 10% CPR, 3% CDR, 50% severity, 3 months to liquidation, no advancing. */
const PRICING: cashflow.standard.StandardAssumptions = {
  prepayment: { type: "CPR", percent: 10 },
  default: { type: "CDR", percent: 3 },
  severity: 0.5,
  monthsToLiquidation: 3,
  principalAndInterestAdvanced: false,
};

/** Writes the forecast JSON of `records` to `file` (each grade's net coupon is its rate less 0.5% servicing). */
export function writeSampleForecast(records: Iterable<LoanRecord>, file: string): void {
  const { strata } = cashflow.standard.stratify(records, ["grade"]);
  const projected = cashflow.standard.projectRepLines(
    strata.map((stratum) => ({
      name: stratum.name,
      pool: {
        balance: Number(stratum.balanceCents) / 100,
        grossCoupon: stratum.grossCoupon,
        netCoupon: Math.max(0, stratum.grossCoupon - 0.005),
        originalTermMonths: stratum.originalTermMonths,
        ageMonths: stratum.ageMonths,
      },
      assumptions: PRICING,
    })),
  );
  writeFileSync(
    file,
    JSON.stringify(
      { months: projected.months },
      (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
      2,
    ),
  );
}

import { type PeriodInputs, type PeriodResult } from "./types";

/** Where a period's cash came from and where it went; `sourcesCents === usesCents` for every period. */
export interface CashSummary {
  /** Interest and principal collections, reserve release and draws, guarantee draws, the cap's receipt. */
  readonly sourcesCents: bigint;
  /** Fees, interest and principal paid, reserve top-up, guarantee fee and reimbursement, residual. */
  readonly usesCents: bigint;
  /** Fees paid. */
  readonly feesCents: bigint;
  /** Interest paid to the tranches. */
  readonly interestCents: bigint;
  /** Principal paid to the tranches. */
  readonly principalCents: bigint;
  /** Net change of the reserve account: top-up less release and draws (negative when it shrank). */
  readonly reserveChangeCents: bigint;
}

/**
 * Sums a period's cash flows, for reconciliation and for the conservation check (WF-1 in test/INVARIANTS.md):
 * `collections + reserve release + reserve draws + guarantee draws + cap receipt == fees + interest + principal + reserve
 * top-up + guarantee fee + guarantee reimbursement + residual`, i.e. cash in = fees + interest + principal +
 * reserve change + guarantor flows + residual.
 */
export function summarizeCash(inputs: PeriodInputs, result: PeriodResult): CashSummary {
  const feesCents = result.fees.reduce((total, f) => total + f.paidCents, 0n);
  const interestCents = result.tranches.reduce((total, t) => total + t.interestPaidCents, 0n);
  const principalCents = result.tranches.reduce((total, t) => total + t.principalPaidCents, 0n);
  const sourcesCents =
    inputs.interestCollectionsCents +
    inputs.principalCollectionsCents +
    result.reserveReleaseCents +
    result.reserveDrawCents +
    result.guaranteeDrawCents +
    result.capReceiptCents;
  const usesCents =
    feesCents +
    interestCents +
    principalCents +
    result.reserveTopUpCents +
    result.guaranteeFeePaidCents +
    result.guaranteeReimbursedCents +
    result.residualCents;
  return {
    sourcesCents,
    usesCents,
    feesCents,
    interestCents,
    principalCents,
    reserveChangeCents: result.reserveTopUpCents - result.reserveReleaseCents - result.reserveDrawCents,
  };
}

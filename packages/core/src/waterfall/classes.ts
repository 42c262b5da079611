import { type WaterfallConfig } from "./types";

/**
 * Whether tranche `t` is an interest-only strip (`ClassKind.InterestOnly`): its coupon accrues on the opening balance
 * of tranche `t - 1` and it never carries principal. A deal without class terms has none.
 */
export function isInterestOnlyClass(config: Pick<WaterfallConfig, "classes">, t: number): boolean {
  return config.classes?.[t]?.kind === "interestOnly";
}

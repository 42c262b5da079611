/**
 * The waterfall (priority of payments) engine: the TypeScript twin of `contracts/libraries/WaterfallLib.sol`
 * and `TriggerLib.sol`. `runWaterfall(config, state, inputs)` returns what `WaterfallLib.run` returns, to the
 * last cent; `test/property/waterfall.differential.test.ts` checks it on random deals.
 *
 * SPECIFICATION (both implementations follow it step by step). Tranche 0 is the most senior. `WAD` = 1e18.
 * `accrue(base, rate) = floor(base * rate * accrualDays / (WAD * yearBasisDays))`: interest and fees are rounded
 * down (the deal never owes a fraction of a cent; what rounding leaves stays in the available funds).
 *
 * 1. Rates. Fixed: `couponRateWad`. Floating: `index + spread`, raised to the floor, then lowered to the cap
 *    (cap 0 = none). None: 0.
 * 2. Amounts due, from the opening state:
 *    - fee f: `fixedCents + accrue(poolBalanceBegin, rateWad) + carried fee shortfall`, plus for a swap's pay-leg fee
 *      (`cap.payLegFee` = f + 1) `accrue(notional, strike - index)` if the index is below the strike (`swapPayment`,
 *      the notional and the term as the cap's);
 *    - tranche t: `accrue(opening balance + carried shortfall, rate) + carried shortfall` (the shortfall bears
 *      interest at the coupon, one rounding for both); an interest-only class accrues on its notional instead of
 *      its own balance (always 0): the opening balance of the class listed just before it;
 *    - guarantee fee: `accrue(committed, feeRateWad) + accrue(opening draws, usageRateWad) + carried guarantee fee
 *      shortfall`, with committed = the limit (or the limit less the opening draws if `feeOnUndrawn`) while the
 *      facility is open (`expiryPeriod` 0 or `period <= expiryPeriod`), 0 after it;
 *    - cumulative net loss after the period: `max(0, cumulative + newDefaults - recoveries)`;
 *    - cap receipt: `accrue(notional, index - strike)` if the deal has a cap (`cap.trancheScope` > 0) and the
 *      index is above the strike, else 0; notional = the opening balance of the `cap.trancheScope` most senior
 *      tranches; nothing after the cap's `expiryPeriod` (0 = none). A swap (a cap with a pay leg) receives the same
 *      way; its payment below the strike is the pay-leg fee's (above), within the same term.
 * 3. Triggers, on the opening balances (TriggerLib / triggers.ts; every ratio rounds toward a breach):
 *    - overcollateralization: `(poolBalanceEnd + principalCollections) / opening balance of the scope`, rounded
 *      down, breached below the threshold (over a zero balance: `type(uint256).max`, never breached);
 *    - interest coverage: `interestCollections / (fees due + interest due of the scope)`, rounded down, breached
 *      below (over nothing due: `type(uint256).max`);
 *    - cumulative net loss: `cumulative net loss / originalPoolBalance`, rounded up, breached above; the threshold
 *      of period p is `scheduleWad[min(max(p, 1), length) - 1]` when a schedule is set;
 *    - 60+ delinquency: `delinquent60Plus / poolBalanceEnd`, rounded up (0 for an empty pool), breached above.
 *    A curable trigger is breached while failing; a non-curable one stays breached. Acceleration applies if
 *    `inputs.accelerated` or an event-of-default trigger is breached; otherwise principal is sequential if a
 *    switch trigger is breached or the period is before `stepDownPeriod` (whatever the configured mode), and excess
 *    spread is trapped if a trap trigger is breached.
 * 4. Write-up: the recoveries write back up what earlier losses wrote down, the most senior tranche first, each up
 *    to what it has written down (the recovered cash is in the principal collections and is paid out as principal
 *    below). The balances after write-up, B_t (sum B), are the principal balances of steps 5 to 9.
 * 5. Reserve release. Target = 0 when accelerated, else
 *    `min(max(ceil(poolBalanceEnd * targetWad / WAD), floorCents), B)` (rounded up: the reserve protects the
 *    holders). A reserve above its target releases the excess into the available funds, except while
 *    excess spread is trapped.
 *    Available funds = interest collections + principal collections + release + cap receipt.
 *    Guarantee room = `limit - drawn outstanding` (0 if negative) while the facility is open, 0 after its expiry;
 *    reimbursements in the period do not restore it until the next period.
 *    Accrual classes: tranche t of kind `Accrual` accrues this period if not accelerated and some earlier tranche
 *    (j < t) has B_j > 0. Locked out: tranche t with `0 < period <= lockoutPeriods_t`, not accelerated.
 * 6. Principal distribution amount (PDA):
 *    - accelerated: B (everything);
 *    - targeted (no override): sum over tranches not locked out of `max(0, B_t - target balance_t)`;
 *    - otherwise (sequential, pro-rata, scheduled): `max(0, B - (poolBalanceEnd - targetOc))`, with
 *      `targetOc = min(max(ceil(poolBalanceEnd * targetOcWad / WAD), ocFloorCents), poolBalanceEnd)`: the
 *      tranches are paid down to the pool balance less the target overcollateralization, so principal collections
 *      and the excess spread needed to cover the period's defaults both go to principal.
 * 7. Payments, in the configured step order (not accelerated). Each step pays `min(available, due)` and carries
 *    the rest of what was due as a shortfall:
 *    - fee f, interest t: first, if the available funds are short and the reserve covers the step (fees, or
 *      tranche t < coveredTranches), the reserve is drawn for the gap, up to its balance; then, if still short
 *      and the guarantee covers the step, the guarantor is drawn for the gap, up to its room;
 *    - interest of an accruing accrual class: no cover; `accreted_t = min(available, due)` is taken from the
 *      available funds, added to the class's balance (and to what the principal step may pay it) and to the
 *      principal step's amount; `due - accreted_t` is carried as its shortfall. Not interest paid;
 *    - principal: `min(available, PDA)` plus the period's accretion, allocated by the mode applied; a tranche
 *      locked out takes nothing, and what no tranche can take returns to the available funds:
 *      sequential: tranche 0 up to B_0, then tranche 1, ...;
 *      pro-rata: each tranche not locked out `floor(min(amount, B') * B_t / B')` (B' the sum of their B_t); the rounding
 *      remainder (fewer units than there are tranches) goes to the most senior tranches first, each up to its
 *      balance;
 *      targeted: tranche 0 up to `B_0 - target_0`, then tranche 1, ...;
 *      scheduled: first each `Scheduled` class in seniority order up to `B_t - target_t` (the schedule, with
 *      the catch-up of any period it missed), then every other class in seniority order up to B_t, then the
 *      `Scheduled` classes in seniority order up to B_t (the schedule is broken once the others are retired);
 *    - reserve top-up: while trapping, everything available; else up to `target - reserve balance`;
 *    - guarantee fee: up to the guarantee fee due;
 *    - guarantee reimbursement: up to the draws outstanding (opening outstanding + this period's draws so far).
 *    Accelerated: the fee steps in their configured order, then for each tranche by seniority its interest (with
 *    the same reserve and guarantee cover) then its principal up to B_t, then the guarantee fee, then the
 *    guarantee reimbursement. No reserve step: the reserve was released in 5.
 * 8. Residual: what is left after the last step goes to the equity holder.
 * 9. Write-down: if the balances after principal sum to N > poolBalanceEnd, `N - poolBalanceEnd` is written down,
 *    the most junior tranche first, each up to its balance. The tranches never end a period above the
 *    performing pool. With a principal deficiency ledger (`principalDeficiencyLedger`) nothing is written down
 *    while poolBalanceEnd > 0: `N - poolBalanceEnd` is the ledger's balance (`principalDeficiencies`: the deficiency,
 *    allocated to the tranches most junior first), which step 6 of the next periods cures from excess spread; once
 *    the pool is exhausted what is left is written down as above.
 *
 * Rounding dust: every amount moved is a whole number of cents, each step moves at most what is available, and
 * what no step takes is the residual, so no unit is created or lost. Fractions dropped by `accrue` are never owed;
 * the pro-rata remainder goes to the most senior tranches; ratio rounding only decides triggers.
 * Conservation: `interest + principal collections + release + reserve draws + guarantee draws + cap receipt ==
 * fees paid +
 * interest paid + principal paid + top-up + guarantee fee paid + reimbursed + residual` (accreted interest is
 * paid as principal). Balances: `next B_t = opening_t + writeUp_t + accreted_t - principal_t - writeDown_t`.
 *
 * Interest-only (IO) classes: a strip of the class listed just before it. Its balance is 0 from closing on (the state
 * must say so: `WaterfallNotionalHasBalance` otherwise), so it is in no principal sum (triggers, reserve target,
 * principal distribution amount, cap notional, write-down) and takes no principal; only its interest (2) differs.
 *
 * Domain: amounts below 2^128, rates and thresholds below 2^64, accrual days below 2^16 (the parsers enforce it).
 */
export {
  COUPON_TYPES,
  PRINCIPAL_MODES,
  CLASS_KINDS,
  STEP_KINDS,
  TRIGGER_EFFECTS,
  TRIGGER_KINDS,
  type ClassTerms,
  type ClassKind,
  type CouponTerms,
  type CouponType,
  type FeePayment,
  type FeeTerms,
  type CapTerms,
  type GuaranteeTerms,
  type PeriodInputs,
  type PeriodResult,
  type PrincipalMode,
  type ReserveTerms,
  type StepKind,
  type TrancheBalances,
  type TranchePayment,
  type TriggerEffect,
  type TriggerKind,
  type TriggerOutcome,
  type TriggerTerms,
  type WaterfallConfig,
  type WaterfallState,
  type WaterfallStep,
} from "./types";
export { WaterfallError, type ContractError, type WaterfallErrorCode, type WaterfallErrorOptions } from "./errors";
export {
  MAX_AMOUNT_CENTS,
  MAX_FEES,
  MAX_SCHEDULE,
  MAX_TRANCHES,
  MAX_TRIGGERS,
  MAX_WAD64,
  parsePeriodInputs,
  parseWaterfallConfig,
  parseWaterfallState,
  periodInputsSchema,
  validateWaterfallConfig,
  waterfallConfigSchema,
  waterfallStateSchema,
} from "./config";
export { MAX_UINT256, evaluateTriggers, type TriggerContext, type TriggerEffects } from "./triggers";
export { capReceipt, principalDeficiencies, runWaterfall, swapPayment } from "./engine";
export { summarizeCash, type CashSummary } from "./cash";
export { checkPeriodInvariants } from "./invariants";
export { isInterestOnlyClass } from "./classes";
export { fromAbiConfig, fromAbiInputs, fromAbiResult, fromAbiState, toAbiConfig, toAbiInputs, toAbiState } from "./abi";
export { sampleDeal } from "./sample";

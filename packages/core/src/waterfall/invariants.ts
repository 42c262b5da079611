import { summarizeCash } from "./cash";
import { isInterestOnlyClass } from "./classes";
import { capReceipt, facilityOpen, swapPayment } from "./engine";
import { type PeriodInputs, type PeriodResult, type WaterfallConfig, type WaterfallState } from "./types";

/**
 * Checks one period's result against the waterfall invariants WF-1 .. WF-7, WF-9 and WF-10 of test/INVARIANTS.md, whoever
 * computed it (this engine or the contract). Returns one message per violation; an empty list means none.
 * Used by the tests on every random case, and usable by a trustee script as a last check before settling.
 */
export function checkPeriodInvariants(
  config: WaterfallConfig,
  state: WaterfallState,
  inputs: PeriodInputs,
  result: PeriodResult,
): string[] {
  const problems: string[] = [];
  const fail = (id: string, message: string): void => {
    problems.push(`${id}: ${message}`);
  };

  // WF-1: cash in == cash out, to the unit.
  const cash = summarizeCash(inputs, result);
  if (cash.sourcesCents !== cash.usesCents) {
    fail("WF-1", `sources ${cash.sourcesCents} != uses ${cash.usesCents}`);
  }

  // WF-2: the reserve moves only by release, draws and top-up; only up to its target, and released, unless trapping.
  const reserveEnd = state.reserveCents + cash.reserveChangeCents;
  if (result.next.reserveCents !== reserveEnd) {
    fail("WF-2", `reserve ${result.next.reserveCents} != opening + top-up - release - draws = ${reserveEnd}`);
  }
  if (result.trapping && result.reserveReleaseCents > 0n) fail("WF-2", "reserve released while trapping");
  if (!result.trapping && result.reserveTopUpCents > 0n && result.next.reserveCents > result.reserveTargetCents) {
    fail("WF-2", `reserve topped up to ${result.next.reserveCents}, above its target ${result.reserveTargetCents}`);
  }

  const accreted = (t: number): bigint => result.accretedCents[t] ?? 0n;
  /** Tranche t's balance after the principal step (opening + write-up + accretion - principal), before losses. */
  const afterPrincipalOf = (t: number): bigint => {
    const tranche = result.tranches[t];
    const opening = state.tranches[t]?.balanceCents ?? 0n;
    return tranche === undefined ? 0n : opening + tranche.writeUpCents + accreted(t) - tranche.principalPaidCents;
  };
  const lockedOut = (t: number): boolean => {
    const lockout = config.classes?.[t]?.lockoutPeriods ?? 0;
    return !result.accelerated && lockout !== 0 && inputs.period <= lockout;
  };

  // WF-3: nothing paid beyond what is due; shortfalls are exactly what was due and not paid.
  result.fees.forEach((fee, f) => {
    if (fee.paidCents > fee.dueCents) fail("WF-3", `fee ${f} paid ${fee.paidCents} > due ${fee.dueCents}`);
    if (result.next.feeShortfallsCents[f] !== fee.dueCents - fee.paidCents) fail("WF-3", `fee ${f} shortfall`);
  });
  let principalCents = 0n;
  let accretionCents = 0n;
  result.tranches.forEach((tranche, t) => {
    const opening = state.tranches[t];
    const next = result.next.tranches[t];
    if (opening === undefined || next === undefined) {
      fail("WF-3", `tranche ${t} missing`);
      return;
    }
    if (tranche.interestPaidCents > tranche.interestDueCents) fail("WF-3", `tranche ${t} interest overpaid`);
    if (next.interestShortfallCents !== tranche.interestDueCents - tranche.interestPaidCents - accreted(t)) {
      fail("WF-3", `tranche ${t} interest shortfall`);
    }
    if (tranche.principalPaidCents > opening.balanceCents + tranche.writeUpCents + accreted(t)) {
      fail("WF-3", `tranche ${t} principal above its balance`);
    }
    principalCents += tranche.principalPaidCents;
    accretionCents += accreted(t);
    // WF-5 (part): write-downs and write-ups only move principal between "outstanding" and "written down";
    // what was paid leaves, what accreted comes in.
    const before = opening.balanceCents + opening.writtenDownCents + accreted(t) - tranche.principalPaidCents;
    if (next.balanceCents + next.writtenDownCents !== before) fail("WF-5", `tranche ${t} principal not conserved`);
    if (tranche.writeUpCents > opening.writtenDownCents) fail("WF-5", `tranche ${t} written up above its losses`);
  });
  if (principalCents > result.principalDueCents + accretionCents) {
    fail("WF-3", `principal paid ${principalCents} > principal due ${result.principalDueCents} + accretion`);
  }
  if (result.guaranteeFeePaidCents > result.guaranteeFeeDueCents) fail("WF-3", "guarantee fee overpaid");

  // WF-4: the mode applied is sequential before the step-down period; in sequential mode (and when accelerated), no
  // tranche is paid principal while a senior one that is not
  // locked out is still outstanding after the principal step.
  if (inputs.period < (config.stepDownPeriod ?? 0) && result.principalMode !== "sequential") {
    fail("WF-4", `period ${inputs.period} before the step-down period paid ${result.principalMode}`);
  }
  if (result.principalMode === "sequential") {
    let seniorOutstanding = false;
    result.tranches.forEach((tranche, t) => {
      if (seniorOutstanding && tranche.principalPaidCents > 0n) {
        fail("WF-4", `tranche ${t} paid principal ahead of a senior tranche`);
      }
      if (afterPrincipalOf(t) > 0n && !lockedOut(t)) seniorOutstanding = true;
    });
  }

  // WF-9: classes. A locked-out tranche is paid no principal; an interest-only class never has principal; only an
  // accrual class accretes, never when accelerated, only while an earlier tranche is outstanding, at most its interest
  // due and with no interest paid.
  const hasAccrual = (config.classes ?? []).some((c) => c.kind === "accrual");
  if (result.accretedCents.length !== (hasAccrual ? result.tranches.length : 0)) {
    fail("WF-9", `${result.accretedCents.length} accretion entries for ${result.tranches.length} tranches`);
  }
  const scheduled = (t: number): boolean => config.classes?.[t]?.kind === "scheduled";
  result.tranches.forEach((tranche, t) => {
    if (lockedOut(t) && tranche.principalPaidCents > 0n) fail("WF-9", `tranche ${t} paid principal in its lockout`);
    // An interest-only class never has principal: none paid, written down or up, and none after the period.
    const notional = isInterestOnlyClass(config, t);
    const principalMoved = tranche.principalPaidCents + tranche.writeDownCents + tranche.writeUpCents;
    if (notional && (principalMoved !== 0n || result.next.tranches[t]?.balanceCents !== 0n)) {
      fail("WF-9", `interest-only tranche ${t} moved principal (${principalMoved}) or ends with a balance`);
    }
    if (result.principalMode === "scheduled" && scheduled(t)) {
      const balance = (state.tranches[t]?.balanceCents ?? 0n) + tranche.writeUpCents;
      const target = inputs.targetBalancesCents[t] ?? 0n;
      const onSchedule = balance > target ? balance - target : 0n;
      const othersLeft = result.tranches.some((_, u) => !scheduled(u) && !lockedOut(u) && afterPrincipalOf(u) > 0n);
      if (tranche.principalPaidCents > onSchedule && othersLeft) {
        fail("WF-9", `scheduled tranche ${t} paid beyond its schedule while another class is outstanding`);
      }
    }
    if (accreted(t) === 0n) return;
    const earlierOutstanding = result.tranches
      .slice(0, t)
      .some((earlier, j) => (state.tranches[j]?.balanceCents ?? 0n) + earlier.writeUpCents > 0n);
    const accrual = config.classes?.[t]?.kind === "accrual";
    if (!accrual || result.accelerated || !earlierOutstanding) fail("WF-9", `tranche ${t} accreted out of turn`);
    if (accreted(t) > tranche.interestDueCents || tranche.interestPaidCents !== 0n) {
      fail("WF-9", `tranche ${t} accreted ${accreted(t)} with interest paid ${tranche.interestPaidCents}`);
    }
  });

  // WF-5: losses. Recoveries write up at most what was written down, the most senior tranche first; write-downs
  // bring the tranches exactly down to the pool balance, the most junior first. The tranches never end a period
  // above the performing pool, except by a principal deficiency ledger's balance while the pool is not exhausted
  // (then nothing is written down).
  const writeUp = result.tranches.reduce((a, t) => a + t.writeUpCents, 0n);
  if (writeUp > inputs.recoveriesCents) fail("WF-5", `write-up ${writeUp} > recoveries ${inputs.recoveriesCents}`);
  const afterPrincipal = result.tranches.reduce((a, _, i) => a + afterPrincipalOf(i), 0n);
  const poolEnd = inputs.poolBalanceEndCents;
  const writeDown = result.tranches.reduce((a, t) => a + t.writeDownCents, 0n);
  const ledger = config.principalDeficiencyLedger === true && poolEnd !== 0n;
  const expectedWriteDown = !ledger && afterPrincipal > poolEnd ? afterPrincipal - poolEnd : 0n;
  if (writeDown !== expectedWriteDown) fail("WF-5", `write-down ${writeDown} != ${expectedWriteDown}`);
  const notesEnd = result.next.tranches.reduce((a, t) => a + t.balanceCents, 0n);
  if (!ledger && notesEnd > poolEnd) fail("WF-5", `tranches ${notesEnd} above the pool ${poolEnd} after losses`);
  result.tranches.forEach((tranche, t) => {
    if (tranche.writeDownCents > 0n) {
      for (let u = t + 1; u < result.tranches.length; u += 1) {
        if ((result.next.tranches[u]?.balanceCents ?? 0n) !== 0n) fail("WF-5", `tranche ${t} written down before ${u}`);
      }
    }
    if (tranche.writeUpCents > 0n) {
      for (let s = 0; s < t; s += 1) {
        const stillDown = (state.tranches[s]?.writtenDownCents ?? 0n) - (result.tranches[s]?.writeUpCents ?? 0n);
        if (stillDown !== 0n) fail("WF-5", `tranche ${t} written up before ${s}`);
      }
    }
  });

  // WF-6: the guarantor is drawn only within its room (none after the facility's expiry), and what it is owed moves
  // only by draws and repayments.
  const limit = facilityOpen(config, inputs) ? config.guarantee.limitCents : 0n;
  const room = limit > state.guaranteeDrawnCents ? limit - state.guaranteeDrawnCents : 0n;
  if (result.guaranteeDrawCents > room) fail("WF-6", `guarantee drawn ${result.guaranteeDrawCents} > room ${room}`);
  const owed = state.guaranteeDrawnCents + result.guaranteeDrawCents - result.guaranteeReimbursedCents;
  if (result.next.guaranteeDrawnCents !== owed) fail("WF-6", "guarantee outstanding");
  if (result.guaranteeReimbursedCents > state.guaranteeDrawnCents + result.guaranteeDrawCents) {
    fail("WF-6", "guarantor reimbursed more than it is owed");
  }

  // WF-10: the cap pays only while the index is above its strike, exactly accrue(notional, index - strike).
  const capCents = capReceipt(config, state, inputs);
  if (result.capReceiptCents !== capCents)
    fail("WF-10", `cap paid ${result.capReceiptCents}, its terms give ${capCents}`);
  const swapCents = swapPayment(config, state, inputs);
  const payLeg = result.fees[(config.cap?.payLegFee ?? 0) - 1];
  if (capCents > 0n && swapCents > 0n) fail("WF-10", `both legs of the swap pay (${capCents}, ${swapCents})`);
  if (payLeg !== undefined && payLeg.dueCents < swapCents)
    fail("WF-10", `the swap's pay-leg fee is due ${payLeg.dueCents}, less than the swap payment ${swapCents}`);

  // WF-7: a non-curable trigger never cures; the flags describe the change exactly.
  result.triggers.forEach((outcome, k) => {
    const was = state.triggersBreached[k] ?? false;
    if (config.triggers[k]?.curable === false && was && !outcome.breached) fail("WF-7", `trigger ${k} cured`);
    if (outcome.breachedNow !== (outcome.breached && !was)) fail("WF-7", `trigger ${k} breachedNow`);
    if (outcome.curedNow !== (was && !outcome.breached)) fail("WF-7", `trigger ${k} curedNow`);
    if (result.next.triggersBreached[k] !== outcome.breached) fail("WF-7", `trigger ${k} state`);
  });
  return problems;
}

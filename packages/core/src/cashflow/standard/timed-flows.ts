import { type StandardCashflows, investorInterest, investorPrincipal } from "./defaults-projection";
import { type TimedFlow, paymentTimesYears } from "./mbs-yield";

/**
 * The investor cash flows of a standard projection, timed from settlement: month k is paid 30 x k + delay days
 * after the start of the first accrual period, and settlement falls `settlementDay` days into it (both 30/360).
 * Months that pay nothing are left out.
 */
export function timedInvestorFlows(
  projection: StandardCashflows,
  advanced: boolean,
  delayDays: number,
  settlementDay = 0,
): TimedFlow[] {
  const times = paymentTimesYears(projection.periods.length, delayDays, settlementDay);
  const flows: TimedFlow[] = [];
  projection.periods.forEach((period, index) => {
    const principal = investorPrincipal(period, advanced);
    const interest = investorInterest(period, advanced);
    if (principal === 0 && interest === 0) return;
    flows.push({ years: times[index] ?? 0, principal, interest });
  });
  return flows;
}

/**
 * SIFMA Uniform Practices chapter SF ("Standard Formulas for the Analysis of Mortgage-Backed Securities and Other
 * Related Securities") in full float64 precision: the reference the cents engine is measured against, and the
 * analytics `abs project` and `abs price` print. Every formula cites its page; the published worked examples are
 * reproduced in `test/cashflow/sifma-standard-formulas.test.ts`.
 */
export { ScheduledBalance, amortizedBalance } from "./amortization";
export {
  type DefaultQuote,
  type PrepaymentQuote,
  absToSmm,
  cprFromSmm,
  cprToPsa,
  monthlyDefaultRate,
  monthlyPrepaymentRate,
  psaToCpr,
  sdaBaseCdrPercent,
  smmFromCpr,
} from "./rates";
export {
  type StandardAssumptions,
  type StandardCashflows,
  type StandardPeriod,
  type StandardPool,
  investorInterest,
  investorPrincipal,
  projectStandard,
} from "./defaults-projection";
export {
  type FactorObservation,
  type MeasuredSpeeds,
  measuredAbsSpeed,
  measuredSpeeds,
  oneMonthSpeeds,
} from "./speeds-from-factors";
export {
  type TimedFlow,
  accruedInterest,
  averageLife,
  cashFlowConvexity,
  effectiveMeasures,
  holdingPeriodReturn,
  macaulayDuration,
  modifiedDuration,
  mortgageYield,
  paymentTimesYears,
  priceAtYield,
  terminalValue,
  yieldAtPrice,
} from "./mbs-yield";
export { timedInvestorFlows } from "./timed-flows";
export { type PoolMonthCents, type ProjectedPool, type RepLine, projectRepLines } from "./cash-boundary";
export {
  STRATA_ATTRIBUTES,
  Stratifier,
  type StrataAttribute,
  type Stratification,
  type Stratum,
  stratify,
} from "./strata";

// A projected pool paid out through a deal's waterfall (wired into @abs/core's index as `projection`).
export {
  type DealProjection,
  type DealProjectionInput,
  type TrancheMonth,
  type TrancheProjection,
  closingState,
  projectDeal,
} from "./deal-projection";
export {
  CMO_CLASS_TYPES,
  type CmoClass,
  type CmoClassMonth,
  type CmoClassProjection,
  type CmoClassType,
  type CmoProjection,
  pacClassTargets,
  pacSchedule,
  projectCmo,
} from "./cmo";
export { type PrincipalSummary, principalSummary } from "./principal-summary";

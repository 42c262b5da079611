export { ReconciliationError, type ReconciliationErrorCode } from "./errors";
export { type BankLine, type BankStatement, parseCsvStatement, parseMt940Statement } from "./statement";
export {
  bankRefOf,
  type BreakKind,
  canonicalJson,
  type ChainMovement,
  type ExpectedFlow,
  type ExpectedFlowKind,
  parseExpectedFlows,
  reconcile,
  type ReconcileOptions,
  type ReconciliationBreak,
  type ReconciliationMatch,
  type ReconciliationReport,
} from "./reconcile";
export { anchorReconciliation, readCashMovements, type RpcSender, statementKey } from "./chain";

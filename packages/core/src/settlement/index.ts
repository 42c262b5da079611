export { remitCapPayment, type CapRemitRequest, type CapRemittance } from "./cap-remit";
export { closeOutDeal, type CloseOutReport } from "./close-out";
export { SettlementError, type SettlementErrorCode } from "./errors";
export {
  connectRunner,
  diffResults,
  isAddressText,
  formatDistribution,
  settlePeriod,
  settlementJson,
  type SettleDeps,
  type SettleRequest,
  type SettlementReport,
} from "./settle";
export { WATERFALL_ABI } from "./waterfall-abi";

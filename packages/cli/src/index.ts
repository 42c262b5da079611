// Public surface of @abs/cli (for tests and for embedding the CLI; the `abs` binary is bin/abs.js).
export { CliError, EXIT, type CliErrorCode } from "./errors";
export { type CliIo, type OutputStream } from "./io";
export { CLI_VERSION, createProgram, main, processIo } from "./main";
export {
  createProgress,
  formatKeyValues,
  formatRateWad,
  formatTable,
  formatWad,
  formatYuan,
  writeJson,
} from "./output";
export {
  consortiumFilePath,
  consortiumFileSchema,
  readConsortiumFile,
  writeConsortiumFile,
  type ConsortiumFile,
  type ConsortiumMember,
} from "./consortium/consortium-file";

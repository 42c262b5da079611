/**
 * Decoding reverts into readable custom errors: `TapeCutoffInFuture(cutoffDate=1798675200, blockTime=1764000000)`.
 */
import { Interface, type Result, isError } from "ethers";
import { ASSET_POOL_ABI, ASSET_POOL_FACTORY_ABI, CASH_TOKEN_ABI, DVP_SETTLEMENT_ABI } from "./abi";

const KNOWN_ERRORS = new Interface([
  ...ASSET_POOL_ABI.filter((f) => f.startsWith("error ")),
  // The factory shares some error names with the pool (NotTrustee ...): ethers keeps the first, same shape.
  ...ASSET_POOL_FACTORY_ABI.filter(
    (f) => f.startsWith("error ") && !ASSET_POOL_ABI.includes(f as (typeof ASSET_POOL_ABI)[number]),
  ),
  // Cash token and DvP errors the custodian's and the exchange's nodes meet (names not shared with the pool).
  ...[...CASH_TOKEN_ABI, ...DVP_SETTLEMENT_ABI].filter(
    (f) => f.startsWith("error ") && !ASSET_POOL_ABI.some((g) => g.startsWith(f.slice(0, f.indexOf("(") + 1))),
  ),
]);

function formatValue(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return String(value);
}

/** The revert data of an ethers error, if it carries any. */
export function revertDataOf(error: unknown): string | undefined {
  if (isError(error, "CALL_EXCEPTION") && typeof error.data === "string" && error.data.length >= 10) return error.data;
  // Some nodes wrap the revert in a JSON-RPC error: look one level down.
  const nested = (error as { info?: { error?: { data?: unknown } } } | undefined)?.info?.error?.data;
  if (typeof nested === "string" && /^0x[0-9a-fA-F]{8,}$/.test(nested)) return nested;
  return undefined;
}

/** `Name(arg=value, ...)` for known custom errors, `Error(reason)`, or undefined if not decodable. */
export function decodeRevert(error: unknown): string | undefined {
  if (isError(error, "CALL_EXCEPTION") && error.reason !== null && error.reason !== undefined && !error.data) {
    return `Error(${error.reason})`;
  }
  const data = revertDataOf(error);
  if (data === undefined) return undefined;
  try {
    const parsed = KNOWN_ERRORS.parseError(data);
    if (parsed === null) return `unknown custom error ${data.slice(0, 10)}`;
    const args = parsed.fragment.inputs.map((input, i) => `${input.name}=${formatValue((parsed.args as Result)[i])}`);
    return `${parsed.name}(${args.join(", ")})`;
  } catch {
    return `unknown custom error ${data.slice(0, 10)}`;
  }
}

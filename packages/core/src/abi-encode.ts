/**
 * A small, fast `abi.encode` for flat argument lists of `uintN`, `bytes32` and `string` (internal).
 *
 * Why: ethers' `AbiCoder.encode` costs ~0.2-1 ms per loan record, i.e. minutes for a 1,000,000-loan
 * tape; this costs a few microseconds. It produces the same bytes as `AbiCoder.encode(types, values)`
 * (tested against it on random records), and throws rather than guess on any other type.
 */
import { InvalidArgumentError } from "./errors";

const WORD = 32;
const UINT_TYPE = /^uint(\d{1,3})$/;
const BYTES32_HEX = /^0x[0-9a-fA-F]{64}$/;

/** One value of a flat encoding: uints as bigint or number, bytes32 as 0x hex, strings as text. */
export type FlatAbiValue = string | bigint | number;

/** `abi.encode(values...)` for `types` drawn from `uint8..uint256`, `bytes32` and `string`. */
export function encodeFlatAbi(types: readonly string[], values: readonly FlatAbiValue[]): Buffer {
  if (types.length !== values.length) {
    throw new InvalidArgumentError("values", `${types.length} values, one per type`, `${values.length} values`);
  }
  const strings = values.map((value, i) => {
    if (types[i] !== "string") return undefined;
    if (typeof value !== "string") throw badValue(i, "string", value);
    return Buffer.from(value, "utf8");
  });
  const tailLength = strings.reduce((sum, bytes) => sum + (bytes === undefined ? 0 : WORD + padded(bytes.length)), 0);
  const out = Buffer.alloc(types.length * WORD + tailLength);
  let tail = types.length * WORD;
  types.forEach((type, i) => {
    const value = values[i];
    const head = i * WORD;
    const text = strings[i];
    if (text !== undefined) {
      writeUint(out, head, BigInt(tail));
      writeUint(out, tail, BigInt(text.length));
      text.copy(out, tail + WORD);
      tail += WORD + padded(text.length);
    } else if (type === "bytes32") {
      if (typeof value !== "string" || !BYTES32_HEX.test(value)) throw badValue(i, type, value);
      out.write(value.slice(2), head, "hex");
    } else {
      const bits = Number(UINT_TYPE.exec(type)?.[1] ?? Number.NaN);
      if (!(bits >= 8 && bits <= 256 && bits % 8 === 0)) {
        throw new InvalidArgumentError("types", "uint8..uint256, bytes32 or string", JSON.stringify(type));
      }
      if (typeof value === "string" || (typeof value === "number" && !Number.isSafeInteger(value))) {
        throw badValue(i, type, value);
      }
      const integer = BigInt(value ?? -1);
      if (integer < 0n || integer >= 1n << BigInt(bits)) throw badValue(i, type, value);
      writeUint(out, head, integer);
    }
  });
  return out;
}

/** Length rounded up to whole 32-byte words. */
function padded(length: number): number {
  return Math.ceil(length / WORD) * WORD;
}

function writeUint(out: Buffer, offset: number, value: bigint): void {
  out.write(value.toString(16).padStart(2 * WORD, "0"), offset, "hex");
}

function badValue(index: number, type: string, value: unknown): InvalidArgumentError {
  const found = typeof value === "bigint" ? value.toString() : JSON.stringify(value);
  return new InvalidArgumentError(`value ${index}`, `a value of ABI type ${type}`, found ?? String(value));
}

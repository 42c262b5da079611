/**
 * Hash and key plumbing shared by the commitment, fingerprint and generator modules (internal).
 */
import { createHmac } from "node:crypto";
import { getBytes } from "ethers";
import { keccak256 as jsSha3Keccak256 } from "js-sha3";
import { InvalidArgumentError } from "./errors";

/** Minimum length of a secret key (salt key, consortium key): 256 bits. */
export const MIN_SECRET_KEY_BYTES = 32;

const BYTES32_HEX = /^0x[0-9a-fA-F]{64}$/;

/** Throws unless `key` is a byte string of at least 32 bytes. Never puts the key in the message. */
export function checkSecretKey(name: string, key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < MIN_SECRET_KEY_BYTES) {
    const found = key instanceof Uint8Array ? `${key.length} bytes` : typeof key;
    throw new InvalidArgumentError(name, `a secret key of at least ${MIN_SECRET_KEY_BYTES} bytes`, found);
  }
}

/** HMAC-SHA256 of `message` (UTF-8 if a string) under `key`, as 0x-prefixed lowercase hex. */
export function hmacSha256Hex(key: Uint8Array, message: Uint8Array | string): string {
  return `0x${createHmac("sha256", key).update(message).digest("hex")}`;
}

/**
 * keccak256 as raw bytes. js-sha3 rather than ethers' (noble) keccak: ~3x faster here, and
 * leaf hashing dominates committing a million-loan tape. Parity with ethers is tested.
 */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(jsSha3Keccak256.arrayBuffer(data));
}

/** An incremental keccak256 (js-sha3, as `keccak256Bytes`): feed it chunks, then take the 0x hex digest once. */
export interface Keccak256Stream {
  update(chunk: Uint8Array): void;
  /** The digest of every chunk fed, 0x-prefixed lowercase hex. */
  digestHex(): string;
}

export function keccak256Stream(): Keccak256Stream {
  const hasher = jsSha3Keccak256.create();
  return {
    update: (chunk) => void hasher.update(chunk),
    digestHex: () => `0x${hasher.hex()}`,
  };
}

export function isBytes32Hex(value: string): boolean {
  return BYTES32_HEX.test(value);
}

/** A 32-byte value given as 0x hex or bytes, as bytes; `undefined` if it is not exactly 32 bytes. */
export function bytes32OrUndefined(value: string | Uint8Array): Uint8Array | undefined {
  if (typeof value === "string") return isBytes32Hex(value) ? getBytes(value) : undefined;
  return value instanceof Uint8Array && value.length === 32 ? value : undefined;
}

/** How a supposed 32-byte value looked, for error messages. */
export function describeBytes32(value: unknown): string {
  if (typeof value === "string")
    return value.length > 70 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return typeof value;
}

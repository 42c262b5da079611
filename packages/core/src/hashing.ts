/**
 * Hash and key plumbing shared by the commitment, fingerprint and generator modules (internal).
 */
import { createHmac } from "node:crypto";
import { getBytes } from "ethers";
import { createKeccak, type IHasher } from "hash-wasm";
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
 * The WebAssembly keccak256 (hash-wasm): 4-5x faster than js-sha3 on a loan leaf's ~1 kB preimage and on a tree
 * node's 64 bytes, and leaf and tree hashing dominate committing a million-loan tape. WebAssembly compiles
 * asynchronously, so it loads when this module is imported; until it is ready (or if it cannot load) js-sha3
 * serves. Both compute the same function (parity with ethers is tested); `fastKeccakReady` lets a hot loop wait.
 */
let wasmKeccak: IHasher | undefined;
export const fastKeccakReady: Promise<void> = createKeccak(256).then(
  (hasher) => void (wasmKeccak = hasher),
  () => undefined,
);

/** keccak256 as raw bytes: the WebAssembly hasher once loaded, js-sha3 before. */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  if (wasmKeccak === undefined) return new Uint8Array(jsSha3Keccak256.arrayBuffer(data));
  // Synchronous init-update-digest on one shared instance: no other call can interleave.
  wasmKeccak.init();
  wasmKeccak.update(data);
  return wasmKeccak.digest("binary");
}

/** An incremental keccak256: feed it chunks, then take the 0x hex digest once. */
export interface Keccak256Stream {
  update(chunk: Uint8Array): void;
  /** The digest of every chunk fed, 0x-prefixed lowercase hex. */
  digestHex(): string;
}

/** An incremental keccak256 with its own WebAssembly instance (js-sha3 if WebAssembly cannot load). */
export async function keccak256Stream(): Promise<Keccak256Stream> {
  const hasher = await createKeccak(256).catch(() => undefined);
  if (hasher === undefined) {
    const fallback = jsSha3Keccak256.create();
    return { update: (chunk) => void fallback.update(chunk), digestHex: () => `0x${fallback.hex()}` };
  }
  return { update: (chunk) => void hasher.update(chunk), digestHex: () => `0x${hasher.digest("hex")}` };
}

/** 0x-prefixed lowercase hex of bytes (what ethers' `hexlify` gives, without its checks: for bytes we made). */
export function bytesToHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`;
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

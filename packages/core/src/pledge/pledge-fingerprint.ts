/**
 * Consortium pledge fingerprints: the same loan gets the same fingerprint whichever originator pledges it, and no
 * originator can compute one alone.
 *
 * A loan's identity is what two originators' records of the same loan agree on: the borrower's national id, the
 * origination date and the original principal. `pledgeIdentityDigest` (pledge-identity.ts) hashes it (SHA-256, in memory only: the
 * digest of a low-entropy id can be brute-forced, so it is never stored, logged or sent).
 *
 * The fingerprint is an oblivious PRF of that digest under a key `k` held by one governed key service (the
 * regulator's node), the 2HashDH construction over secp256k1 (Jarecki et al.; RFC 9497 is the same protocol on
 * other curves):
 *   1. the originator's node maps the digest to a point P = H1(digest) and sends B = r·P for a fresh random r;
 *   2. the key service answers E = k·B for every point of the batch, with one proof (a batched Chaum–Pedersen
 *      DLEQ, Fiat–Shamir) that log_G(K) = log_B(E) for its published key K = k·G;
 *   3. the node checks the proof against K as read from the PledgeRegistry contract, unblinds U = r⁻¹·E = k·P and
 *      takes fingerprint = keccak256(domain ‖ digest ‖ U).
 * The key service sees only random points (not identities, not fingerprints); an originator sees fingerprints
 * only of loans it holds; the proof stops a key service from answering with another key (so fingerprints of two
 * originators always match) or with junk.
 *
 * H1 is try-and-increment (x = SHA-256(domain ‖ digest ‖ counter) until x is on the curve): RFC 9380's
 * hash-to-curve in JavaScript costs ~0.5 ms a point against ~20 µs here with libsecp256k1; try-and-increment is
 * not constant-time, which only matters to an observer timing the originator's own node.
 *
 * Point arithmetic uses the `secp256k1` package: its native libsecp256k1 binding (~40 µs a multiplication),
 * or its JavaScript fallback where the binding does not load (same results, slower).
 */
import { createHash, randomBytes } from "node:crypto";
import { bytesToHex, keccak256Bytes } from "../hashing";
import { InvalidArgumentError } from "../errors";

/**
 * The curve, loaded on first use: the native binding is loaded by the threads that compute fingerprints only (a
 * tape row worker that loads it crashes the process when the worker is terminated).
 */
let loaded: Secp256k1 | undefined;
function curve(): Secp256k1 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require("secp256k1") as Secp256k1;
  return loaded;
}

/** The slice of the `secp256k1` package used here (points are 33-byte compressed encodings). */
interface Secp256k1 {
  publicKeyVerify(point: Uint8Array): boolean;
  publicKeyCreate(scalar: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyTweakMul(point: Uint8Array, scalar: Uint8Array, compressed?: boolean): Uint8Array;
  publicKeyCombine(points: Uint8Array[], compressed?: boolean): Uint8Array;
}

/** The order of secp256k1's group. */
const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const HASH_TO_CURVE_DOMAIN = "abs.pledge-h2c.v1";
const PROOF_DOMAIN = "abs.pledge-dleq.v1";
const FINGERPRINT_DOMAIN = "abs.pledge-fingerprint.v1";

/** Largest batch a key service evaluates in one request. */
export const MAX_PLEDGE_BATCH = 5_000;

/** The point H1(digest), 33 bytes compressed. */
export function hashToCurve(digest: Uint8Array): Uint8Array {
  const x = new Uint8Array(33);
  x[0] = 0x02;
  for (let counter = 0; counter < 256; counter += 1) {
    const candidate = createHash("sha256").update(HASH_TO_CURVE_DOMAIN).update(digest).update(Uint8Array.of(counter));
    x.set(candidate.digest(), 1);
    if (curve().publicKeyVerify(x)) return x;
  }
  // Each try succeeds with probability ~1/2: 256 failures do not happen.
  throw new Error("hashToCurve: no point found in 256 tries");
}

/** A key service's key pair: the secret scalar and K = k·G (33 bytes compressed). */
export interface PledgeKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A new random key pair. */
export function generatePledgeKey(): PledgeKeyPair {
  return pledgeKeyFromSecret(randomScalar());
}

/** The key pair of a 32-byte secret (a scalar in [1, n-1]). */
export function pledgeKeyFromSecret(secretKey: Uint8Array): PledgeKeyPair {
  const k = scalarOf(secretKey, "secretKey");
  return { secretKey: bytesOf(k), publicKey: curve().publicKeyCreate(bytesOf(k), true) };
}

/** The originator's side of one batch: the points to send, and the blinds it keeps. */
export interface BlindedBatch {
  readonly digests: readonly Uint8Array[];
  readonly blinds: readonly bigint[];
  /** B_i = r_i·H1(digest_i), 33 bytes each: what the key service sees. */
  readonly blinded: readonly Uint8Array[];
}

export function blindPledgeIdentities(digests: readonly Uint8Array[]): BlindedBatch {
  const blinds: bigint[] = [];
  const blinded: Uint8Array[] = [];
  for (const digest of digests) {
    const r = randomScalar();
    blinds.push(scalarToBigint(r));
    blinded.push(curve().publicKeyTweakMul(hashToCurve(digest), r, true));
  }
  return { digests, blinds, blinded };
}

/** The key service's answer: E_i = k·B_i and a proof (c ‖ s, 64 bytes) that one k made them all and K. */
export interface EvaluatedBatch {
  readonly evaluated: readonly Uint8Array[];
  readonly proof: Uint8Array;
}

/**
 * The key service's evaluation of a batch. Throws InvalidArgumentError naming the first point that is not a
 * valid compressed secp256k1 point (33 bytes).
 */
export function evaluatePledgeBatch(key: PledgeKeyPair, blinded: readonly Uint8Array[]): EvaluatedBatch {
  if (blinded.length === 0 || blinded.length > MAX_PLEDGE_BATCH) {
    throw new InvalidArgumentError("blinded", `1 to ${MAX_PLEDGE_BATCH} points`, `${blinded.length} points`);
  }
  blinded.forEach((point, index) => requirePoint(point, `blinded[${index}]`));
  const evaluated = blinded.map((point) => curve().publicKeyTweakMul(point, key.secretKey, true));
  const { seed, m, z } = composites(key.publicKey, blinded, evaluated);
  const t = randomScalar();
  const c = challenge(seed, m, z, curve().publicKeyCreate(t, true), curve().publicKeyTweakMul(m, t, true));
  const s = mod(scalarToBigint(t) - c * scalarToBigint(key.secretKey));
  const proof = new Uint8Array(64);
  proof.set(bytesOf(c), 0);
  proof.set(bytesOf(s), 32);
  return { evaluated, proof };
}

/**
 * The originator's last step: check the key service's proof against its published key, then unblind each point
 * into the loan's fingerprint (0x + 64 hex, in the batch's order). Throws InvalidArgumentError when an answer
 * is malformed or the proof does not hold (the key service used another key, or answered junk).
 */
export function finalizePledgeFingerprints(
  batch: BlindedBatch,
  answer: EvaluatedBatch,
  publicKey: Uint8Array,
): string[] {
  requirePoint(publicKey, "publicKey");
  if (answer.evaluated.length !== batch.blinded.length) {
    throw new InvalidArgumentError(
      "evaluated",
      `${batch.blinded.length} points, one per blinded point`,
      `${answer.evaluated.length}`,
    );
  }
  answer.evaluated.forEach((point, index) => requirePoint(point, `evaluated[${index}]`));
  if (answer.proof.length !== 64) throw new InvalidArgumentError("proof", "64 bytes (c ‖ s)", `${answer.proof.length}`);
  const c = scalarToBigint(answer.proof.subarray(0, 32));
  const s = scalarToBigint(answer.proof.subarray(32, 64));
  const { seed, m, z } = composites(publicKey, batch.blinded, answer.evaluated);
  // A1 = s·G + c·K and A2 = s·M + c·Z, which equal t·G and t·M when the proof is honest.
  const a1 = addPoints(mulBase(s), mulPoint(publicKey, c));
  const a2 = addPoints(mulPoint(m, s), mulPoint(z, c));
  if (a1 === undefined || a2 === undefined || challenge(seed, m, z, a1, a2) !== c) {
    throw new InvalidArgumentError(
      "proof",
      "a proof that the key service evaluated with the consortium's published pledge key",
      "a proof that does not verify",
    );
  }
  const inverses = invertAll(batch.blinds);
  return answer.evaluated.map((point, index) => {
    const unblinded = curve().publicKeyTweakMul(point, bytesOf(inverses[index] ?? 0n), true);
    const digest = batch.digests[index] ?? new Uint8Array(32);
    return bytesToHex(keccak256Bytes(Buffer.concat([Buffer.from(FINGERPRINT_DOMAIN), digest, unblinded])));
  });
}

// ------------------------------------------------------------------ the batched DLEQ proof

/** M = Σ d_i·B_i and Z = Σ d_i·E_i, with d_i bound to the whole transcript (so Z = k·M iff every E_i = k·B_i). */
function composites(
  publicKey: Uint8Array,
  blinded: readonly Uint8Array[],
  evaluated: readonly Uint8Array[],
): { seed: Buffer; m: Uint8Array; z: Uint8Array } {
  const transcript = createHash("sha256").update(PROOF_DOMAIN).update(publicKey);
  for (const point of blinded) transcript.update(point);
  for (const point of evaluated) transcript.update(point);
  const seed = transcript.digest();
  const ms: Uint8Array[] = [];
  const zs: Uint8Array[] = [];
  blinded.forEach((point, index) => {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(index);
    const d = mod(scalarToBigint(createHash("sha256").update(seed).update(counter).digest()));
    const scalar = bytesOf(d === 0n ? 1n : d);
    ms.push(curve().publicKeyTweakMul(point, scalar, true));
    zs.push(curve().publicKeyTweakMul(evaluated[index] ?? point, scalar, true));
  });
  return { seed, m: curve().publicKeyCombine(ms, true), z: curve().publicKeyCombine(zs, true) };
}

function challenge(seed: Uint8Array, m: Uint8Array, z: Uint8Array, a1: Uint8Array, a2: Uint8Array): bigint {
  return mod(scalarToBigint(createHash("sha256").update(seed).update(m).update(z).update(a1).update(a2).digest()));
}

// ------------------------------------------------------------------ scalars and points

function requirePoint(point: Uint8Array, name: string): void {
  if (point.length !== 33 || !curve().publicKeyVerify(point)) {
    throw new InvalidArgumentError(name, "a compressed secp256k1 point (33 bytes)", `${point.length} bytes`);
  }
}

function randomScalar(): Uint8Array {
  for (;;) {
    const candidate = randomBytes(32);
    const value = scalarToBigint(candidate);
    if (value > 0n && value < ORDER) return candidate;
  }
}

function scalarOf(bytes: Uint8Array, name: string): bigint {
  const value = bytes.length === 32 ? scalarToBigint(bytes) : 0n;
  if (value === 0n || value >= ORDER)
    throw new InvalidArgumentError(name, "32 bytes, a scalar in [1, n-1]", "another value");
  return value;
}

function scalarToBigint(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString("hex") || "0"}`);
}

function bytesOf(value: bigint): Uint8Array {
  return Buffer.from(value.toString(16).padStart(64, "0"), "hex");
}

function mod(value: bigint): bigint {
  const r = value % ORDER;
  return r < 0n ? r + ORDER : r;
}

function modPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % ORDER;
    b = (b * b) % ORDER;
    e >>= 1n;
  }
  return result;
}

/** Every scalar's inverse mod n with one exponentiation (Montgomery's trick); the scalars are non-zero. */
function invertAll(scalars: readonly bigint[]): bigint[] {
  const prefix: bigint[] = [];
  let product = 1n;
  for (const scalar of scalars) {
    prefix.push(product);
    product = (product * scalar) % ORDER;
  }
  let inverse = modPow(product, ORDER - 2n);
  const inverses = new Array<bigint>(scalars.length);
  for (let i = scalars.length - 1; i >= 0; i -= 1) {
    inverses[i] = (inverse * (prefix[i] ?? 1n)) % ORDER;
    inverse = (inverse * (scalars[i] ?? 1n)) % ORDER;
  }
  return inverses;
}

/** s·G, or undefined for s = 0 (the point at infinity has no encoding). */
function mulBase(s: bigint): Uint8Array | undefined {
  return s === 0n ? undefined : curve().publicKeyCreate(bytesOf(s), true);
}

function mulPoint(point: Uint8Array, scalar: bigint): Uint8Array | undefined {
  return scalar === 0n ? undefined : curve().publicKeyTweakMul(point, bytesOf(scalar), true);
}

/** a + b, or undefined when either is missing or they sum to the point at infinity. */
function addPoints(a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array | undefined {
  if (a === undefined || b === undefined) return undefined;
  try {
    return curve().publicKeyCombine([a, b], true);
  } catch {
    return undefined;
  }
}

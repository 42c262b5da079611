/**
 * Signed peer requests between member nodes.
 *
 * A request is signed with EIP-712 typed data by the caller's registered on-chain key. EIP-712 rather
 * than EIP-191 `personal_sign` because (1) the domain binds every signature to one consortium (chain id
 * and registry address), so a signature made for a test network or another consortium never verifies
 * here; (2) every field is typed, so there is no ambiguity in how a string is concatenated; (3) wallets
 * and HSM front-ends can show the fields to a human before signing.
 *
 * The signed message (`PeerRequest`) covers the HTTP method, the path with its query string exactly as
 * sent, the SHA-256 of the raw body bytes (of the empty string when there is no body), the timestamp in
 * milliseconds, a 32-byte random nonce, the caller's address and the member id of the node it is meant
 * for. It travels in five headers (`x-abs-*`). The verifier checks, in order: the headers parse, the
 * target is this node, the timestamp is within the window (either side of the node's clock), and the
 * signature recovers to the claimed caller. Replay (nonce) and membership checks come after, elsewhere.
 */
import {
  type TypedDataDomain,
  type TypedDataField,
  encodeBytes32String,
  getAddress,
  hexlify,
  randomBytes,
  sha256,
  toUtf8Bytes,
  verifyTypedData,
} from "ethers";
import { z } from "zod";
import { PeerAuthError } from "./errors";

/** Header names, lower case (Node lower-cases incoming header names). */
export const PEER_HEADERS = {
  caller: "x-abs-caller",
  timestamp: "x-abs-timestamp",
  nonce: "x-abs-nonce",
  target: "x-abs-target",
  signature: "x-abs-signature",
} as const;

/** Default allowed clock distance between caller and node, either side: 60 seconds. */
export const DEFAULT_WINDOW_MS = 60_000;

export const PEER_REQUEST_DOMAIN_NAME = "ABS Consortium Peer Request";
export const PEER_REQUEST_DOMAIN_VERSION = "1";

export const PEER_REQUEST_TYPES: Record<string, TypedDataField[]> = {
  PeerRequest: [
    { name: "method", type: "string" },
    { name: "path", type: "string" },
    { name: "bodySha256", type: "bytes32" },
    { name: "timestampMs", type: "uint64" },
    { name: "nonce", type: "bytes32" },
    { name: "caller", type: "address" },
    { name: "target", type: "bytes32" },
  ],
};

/** Which consortium a signature belongs to: the chain and its ConsortiumRegistry. */
export interface PeerDomain {
  readonly chainId: bigint;
  readonly registry: string;
}

/** The EIP-712 domain of peer requests in consortium `domain`. */
export function peerTypedDataDomain(domain: PeerDomain): TypedDataDomain {
  return {
    name: PEER_REQUEST_DOMAIN_NAME,
    version: PEER_REQUEST_DOMAIN_VERSION,
    chainId: domain.chainId,
    verifyingContract: getAddress(domain.registry),
  };
}

/** The parts of an HTTP request that a signature covers (besides the headers it travels in). */
export interface PeerRequest {
  /** HTTP method; compared upper-case. */
  readonly method: string;
  /** Path with query string exactly as sent, e.g. `/v1/whoami` (`req.originalUrl` on the server). */
  readonly path: string;
  /** Raw body bytes (or a string, taken as UTF-8); absent or empty for none. */
  readonly body?: Uint8Array | string | undefined;
}

/** The headers a signed request carries. */
export type PeerRequestHeaders = Record<(typeof PEER_HEADERS)[keyof typeof PEER_HEADERS], string>;

/** What signs: an ethers Wallet or any Signer with EIP-712 support. The key never leaves it. */
export interface TypedDataSigner {
  getAddress(): Promise<string>;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

export interface SignOptions {
  readonly domain: PeerDomain;
  /** Member id (as registered, e.g. "ORIG-HUAXIA-CF") of the node the request is for. */
  readonly target: string;
  /** Clock, ms since the epoch. Default: `Date.now()`. */
  readonly now?: number;
  /** 32-byte hex nonce. Default: fresh random bytes. Only tests should pass one. */
  readonly nonce?: string;
}

/** SHA-256 of a body (empty when absent), as 0x-hex. */
export function bodySha256(body: Uint8Array | string | undefined): string {
  if (body === undefined) return sha256(new Uint8Array());
  return sha256(typeof body === "string" ? toUtf8Bytes(body) : body);
}

function typedValue(
  request: PeerRequest,
  fields: { timestampMs: number; nonce: string; caller: string; target: string },
): Record<string, unknown> {
  return {
    method: request.method.toUpperCase(),
    path: request.path,
    bodySha256: bodySha256(request.body),
    timestampMs: BigInt(fields.timestampMs),
    nonce: fields.nonce,
    caller: fields.caller,
    target: encodeBytes32String(fields.target),
  };
}

/** Sign `request` for the node of member `options.target`; returns the headers to send with it. */
export async function signRequest(
  signer: TypedDataSigner,
  request: PeerRequest,
  options: SignOptions,
): Promise<PeerRequestHeaders> {
  const caller = getAddress(await signer.getAddress());
  const timestampMs = options.now ?? Date.now();
  const nonce = options.nonce ?? hexlify(randomBytes(32));
  const value = typedValue(request, { timestampMs, nonce, caller, target: options.target });
  const signature = await signer.signTypedData(peerTypedDataDomain(options.domain), PEER_REQUEST_TYPES, value);
  return {
    [PEER_HEADERS.caller]: caller,
    [PEER_HEADERS.timestamp]: String(timestampMs),
    [PEER_HEADERS.nonce]: nonce,
    [PEER_HEADERS.target]: options.target,
    [PEER_HEADERS.signature]: signature,
  };
}

const single = (inner: z.ZodString) => z.preprocess((v) => (Array.isArray(v) ? (v.length === 1 ? v[0] : v) : v), inner);

const headersSchema = z.object({
  [PEER_HEADERS.caller]: single(z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address")),
  [PEER_HEADERS.timestamp]: single(z.string().regex(/^\d{1,15}$/, "expected milliseconds since the epoch")),
  [PEER_HEADERS.nonce]: single(z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte hex nonce")),
  [PEER_HEADERS.target]: single(
    z.string().regex(/^[\x21-\x7e]{1,31}$/, "expected a member id of 1-31 printable ASCII characters"),
  ),
  [PEER_HEADERS.signature]: single(
    z.string().regex(/^0x[0-9a-fA-F]{130}$/, "expected a 0x-prefixed 65-byte signature"),
  ),
});

export interface VerifyPolicy {
  readonly domain: PeerDomain;
  /** This node's member id: requests signed for another node are refused. */
  readonly target: string;
  /** Allowed |now - timestamp|, ms. Default `DEFAULT_WINDOW_MS`. */
  readonly windowMs?: number;
}

/** A request whose signature checked out; membership and replay are not checked yet. */
export interface VerifiedRequest {
  /** Checksummed address of the key that signed. */
  readonly caller: string;
  readonly nonce: string;
  readonly timestampMs: number;
}

/**
 * Verify the signature headers of `request` at time `now` (ms). Returns the recovered caller, or throws
 * a `PeerAuthError`: PEER_AUTH_MALFORMED, PEER_AUTH_WRONG_TARGET, PEER_AUTH_EXPIRED, PEER_AUTH_FORGED.
 */
export function verifyRequest(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  request: PeerRequest,
  now: number,
  policy: VerifyPolicy,
): VerifiedRequest {
  const parsed = headersSchema.safeParse(headers);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? "headers");
      return i.code === "invalid_type" ? `${name}: missing` : `${name}: ${i.message}`;
    });
    throw new PeerAuthError("PEER_AUTH_MALFORMED", `malformed peer request headers: ${problems.join("; ")}`);
  }
  const h = parsed.data;
  const target = h[PEER_HEADERS.target];
  if (target !== policy.target) {
    throw new PeerAuthError(
      "PEER_AUTH_WRONG_TARGET",
      `request was signed for member "${target}", expected this node's member "${policy.target}"`,
    );
  }
  const timestampMs = Number(h[PEER_HEADERS.timestamp]);
  const windowMs = policy.windowMs ?? DEFAULT_WINDOW_MS;
  const skew = now - timestampMs;
  if (Math.abs(skew) > windowMs) {
    throw new PeerAuthError(
      "PEER_AUTH_EXPIRED",
      `request timestamp is ${Math.abs(skew)} ms in the ${skew > 0 ? "past" : "future"}; ` +
        `expected within ${windowMs} ms of the node's clock`,
    );
  }
  const caller = getAddress(h[PEER_HEADERS.caller].toLowerCase());
  const nonce = h[PEER_HEADERS.nonce].toLowerCase();
  const value = typedValue(request, { timestampMs, nonce, caller, target });
  let recovered: string;
  try {
    recovered = verifyTypedData(
      peerTypedDataDomain(policy.domain),
      PEER_REQUEST_TYPES,
      value,
      h[PEER_HEADERS.signature],
    );
  } catch (cause) {
    throw new PeerAuthError("PEER_AUTH_FORGED", "signature is not a valid secp256k1 signature", { cause });
  }
  if (recovered !== caller) {
    throw new PeerAuthError(
      "PEER_AUTH_FORGED",
      "signature does not match the request and the claimed caller (request altered, or signed by another key)",
    );
  }
  return { caller, nonce, timestampMs };
}

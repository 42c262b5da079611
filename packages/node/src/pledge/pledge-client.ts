/**
 * The originator's side of the pledge registry: the pool's policy, the consortium fingerprints of a tape's loans
 * (through the key service, each batch's proof checked against the key published on chain), which of them are
 * pledged elsewhere, and the registration calls.
 */
import { Contract, Interface, type JsonRpcProvider, getAddress, hexlify } from "ethers";
import {
  MAX_PLEDGE_BATCH,
  type EvaluatedBatch,
  InvalidArgumentError,
  blindPledgeIdentities,
  finalizePledgeFingerprints,
} from "@abs/core";
import { z } from "zod";
import { loanIdPattern } from "../app";
import { type ChainBridge, type ChainCall } from "../chain/bridge";
import { NodeError, PeerRecordError } from "../errors";
import { type PeerTarget, signedGet, signedPost } from "../peer-client";
import { PLEDGE_EVALUATE_PATH } from "./pledge-key-router";
import { loanPledgePath, pledgeLookupPath } from "./pledge-lookup-router";

export const PLEDGE_REGISTRY_ABI = [
  "function policyOf(address pool) view returns (uint8)",
  "function pledgesOf(bytes32[] fingerprints) view returns (address[])",
  "function fingerprintKey() view returns (bytes publicKey, address keyService)",
  "function register(address pool, bytes32[] fingerprints) returns (uint256 added, uint256 alerts)",
  "function publishFingerprintKey(bytes publicKey)",
] as const;
const REGISTRY = new Interface(PLEDGE_REGISTRY_ABI);

/** `IPledgeRegistry.PledgePolicy`, by value. */
export const PLEDGE_POLICIES = ["None", "Alert", "Refuse"] as const;
export type PledgePolicyName = (typeof PLEDGE_POLICIES)[number];

/** Fingerprints per registration transaction: ~25k gas each, well inside a 30M block. */
export const FINGERPRINTS_PER_REGISTRATION = 400;
/** Fingerprints per `pledgesOf` read. */
const FINGERPRINTS_PER_READ = 2_000;

const hexPoint = z.string().regex(/^0x0[23][0-9a-fA-F]{64}$/);
const evaluateAnswer = z.object({
  evaluated: z.array(hexPoint).max(MAX_PLEDGE_BATCH),
  proof: z.string().regex(/^0x[0-9a-fA-F]{128}$/),
});

export interface PledgeClientDeps {
  readonly registry: string;
  readonly provider: JsonRpcProvider;
  readonly bridge: ChainBridge;
  /** The key service's node; absent when this node has none configured. */
  readonly keyService?: PeerTarget;
}

export class PledgeClient {
  private readonly contract: Contract;

  constructor(private readonly deps: PledgeClientDeps) {
    this.contract = new Contract(deps.registry, PLEDGE_REGISTRY_ABI, deps.provider);
  }

  async policyOf(pool: string): Promise<PledgePolicyName> {
    const value = Number(
      await this.deps.bridge.rpc("pledges.policyOf", () => this.contract.getFunction("policyOf").staticCall(pool)),
    );
    return PLEDGE_POLICIES[value] ?? "None";
  }

  /** Refuses (before anything is read or stored) when the pool registers pledges and this node cannot fingerprint. */
  async requireFingerprinting(pool: string): Promise<void> {
    if (this.deps.keyService === undefined) {
      throw new NodeError(
        "PLEDGE_SERVICE_UNAVAILABLE",
        `pool ${pool} registers pledges: expected this node to be configured with the pledge key service (ABS_NODE_PLEDGE_SERVICE_URL and ABS_NODE_PLEDGE_SERVICE_MEMBER), found none`,
      );
    }
    await this.publishedKey();
  }

  /** The consortium fingerprint of each digest, in order (batches of MAX_PLEDGE_BATCH to the key service). */
  async fingerprints(pool: string, digests: readonly Uint8Array[]): Promise<string[]> {
    const service = this.deps.keyService;
    if (service === undefined) throw new Error("requireFingerprinting first");
    const publicKey = await this.publishedKey();
    const fingerprints: string[] = [];
    for (let start = 0; start < digests.length; start += MAX_PLEDGE_BATCH) {
      const batch = blindPledgeIdentities(digests.slice(start, start + MAX_PLEDGE_BATCH));
      const body = {
        pool,
        blinded: batch.blinded.map((p) => hexlify(p)),
      };
      const raw = await signedPost(service, PLEDGE_EVALUATE_PATH, body, "the pledge fingerprint evaluation");
      const parsed = evaluateAnswer.safeParse(raw);
      if (!parsed.success) {
        throw new PeerRecordError("PEER_RESPONSE_INVALID", "the key service's answer is not { evaluated, proof }");
      }
      const answer: EvaluatedBatch = {
        evaluated: parsed.data.evaluated.map((p) => Buffer.from(p.slice(2), "hex")),
        proof: Buffer.from(parsed.data.proof.slice(2), "hex"),
      };
      try {
        fingerprints.push(...finalizePledgeFingerprints(batch, answer, publicKey));
      } catch (error) {
        if (!(error instanceof InvalidArgumentError)) throw error;
        throw new NodeError(
          "PLEDGE_SERVICE_UNAVAILABLE",
          `the key service's answer does not verify against the pledge key published on chain (${error.message}): nothing stored or anchored`,
          { cause: error },
        );
      }
    }
    return fingerprints;
  }

  /** The pool each fingerprint is pledged to (checksummed), or the zero address. */
  async pledgesOf(fingerprints: readonly string[]): Promise<string[]> {
    const pools: string[] = [];
    for (let start = 0; start < fingerprints.length; start += FINGERPRINTS_PER_READ) {
      const chunk = fingerprints.slice(start, start + FINGERPRINTS_PER_READ);
      const answer = (await this.deps.bridge.rpc("pledges.pledgesOf", () =>
        this.contract.getFunction("pledgesOf").staticCall(chunk),
      )) as string[];
      pools.push(...answer.map((a) => getAddress(a)));
    }
    return pools;
  }

  /** One registration transaction's call. */
  registerCall(pool: string, fingerprints: readonly string[], label: string): ChainCall {
    return { to: this.deps.registry, data: REGISTRY.encodeFunctionData("register", [pool, fingerprints]), label };
  }

  /** The key published on chain, 33 bytes; PLEDGE_SERVICE_UNAVAILABLE while none is. */
  private async publishedKey(): Promise<Uint8Array> {
    const [key] = (await this.deps.bridge.rpc("pledges.fingerprintKey", () =>
      this.contract.getFunction("fingerprintKey").staticCall(),
    )) as [string, string];
    if (key === "0x") {
      throw new NodeError(
        "PLEDGE_SERVICE_UNAVAILABLE",
        `the pledge registry ${this.deps.registry} has no fingerprint key yet: the key service publishes it when its node starts`,
      );
    }
    return Buffer.from(key.slice(2), "hex");
  }
}

const pledgedLoanAnswer = z.object({
  pool: z.string(),
  fingerprint: z.string(),
  loanId: z.string().regex(loanIdPattern),
  version: z.number().int().min(1),
});

/**
 * Which loan of `pool` its originator's node registered under `fingerprint` (a loan-level request: the trustee's or
 * the regulator's key). Throws PEER_REQUEST_REFUSED (404 LOAN_NOT_FOUND: none), PEER_RESPONSE_INVALID.
 */
export async function fetchPledgedLoan(
  target: PeerTarget,
  pool: string,
  fingerprint: string,
): Promise<{ readonly loanId: string; readonly version: number }> {
  const body = await signedGet(target, pledgeLookupPath(pool, fingerprint), `the loan pledged under ${fingerprint}`);
  const parsed = pledgedLoanAnswer.safeParse(body);
  if (
    !parsed.success ||
    parsed.data.pool !== pool.toLowerCase() ||
    parsed.data.fingerprint !== fingerprint.toLowerCase()
  ) {
    throw new PeerRecordError("PEER_RESPONSE_INVALID", "the originator node's pledge answer is not the loan asked for");
  }
  return { loanId: parsed.data.loanId, version: parsed.data.version };
}

const loanPledgeAnswer = z.object({
  pool: z.string(),
  loanId: z.string(),
  fingerprint: z.string().regex(/^0x[0-9a-f]{64}$/),
});

/**
 * The fingerprint `pool`'s originator node registered loan `loanId` under (a loan-level request). Throws
 * PEER_REQUEST_REFUSED (404 LOAN_NOT_FOUND: none), PEER_RESPONSE_INVALID.
 */
export async function fetchLoanPledge(target: PeerTarget, pool: string, loanId: string): Promise<string> {
  const body = await signedGet(target, loanPledgePath(pool, loanId), `loan "${loanId}"'s pledge fingerprint`);
  const parsed = loanPledgeAnswer.safeParse(body);
  if (!parsed.success || parsed.data.pool !== pool.toLowerCase() || parsed.data.loanId !== loanId) {
    throw new PeerRecordError("PEER_RESPONSE_INVALID", "the originator node's answer is not the loan asked for");
  }
  return parsed.data.fingerprint;
}

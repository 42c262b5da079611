/**
 * Receiver side of period loan states: fetch a loan's state in a period (or a whole period) from the servicer's
 * node and accept it only if it verifies against the loan-state root of the period's report ANCHORED ON CHAIN
 * (`IAssetPool.report(period).loanStateRoot`), never the root the node serves.
 *
 * One loan (`fetchVerifiedLoanState`): the answer parses (core's `loanStateSchema`), is the loan, pool and period
 * asked for, `loanStateLeaf(state, salt)` equals the served leaf, and the proof leads from it to the anchored
 * root. A whole period (`fetchVerifiedPeriod`): every page, verified together without proofs (`verifyLeafPages`).
 */
import { z } from "zod";
import { type LoanState, loanStateLeaf, loanStateSchema, verifyLoanProof } from "@abs/core";
import { PeerRecordError } from "../errors";
import {
  type AnchoredStateRootReader,
  type PeerTarget,
  type RefusedTapeLoan,
  signedGet,
  verifyLeafPages,
} from "../peer-client";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x followed by 64 hex digits");
const poolAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

const stateAnswer = z.object({
  pool: poolAddress,
  period: z.number().int().min(1),
  loanId: z.string(),
  state: loanStateSchema,
  salt: hex32,
  leafIndex: z.number().int().min(0),
  leaf: hex32,
  proof: z.array(hex32).max(64),
  root: hex32,
});

const statesAnswer = z.object({
  pool: poolAddress,
  period: z.number().int().min(1),
  loanCount: z.number().int().min(1),
  states: z
    .array(z.object({ state: loanStateSchema, salt: hex32, leafIndex: z.number().int().min(0), leaf: hex32 }))
    .max(2_000),
  next: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
});

export interface PeriodRequest extends PeerTarget {
  readonly pool: string;
  readonly period: number;
  readonly chain: AnchoredStateRootReader;
}

/** A loan state accepted after verification against the anchored loan-state root. */
export interface VerifiedLoanState {
  readonly state: LoanState;
  readonly salt: string;
  readonly leaf: string;
  readonly proof: readonly string[];
  /** The on-chain root the proof was checked against. */
  readonly anchoredRoot: string;
}

/**
 * Fetch loan `loanId`'s state in `period` of `pool` and verify it (see the file comment). Throws
 * PEER_REQUEST_REFUSED (with `peerStatus`, `peerCode`), PEER_RESPONSE_INVALID, PEER_RECORD_UNVERIFIED,
 * CHAIN_TAPE_UNAVAILABLE (the period is not reported on chain, or the chain cannot be read).
 */
export async function fetchVerifiedLoanState(
  options: PeriodRequest & { readonly loanId: string },
): Promise<VerifiedLoanState> {
  const { pool, period, loanId } = options;
  const path = `/v1/pools/${pool}/periods/${period}/loans/${encodeURIComponent(loanId)}`;
  const body = await signedGet(options, path, `loan "${loanId}"'s state in period ${period}`);
  const parsed = stateAnswer.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(body)"))];
    throw new PeerRecordError("PEER_RESPONSE_INVALID", `peer's loan state answer is invalid in: ${fields.join(", ")}`);
  }
  const served = parsed.data;
  if (
    served.loanId !== loanId ||
    served.state.loanId !== loanId ||
    served.period !== period ||
    served.state.period !== period ||
    served.pool.toLowerCase() !== pool.toLowerCase()
  ) {
    throw unverified(loanId, period, "the answer is for another loan, pool or period");
  }
  const leaf = loanStateLeaf(served.state, served.salt);
  if (leaf.toLowerCase() !== served.leaf.toLowerCase()) {
    throw unverified(loanId, period, "the state and salt do not hash to the served leaf (state altered)");
  }
  const anchoredRoot = await options.chain.anchoredStateRoot(pool, period);
  if (!verifyLoanProof(anchoredRoot, leaf, served.proof)) {
    throw unverified(
      loanId,
      period,
      `the proof does not lead to the loan-state root anchored on chain for period ${period}`,
    );
  }
  return { state: served.state, salt: served.salt, leaf, proof: served.proof, anchoredRoot };
}

/** A whole period fetched page by page: what `onState` made of each verified state, and the refused ones. */
export interface VerifiedPeriod<T> {
  readonly anchoredRoot: string;
  readonly loanCount: number;
  readonly verified: T[];
  readonly refused: RefusedTapeLoan[];
}

/**
 * Fetch EVERY loan state of `period` of `pool`, page after page, and verify the whole period against the
 * anchored loan-state root (`verifyLeafPages`: an altered state is refused; leaves that do not rebuild the root
 * refuse every state). Throws PEER_REQUEST_REFUSED, PEER_RESPONSE_INVALID, CHAIN_TAPE_UNAVAILABLE.
 */
export async function fetchVerifiedPeriod<T>(
  options: PeriodRequest & { readonly pageSize?: number },
  onState: (state: LoanState) => T,
): Promise<VerifiedPeriod<T>> {
  const { pool, period } = options;
  const anchoredRoot = await options.chain.anchoredStateRoot(pool, period);
  const verified = await verifyLeafPages(
    {
      fetchPage: async (after) => {
        const page = await fetchStatesPage(options, after);
        return { count: page.loanCount, items: page.states, next: page.next };
      },
      idOf: (item) => item.state.loanId,
      servedLeafOf: (item) => item.leaf,
      leafOf: (item) => {
        if (item.state.period !== period) throw new Error("another period");
        return loanStateLeaf(item.state, item.salt);
      },
      what: { items: "loan state pages", set: "period" },
    },
    anchoredRoot,
    (item) => onState(item.state),
  );
  return { anchoredRoot, ...verified };
}

async function fetchStatesPage(
  options: PeriodRequest & { readonly pageSize?: number },
  after: string | undefined,
): Promise<z.output<typeof statesAnswer>> {
  const query = new URLSearchParams({ limit: String(options.pageSize ?? 1_000) });
  if (after !== undefined) query.set("after", after);
  const path = `/v1/pools/${options.pool}/periods/${options.period}/loans?${query.toString()}`;
  const body = await signedGet(options, path, `the loan states of period ${options.period}`);
  const parsed = statesAnswer.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.slice(0, 3).join(".") || "(body)"))];
    throw new PeerRecordError("PEER_RESPONSE_INVALID", `peer's loan states answer is invalid in: ${fields.join(", ")}`);
  }
  const page = parsed.data;
  if (page.period !== options.period || page.pool.toLowerCase() !== options.pool.toLowerCase()) {
    throw new PeerRecordError("PEER_RESPONSE_INVALID", "peer's loan states answer is for another pool or period");
  }
  return page;
}

function unverified(loanId: string, period: number, why: string): PeerRecordError {
  return new PeerRecordError("PEER_RECORD_UNVERIFIED", `loan "${loanId}"'s state in period ${period} refused: ${why}`);
}

/**
 * Loan-level records joined from a live entitled member node (the originator's node, asked by the
 * regulator's or trustee's indexer) over signed peer requests with the caller's registered key.
 *
 * - A whole tape (`joinTapeFromNode`, what the sync uses): its loans page by page (`GET .../loans`, 1,000 a
 *   request), verified together against the root anchored on chain (`fetchVerifiedTape` of @abs/node: each
 *   record must hash to its served leaf, and the served leaves must rebuild the anchored root). Each page
 *   goes straight into compact views; no proofs travel.
 * - Chosen loans (`fetchTapeFromNode`, for the loan ids file's subsets): one request per loan, each accepted
 *   only if its own proof leads to the anchored root.
 * Either way a loan that does not verify is kept as refused, with the reason. A node that refuses the caller
 * loan-level access (an investor's key) is NOT_ENTITLED, not a failure.
 */
import { type Logger } from "pino";
import { type LoanRecord } from "@abs/core";
import {
  PeerRecordError,
  fetchVerifiedPeriod,
  type AnchoredStateRootReader,
  fetchVerifiedLoan,
  fetchVerifiedTape,
  listLoanIds,
  type AnchoredRootReader,
  type PeerDomain,
  type TypedDataSigner,
} from "@abs/node";
import { IndexerError } from "./errors";
import { type LoanBook, nodeLoanView } from "./loans";

/** One loan as the member node answered for it. */
export type NodeLoanOutcome =
  | { loanId: string; status: "verified"; record: LoanRecord }
  | { loanId: string; status: "unverified"; code: string; reason: string };

export interface MemberNodeDeps {
  /** The caller's registered on-chain key (signs each request; never logged). */
  signer: TypedDataSigner;
  domain: PeerDomain;
  /** Reads the anchored root from chain: the node's own root is never trusted. */
  chain: AnchoredRootReader;
  /** Base URL and member id of the originator's node. */
  node: { baseUrl: string; memberId: string };
  logger: Logger;
  /** Default: global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * Fetch and verify `loanIds` of tape `version` of `pool`. Throws IndexerError NOT_ENTITLED when the
 * node refuses this key loan-level access (HTTP 403 PEER_NOT_ENTITLED), RPC_FAILED (retryable) when
 * the node or the chain cannot be reached.
 */
export async function fetchTapeFromNode(
  deps: MemberNodeDeps,
  pool: string,
  version: number,
  loanIds: Iterable<string> | AsyncIterable<string>,
): Promise<NodeLoanOutcome[]> {
  const outcomes: NodeLoanOutcome[] = [];
  for await (const loanId of loanIds) {
    try {
      const verified = await fetchVerifiedLoan({ ...tapeRequest(deps, pool, version), loanId, chain: deps.chain });
      outcomes.push({ loanId, status: "verified", record: verified.record });
    } catch (error) {
      if (!(error instanceof PeerRecordError)) throw error;
      if (error.code === "PEER_REQUEST_REFUSED" && error.peerStatus === 403) throw notEntitled(deps, error);
      if (error.retryable || error.code === "CHAIN_TAPE_UNAVAILABLE") {
        throw new IndexerError("RPC_FAILED", `loan ${loanId}: ${error.message}`, { cause: error, retryable: true });
      }
      outcomes.push({ loanId, status: "unverified", code: error.code, reason: error.message });
    }
  }
  const refused = outcomes.filter((o) => o.status === "unverified").length;
  deps.logger.info(
    { pool: pool.toLowerCase(), version, loans: outcomes.length, refused, node: deps.node.memberId },
    "tape joined from member node",
  );
  return outcomes;
}

/**
 * Join EVERY loan of tape `version` of `pool` into `book`, page by page (`pageSize` loans a signed request),
 * the tape verified as a whole against the root anchored on chain (see the file comment). Throws IndexerError
 * NOT_ENTITLED when the node refuses this key loan-level access, RPC_FAILED (retryable) when the node or the
 * chain cannot be reached or the node answers 5xx, RPC_RESPONSE_INVALID when the node refuses otherwise (e.g.
 * 404: it does not hold the tape) or its pages are malformed. Returns the counts joined.
 */
export async function joinTapeFromNode(
  deps: MemberNodeDeps,
  book: LoanBook,
  pool: string,
  version: number,
  pageSize = 1_000,
): Promise<{ verified: number; refused: number }> {
  let tape;
  try {
    tape = await fetchVerifiedTape({ ...tapeRequest(deps, pool, version), pageSize, chain: deps.chain }, (record) =>
      nodeLoanView(pool, version, record),
    );
  } catch (error) {
    throw pagedRequestError(deps, error, `tape ${version} of pool ${pool.toLowerCase()}`);
  }
  const counts = book.addVerifiedTape(pool, version, tape.verified, tape.refused);
  deps.logger.info(
    { pool: pool.toLowerCase(), version, loans: tape.loanCount, refused: counts.refused, node: deps.node.memberId },
    "tape joined from member node",
  );
  return counts;
}

/**
 * Join EVERY loan state of reported `period` of `pool` from the servicer's node `servicer` into `book`, page by
 * page, verified as a whole against the period's loan-state root anchored on chain (`fetchVerifiedPeriod`): a
 * state that does not hash to its leaf is refused alone, leaves that do not rebuild the root refuse every state.
 * Throws as `joinTapeFromNode` (NOT_ENTITLED, RPC_FAILED, RPC_RESPONSE_INVALID). Returns the counts joined.
 */
export async function joinPeriodFromNode(
  deps: MemberNodeDeps,
  servicer: { baseUrl: string; memberId: string },
  chain: AnchoredStateRootReader,
  book: LoanBook,
  pool: string,
  period: number,
  pageSize = 1_000,
): Promise<{ verified: number; refused: number }> {
  const servicerDeps = { ...deps, node: servicer };
  let joined;
  try {
    joined = await fetchVerifiedPeriod(
      {
        signer: deps.signer,
        baseUrl: servicer.baseUrl,
        domain: deps.domain,
        target: servicer.memberId,
        pool,
        period,
        pageSize,
        chain,
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      },
      (state) => state,
    );
  } catch (error) {
    throw pagedRequestError(servicerDeps, error, `period ${period} of pool ${pool.toLowerCase()}`);
  }
  const counts = book.addPeriod(pool, period, joined.anchoredRoot, joined.verified, joined.refused);
  deps.logger.info(
    { pool: pool.toLowerCase(), period, states: joined.loanCount, refused: counts.refused, node: servicer.memberId },
    "period loan states joined from the servicer's node",
  );
  return counts;
}

/**
 * The loan ids of tape `version` of `pool`, discovered from the member node (its paged, loan-level
 * `GET .../loan-ids`, one signed request per page). Each id is then fetched and verified on its own: the
 * listing is only what to ask for. Throws (while iterating) IndexerError NOT_ENTITLED when the node refuses
 * this key loan-level access, RPC_FAILED (retryable) when the node cannot be reached or answers 5xx, and
 * RPC_RESPONSE_INVALID when it refuses otherwise or its pages are malformed.
 */
export async function* discoverLoanIds(
  deps: MemberNodeDeps,
  pool: string,
  version: number,
  pageSize = 1_000,
): AsyncGenerator<string, void, undefined> {
  try {
    yield* listLoanIds({ ...tapeRequest(deps, pool, version), pageSize });
  } catch (error) {
    throw pagedRequestError(deps, error, `loan ids of tape ${version} of pool ${pool.toLowerCase()}`);
  }
}

/** The fields of a signed request about tape `version` of `pool` to the member node. */
function tapeRequest(deps: MemberNodeDeps, pool: string, version: number) {
  return {
    signer: deps.signer,
    baseUrl: deps.node.baseUrl,
    domain: deps.domain,
    target: deps.node.memberId,
    pool,
    version,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  };
}

/**
 * A paged request's failure as the indexer reports it: NOT_ENTITLED for a 403, RPC_FAILED (retryable) when the
 * node cannot be reached, answers 5xx or the chain's tape is not readable yet, else RPC_RESPONSE_INVALID.
 */
function pagedRequestError(deps: MemberNodeDeps, error: unknown, what: string): unknown {
  if (!(error instanceof PeerRecordError)) return error;
  if (error.code === "PEER_REQUEST_REFUSED" && error.peerStatus === 403) return notEntitled(deps, error);
  const message = `${what}: ${error.message}`;
  if (error.retryable || error.code === "CHAIN_TAPE_UNAVAILABLE") {
    return new IndexerError("RPC_FAILED", message, { cause: error, retryable: true });
  }
  return new IndexerError("RPC_RESPONSE_INVALID", message, { cause: error });
}

function notEntitled(deps: MemberNodeDeps, error: PeerRecordError): IndexerError {
  return new IndexerError(
    "NOT_ENTITLED",
    `member node ${deps.node.memberId} refuses this key loan-level records (${error.peerCode ?? "403"}): aggregates only`,
  );
}

/**
 * Receiver side of loan-level sharing: fetch one loan from the originator's node and accept it only if it
 * verifies against the tape root ANCHORED ON CHAIN.
 *
 * Checks, in order: the answer is 200 and parses (zod, the record with core's full loan-record schema);
 * it is the loan, pool and version asked for; `loanLeaf(record, salt)` equals the served leaf; the proof
 * leads from that leaf to `IAssetPool.tape(version).anchor.merkleRoot` as read through `chain`. The root
 * the peer serves is never trusted: a peer that alters a record, a salt or a proof (or serves another
 * tree altogether) fails the last two checks with PEER_RECORD_UNVERIFIED.
 */
import { Contract, type ContractRunner, ZeroHash } from "ethers";
import { z } from "zod";
import { LoanTreeBuilder, type LoanRecord, loanLeaf, loanRecordSchema, verifyLoanProof } from "@abs/core";
import { PeerRecordError } from "./errors";
import { type PeerDomain, type TypedDataSigner, signRequest } from "./request-signing";

/** Reads the anchored Merkle root of a pool's tape version from chain. */
export interface AnchoredRootReader {
  /** `IAssetPool(pool).tape(version).anchor.merkleRoot`; throws CHAIN_TAPE_UNAVAILABLE if unreadable. */
  anchoredRoot(pool: string, version: number): Promise<string>;
}

/** Reads the loan-state root of a pool's period report from chain. */
export interface AnchoredStateRootReader {
  /** `IAssetPool(pool).report(period).loanStateRoot`; throws CHAIN_TAPE_UNAVAILABLE if unreadable or unreported. */
  anchoredStateRoot(pool: string, period: number): Promise<string>;
}

/** The slice of the IAssetPool ABI the reader uses. */
export const ASSET_POOL_TAPE_ABI = [
  "function tape(uint32 version) view returns (tuple(tuple(bytes32 merkleRoot, uint64 loanCount, uint256 totalPrincipalCents, uint64 waRateWad, uint128 waRemainingTermMonthsWad, uint64 cutoffDate, bytes32 contentHash, string dataUri) anchor, tuple(uint8 kind, uint64 loansAdded, uint64 loansRemoved, uint256 principalAddedCents, uint256 principalRemovedCents, bytes32 changeSetRoot) change, address anchoredBy, uint64 anchoredAt))",
] as const;

const ASSET_POOL_REPORT_ROOT_ABI = [
  "function lastPeriod() view returns (uint32)",
  "function report(uint32 period) view returns ((uint32 period, uint64 startDate, uint64 endDate, uint256 interestCollectedCents, uint256 scheduledPrincipalCents, uint256 prepaymentCents, uint256 recoveryCents, uint256 newDefaultsCents, uint256 delinquent30Cents, uint256 delinquent60Cents, uint256 delinquent90PlusCents, uint256 endingBalanceCents, uint64 loanCount, bytes32 loanStateRoot, bytes32 contentHash))",
] as const;

/**
 * `AnchoredRootReader` and `AnchoredStateRootReader` over JSON-RPC: one `eth_call` of `tape(version)` (or
 * `report(period)`) per request (no caching).
 */
export class AssetPoolRootReader implements AnchoredRootReader, AnchoredStateRootReader {
  constructor(private readonly runner: ContractRunner) {}

  async anchoredRoot(pool: string, version: number): Promise<string> {
    let root: string;
    try {
      const fn = new Contract(pool, ASSET_POOL_TAPE_ABI, this.runner).getFunction("tape");
      const tape = (await fn.staticCall(version)) as { anchor: { merkleRoot: string } };
      root = tape.anchor.merkleRoot;
    } catch (cause) {
      throw new PeerRecordError(
        "CHAIN_TAPE_UNAVAILABLE",
        `could not read tape version ${version} of pool ${pool} from chain (RPC down, or no such tape)`,
        { cause, retryable: true },
      );
    }
    if (root === ZeroHash) {
      throw new PeerRecordError("CHAIN_TAPE_UNAVAILABLE", `tape version ${version} of pool ${pool} has no root`);
    }
    return root;
  }

  async anchoredStateRoot(pool: string, period: number): Promise<string> {
    const contract = new Contract(pool, ASSET_POOL_REPORT_ROOT_ABI, this.runner);
    let last: number;
    let root: string;
    try {
      last = Number(await contract.getFunction("lastPeriod").staticCall());
      root =
        period > last
          ? ZeroHash
          : ((await contract.getFunction("report").staticCall(period)) as { loanStateRoot: string }).loanStateRoot;
    } catch (cause) {
      throw new PeerRecordError(
        "CHAIN_TAPE_UNAVAILABLE",
        `could not read period ${period}'s report of pool ${pool} from chain (RPC down, or no such pool)`,
        { cause, retryable: true },
      );
    }
    if (root === ZeroHash) {
      throw new PeerRecordError(
        "CHAIN_TAPE_UNAVAILABLE",
        `period ${period} of pool ${pool} is not reported on chain (last reported: ${last})`,
      );
    }
    return root;
  }
}

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x followed by 64 hex digits");

const loanAnswer = z.object({
  pool: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  version: z.number().int().min(1),
  loanId: z.string(),
  record: loanRecordSchema,
  salt: hex32,
  leafIndex: z.number().int().min(0),
  leaf: hex32,
  proof: z.array(hex32).max(64),
  root: hex32,
});

const errorAnswer = z.object({ error: z.object({ code: z.string().max(64), message: z.string().max(1_000) }) });

export interface FetchVerifiedLoanOptions {
  /** The receiver's registered key (signs the request). */
  readonly signer: TypedDataSigner;
  /** Base URL of the originator's node, e.g. http://127.0.0.1:8700 */
  readonly baseUrl: string;
  readonly domain: PeerDomain;
  /** Member id of the originator's node. */
  readonly target: string;
  readonly pool: string;
  readonly version: number;
  readonly loanId: string;
  readonly chain: AnchoredRootReader;
  /** Default: global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** A loan accepted after verification against the anchored root. */
export interface VerifiedLoan {
  readonly record: LoanRecord;
  readonly leaf: string;
  /** The on-chain root the proof was checked against. */
  readonly anchoredRoot: string;
}

/**
 * Fetch loan `loanId` of tape `version` of `pool` and verify it (see the file comment). Throws
 * PEER_REQUEST_REFUSED (with `peerStatus`, `peerCode`), PEER_RESPONSE_INVALID, PEER_RECORD_UNVERIFIED,
 * CHAIN_TAPE_UNAVAILABLE.
 */
export async function fetchVerifiedLoan(options: FetchVerifiedLoanOptions): Promise<VerifiedLoan> {
  const { pool, version, loanId } = options;
  const path = `/v1/pools/${pool}/tapes/${version}/loans/${encodeURIComponent(loanId)}`;
  const body = await signedGet(options, path, `loan "${loanId}"`);
  const parsed = loanAnswer.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".") || "(body)"))];
    throw new PeerRecordError("PEER_RESPONSE_INVALID", `peer's loan answer is invalid in: ${fields.join(", ")}`);
  }
  const served = parsed.data;
  if (
    served.loanId !== loanId ||
    served.record.loanId !== loanId ||
    served.version !== version ||
    served.pool.toLowerCase() !== pool.toLowerCase()
  ) {
    throw unverified(loanId, "the answer is for another loan, pool or tape version");
  }
  let leaf: string;
  try {
    leaf = loanLeaf(served.record, served.salt);
  } catch (cause) {
    throw unverified(loanId, "its leaf cannot be computed", cause);
  }
  if (leaf.toLowerCase() !== served.leaf.toLowerCase()) {
    throw unverified(loanId, "the record and salt do not hash to the served leaf (record altered)");
  }
  const anchoredRoot = await options.chain.anchoredRoot(pool, version);
  if (!verifyLoanProof(anchoredRoot, leaf, served.proof)) {
    throw unverified(loanId, `the proof does not lead to the root anchored on chain for tape ${version}`);
  }
  return { record: served.record, leaf, anchoredRoot };
}

/** Where and as whom a signed peer request is sent. */
export interface PeerTarget {
  readonly signer: TypedDataSigner;
  readonly baseUrl: string;
  readonly domain: PeerDomain;
  /** Member id of the node asked. */
  readonly target: string;
  /** Default: global `fetch`. */
  readonly fetch?: typeof fetch;
}

/**
 * GET `path` from the peer with a signed request; the parsed JSON of a 200 answer. Throws PEER_REQUEST_REFUSED
 * (unreachable: retryable; non-200: with `peerStatus`, `peerCode`), PEER_RESPONSE_INVALID (not JSON).
 */
export async function signedGet(options: PeerTarget, path: string, what: string): Promise<unknown> {
  return signedFetch(options, { method: "GET", path }, what);
}

/** POST `body` (JSON) to `path` with a signed request; as `signedGet` otherwise. */
export async function signedPost(options: PeerTarget, path: string, body: unknown, what: string): Promise<unknown> {
  return signedFetch(options, { method: "POST", path, body: JSON.stringify(body) }, what);
}

async function signedFetch(
  options: PeerTarget,
  request: { readonly method: "GET" | "POST"; readonly path: string; readonly body?: string },
  what: string,
): Promise<unknown> {
  const { path } = request;
  const headers = await signRequest(options.signer, request, { domain: options.domain, target: options.target });
  const doFetch = options.fetch ?? fetch;
  let status: number;
  let text: string;
  try {
    const res = await doFetch(options.baseUrl.replace(/\/$/, "") + path, {
      method: request.method,
      headers: request.body === undefined ? headers : { ...headers, "content-type": "application/json" },
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    status = res.status;
    text = await res.text();
  } catch (cause) {
    throw new PeerRecordError("PEER_REQUEST_REFUSED", `could not reach the peer node at ${options.baseUrl}`, {
      cause,
      retryable: true,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new PeerRecordError("PEER_RESPONSE_INVALID", `peer answered ${status} with a body that is not JSON`, {
      cause,
    });
  }
  if (status !== 200) {
    const refusal = errorAnswer.safeParse(body);
    const peerCode = refusal.success ? refusal.data.error.code : undefined;
    throw new PeerRecordError(
      "PEER_REQUEST_REFUSED",
      `peer refused ${what}: HTTP ${status}${peerCode ? ` ${peerCode}` : ""}`,
      { peerStatus: status, ...(peerCode === undefined ? {} : { peerCode }), retryable: status >= 500 },
    );
  }
  return body;
}

const loanIdsAnswer = z.object({
  pool: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  version: z.number().int().min(1),
  loanCount: z.number().int().min(1),
  loanIds: z.array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/)).max(10_000),
  next: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
});
export type LoanIdsAnswer = z.infer<typeof loanIdsAnswer>;

export interface ListLoanIdsOptions extends PeerTarget {
  readonly pool: string;
  readonly version: number;
  /** Ids per request (the node allows 1 to 10,000). Default 1,000. */
  readonly pageSize?: number;
}

/**
 * One page of the loan ids of tape `version` of `pool` (GET .../loan-ids, loan-level entitlement). Throws
 * PEER_REQUEST_REFUSED (403 for a caller without loan-level rights), PEER_RESPONSE_INVALID when the answer is
 * malformed or for another tape.
 */
export async function fetchLoanIdsPage(options: ListLoanIdsOptions, after?: string): Promise<LoanIdsAnswer> {
  return fetchTapePage(options, after, "loan-ids", "loan ids", loanIdsAnswer);
}

/**
 * Every loan id of tape `version` of `pool`, page after page (one signed request per page; only one page is
 * held at a time). The ids are only a list of what to ask for: each loan is still verified on its own
 * (`fetchVerifiedLoan`). Throws as `fetchLoanIdsPage`, and PEER_RESPONSE_INVALID when the pages do not
 * advance (a `next` not after the previous cursor) or list more ids than the tape's `loanCount`.
 */
export async function* listLoanIds(options: ListLoanIdsOptions): AsyncGenerator<string, void, undefined> {
  let after: string | undefined;
  let listed = 0;
  for (;;) {
    const page = await fetchLoanIdsPage(options, after);
    listed += page.loanIds.length;
    if (listed > page.loanCount) {
      throw new PeerRecordError(
        "PEER_RESPONSE_INVALID",
        `peer listed more than the ${page.loanCount} loan ids of tape ${options.version}`,
      );
    }
    yield* page.loanIds;
    if (page.next === undefined) return;
    if (after !== undefined && page.next <= after) {
      throw new PeerRecordError("PEER_RESPONSE_INVALID", "peer's loan id pages do not advance");
    }
    after = page.next;
  }
}

const loansAnswer = z.object({
  pool: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  version: z.number().int().min(1),
  loanCount: z.number().int().min(1),
  loans: z
    .array(z.object({ record: loanRecordSchema, salt: hex32, leafIndex: z.number().int().min(0), leaf: hex32 }))
    .max(2_000),
  next: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
});
export type LoansAnswer = z.infer<typeof loansAnswer>;

export interface FetchLoansOptions extends PeerTarget {
  readonly pool: string;
  readonly version: number;
  /** Loans per request (the node allows 1 to 2,000). Default 1,000. */
  readonly pageSize?: number;
}

/**
 * One page of the loans of tape `version` of `pool` (GET .../loans, loan-level entitlement), parsed but NOT
 * verified (see `fetchVerifiedTape`). Throws PEER_REQUEST_REFUSED (403 for a caller without loan-level rights),
 * PEER_RESPONSE_INVALID when the answer is malformed or for another tape.
 */
export async function fetchLoansPage(options: FetchLoansOptions, after?: string): Promise<LoansAnswer> {
  return fetchTapePage(options, after, "loans", "loans", loansAnswer);
}

/**
 * One page of a tape's paged route `GET /v1/pools/:pool/tapes/:version/<route>?after=&limit=`, parsed with `schema`
 * and checked to be for the asked pool and version. Invalid fields are named down to three levels (e.g.
 * `loans.3.record`), never with their values.
 */
async function fetchTapePage<T extends { pool: string; version: number }>(
  options: PeerTarget & { readonly pool: string; readonly version: number; readonly pageSize?: number },
  after: string | undefined,
  route: "loan-ids" | "loans",
  what: string,
  schema: z.ZodType<T>,
): Promise<T> {
  const query = new URLSearchParams({ limit: String(options.pageSize ?? 1_000) });
  if (after !== undefined) query.set("after", after);
  const path = `/v1/pools/${options.pool}/tapes/${options.version}/${route}?${query.toString()}`;
  const body = await signedGet(options, path, `the ${what} of tape ${options.version}`);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.slice(0, 3).join(".") || "(body)"))];
    throw new PeerRecordError("PEER_RESPONSE_INVALID", `peer's ${what} answer is invalid in: ${fields.join(", ")}`);
  }
  const page = parsed.data;
  if (page.version !== options.version || page.pool.toLowerCase() !== options.pool.toLowerCase()) {
    throw new PeerRecordError("PEER_RESPONSE_INVALID", `peer's ${what} answer is for another pool or tape version`);
  }
  return page;
}

export interface FetchVerifiedTapeOptions extends FetchLoansOptions {
  readonly chain: AnchoredRootReader;
}

/** A loan of a whole-tape fetch that did not verify: no record is kept of it. */
export interface RefusedTapeLoan {
  readonly loanId: string;
  readonly code: "PEER_RECORD_UNVERIFIED";
  readonly reason: string;
}

/** A whole tape fetched page by page: what `onLoan` made of each verified loan, and the refused loans. */
export interface VerifiedTape<T> {
  readonly anchoredRoot: string;
  /** The loans served (verified and refused). */
  readonly loanCount: number;
  readonly verified: T[];
  readonly refused: RefusedTapeLoan[];
}

/**
 * Fetch EVERY loan of tape `version` of `pool`, page after page (one signed request per page), and verify the
 * whole tape against the root anchored on chain, without proofs (see `verifyLeafPages`). Each page's records are
 * handed to `onLoan` as they arrive (the caller keeps what it needs, e.g. a compact view; the raw page is then
 * dropped); what it returned is kept only for the loans that verify.
 * Throws as `fetchLoansPage`, PEER_RESPONSE_INVALID when the pages do not advance, are out of order, change
 * their `loanCount` or hold more or fewer loans than it, and CHAIN_TAPE_UNAVAILABLE.
 */
export async function fetchVerifiedTape<T>(
  options: FetchVerifiedTapeOptions,
  onLoan: (record: LoanRecord) => T,
): Promise<VerifiedTape<T>> {
  const { pool, version } = options;
  const anchoredRoot = await options.chain.anchoredRoot(pool, version);
  const verified = await verifyLeafPages(
    {
      fetchPage: async (after) => {
        const page = await fetchLoansPage(options, after);
        return { count: page.loanCount, items: page.loans, next: page.next };
      },
      idOf: (loan) => loan.record.loanId,
      servedLeafOf: (loan) => loan.leaf,
      leafOf: (loan) => loanLeaf(loan.record, loan.salt),
      what: { items: "loan pages", set: "tape" },
    },
    anchoredRoot,
    (loan) => onLoan(loan.record),
  );
  return { anchoredRoot, ...verified };
}

/** A leaf set served page by page (a tape's loans, a period's loan states): how to read and check its items. */
export interface PagedLeafSet<Item> {
  /** One page after `after` (from the first item when absent): the set's size, its items, the next cursor. */
  fetchPage(after: string | undefined): Promise<{ count: number; items: readonly Item[]; next?: string | undefined }>;
  /** The item's key (the cursor order: strictly increasing). */
  idOf(item: Item): string;
  /** The leaf the peer served with the item. */
  servedLeafOf(item: Item): string;
  /** The leaf recomputed from the item's values (may throw: the item is then refused). */
  leafOf(item: Item): string;
  /** For messages: e.g. { items: "loan pages", set: "tape 3" }. */
  what: { items: string; set: string };
}

/**
 * Read EVERY item of a paged leaf set and verify the whole set against `anchoredRoot`, without proofs:
 * 1. each item's recomputed leaf must equal the leaf served with it, else that item is refused ("altered") and
 *    the served leaf stands in for it in the tree;
 * 2. the served leaves, all together, must rebuild the anchored root (the tree sorts its leaves, so their order
 *    does not matter; 32 bytes an item are held), else EVERY item is refused: the node serves another set than
 *    the anchored one (a leaf altered, an item hidden or added), and no item can be trusted.
 * Throws PEER_RESPONSE_INVALID when the pages do not advance, are out of order, change their count or hold more
 * or fewer items than it.
 */
export async function verifyLeafPages<Item, T>(
  set: PagedLeafSet<Item>,
  anchoredRoot: string,
  onItem: (item: Item) => T,
): Promise<{ loanCount: number; verified: T[]; refused: RefusedTapeLoan[] }> {
  const leaves = new LoanTreeBuilder();
  const kept: { loanId: string; value: T }[] = [];
  const refused: RefusedTapeLoan[] = [];
  const invalid = (why: string) => new PeerRecordError("PEER_RESPONSE_INVALID", `peer's ${set.what.items} ${why}`);
  let loanCount: number | undefined;
  let last: string | undefined;
  let after: string | undefined;
  for (;;) {
    const page = await set.fetchPage(after);
    if (loanCount !== undefined && page.count !== loanCount) throw invalid(`change the ${set.what.set}'s loan count`);
    loanCount = page.count;
    for (const item of page.items) {
      const id = set.idOf(item);
      // Keyset order (loan ids are ASCII: JavaScript's order is LevelDB's byte order): no item twice.
      if (last !== undefined && id <= last) throw invalid("are not in strictly increasing loan id order");
      last = id;
      if (leaves.length >= loanCount) throw invalid(`hold more than the ${set.what.set}'s ${loanCount} loans`);
      let leaf: string | undefined;
      try {
        leaf = set.leafOf(item);
      } catch {
        leaf = undefined;
      }
      const served = set.servedLeafOf(item);
      leaves.push(served);
      if (leaf?.toLowerCase() === served.toLowerCase()) kept.push({ loanId: id, value: onItem(item) });
      else
        refused.push({
          loanId: id,
          code: "PEER_RECORD_UNVERIFIED",
          reason: `loan "${id}" refused: the record and salt do not hash to the served leaf (record altered)`,
        });
    }
    if (page.next === undefined) break;
    // `next` must be this page's last id, and past the cursor: an empty page with a `next` never ends.
    if (page.next !== last || page.next === after) {
      throw invalid("do not advance (`next` is not the page's last loan id)");
    }
    after = page.next;
  }
  if (loanCount === undefined || leaves.length !== loanCount) {
    throw invalid(`hold ${leaves.length} loans, not the ${set.what.set}'s ${String(loanCount)}`);
  }
  const root = leaves.build().root;
  if (root.toLowerCase() !== anchoredRoot.toLowerCase()) {
    const reason = `the ${set.what.set}'s ${loanCount} served leaves do not rebuild the root anchored on chain`;
    return {
      loanCount,
      verified: [],
      refused: [
        ...refused,
        ...kept.map(({ loanId }) => ({
          loanId,
          code: "PEER_RECORD_UNVERIFIED" as const,
          reason: `loan "${loanId}" refused: ${reason}`,
        })),
      ],
    };
  }
  return { loanCount, verified: kept.map((k) => k.value), refused };
}

function unverified(loanId: string, why: string, cause?: unknown): PeerRecordError {
  return new PeerRecordError("PEER_RECORD_UNVERIFIED", `loan "${loanId}" refused: ${why}`, {
    ...(cause === undefined ? {} : { cause }),
  });
}

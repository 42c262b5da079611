/**
 * The originator's tape upload: stream-validate → commit → store → anchor, all or nothing.
 *
 * One pass over the uploaded bytes: `validateTape` parses, pseudonymises and commits each row, and hands
 * each committed loan to the store's writer (LevelDB batches of 1,000), while the raw bytes are hashed
 * (keccak256 → the anchor's `contentHash`). Rows are never held in memory; the tree holds 32 bytes a loan.
 *
 * Crash safety, with the journal kept by the tape store (`uploads`) and the chain bridge (`chain-actions`):
 * 1. `receiving` (pool, planned version) is journalled before the first loan is written;
 * 2. an invalid tape: its loans are deleted with the entry (nothing stored, nothing anchored), and every
 *    error is returned;
 * 3. a valid tape already anchored by this node (same pool and root): the staged loans are deleted and the
 *    earlier version is returned; no transaction is sent;
 * 4. `staged` (root, anchor) is journalled, then the bridge runs the action `anchor:<pool>:<root>` (which
 *    journals the signed transaction before broadcasting it);
 * 5. on confirmation, ONE batch writes the meta (the tape is served), the root → version index and removes
 *    the upload entry.
 * On restart (`recover`): `receiving` → roll back; `staged` with a confirmed or resumable transaction → wait
 * for it and commit; `staged` with no transaction → look for the root on chain (commit if there, else roll
 * back). A tape is therefore never anchored twice and never left half-stored.
 */
import { availableParallelism } from "node:os";
import { Contract, Interface, ZeroAddress, getAddress, type JsonRpcProvider } from "ethers";
import { type Logger } from "pino";
import {
  type ColumnMapping,
  type OriginatorKeys,
  type TapeEncodingOption,
  type TapeIssue,
  type TapeValidationSummary,
  keccak256Stream,
  validateTape,
} from "@abs/core";
import { ASSET_POOL_ABI, CASH_TOKEN_ABI } from "./chain/abi";
import { type ChainBridge, type ConfirmedAction } from "./chain/bridge";
import { ChainError, NodeError, UploadError } from "./errors";
import { type NewLoan, type TapeChangeSet, computeChangeSet, requireChangeShape } from "./tape-change-set";
import { type LevelTapeStore, type StoredTapeMeta, type UploadEntry } from "./tape-store";
import { FINGERPRINTS_PER_REGISTRATION, type PledgeClient, type PledgePolicyName } from "./pledge/pledge-client";
import { type LevelPledgeIndex } from "./pledge/pledge-index";

export const TAPE_CHANGE_KINDS = ["Initial", "Repurchase", "Substitution", "RevolvingPurchase", "Correction"] as const;
export type TapeChangeKindName = (typeof TAPE_CHANGE_KINDS)[number];

export interface UploadTapeOptions {
  readonly format?: "auto" | "csv" | "jsonl";
  readonly encoding?: TapeEncodingOption;
  readonly delimiter?: string;
  readonly mapping?: ColumnMapping;
  readonly maxErrors?: number;
  /** The tape's cut-off date, yyyy-mm-dd (UTC midnight goes on chain). */
  readonly cutoffDate: string;
  /** Why this version exists. Default "Initial". */
  readonly kind?: TapeChangeKindName;
  /** Where entitled members fetch the tape. Default `abs-node://<memberId>/pools/<pool>/tapes/<version>`. */
  readonly dataUri?: string;
  readonly onProgress?: (progress: { bytesRead: number; rows: number; errors: number }) => void;
}

interface AnchorFields {
  readonly merkleRoot: string;
  readonly loanCount: number;
  readonly totalPrincipalCents: string;
  readonly waRateWad: string;
  readonly waRemainingTermMonthsWad: string;
  readonly cutoffDate: number;
  readonly contentHash: string;
  readonly dataUri: string;
}

export type UploadOutcome =
  | {
      readonly status: "anchored" | "already-anchored";
      readonly pool: string;
      readonly version: number;
      readonly root: string;
      readonly loanCount: number;
      readonly contentHash: string;
      readonly txHash: string;
      readonly blockNumber: number;
      readonly summary?: TapeValidationSummary;
      /** For a pool that registers pledges: what the registration did. */
      readonly pledges?: PledgeOutcome;
    }
  | { readonly status: "invalid"; readonly summary: TapeValidationSummary; readonly errors: readonly TapeIssue[] };

/** A tape's pledge registration (pools whose trustee set a pledge policy). */
export interface PledgeOutcome {
  readonly policy: Exclude<PledgePolicyName, "None">;
  /** Loans registered to the pool by this upload. */
  readonly registered: number;
  /** Loans already registered to the pool (an earlier tape of it). */
  readonly alreadyRegistered: number;
  /** Loans already pledged to another pool (Alert policy: raised to the regulator on chain), by loan id. */
  readonly alerts: readonly { readonly loanId: string; readonly firstPool: string }[];
  /**
   * Loans of this tape with the identity of an earlier row (borrower's national id, origination date, original
   * principal): one loan listed twice, or two loans the registry cannot tell apart. Registered once, so the indexer
   * counts them as missing pledges (`pledgesMissing`).
   */
  readonly sameIdentity: readonly { readonly loanId: string; readonly sameAs: string }[];
}

/** A checked registration, sent right before the anchor. */
interface PledgePlan {
  /** Every loan of the tape with its fingerprint (indexed for lookups). */
  readonly loans: readonly { readonly fingerprint: string; readonly loanId: string }[];
  /** Fingerprints not yet registered to the pool (with those of other pools, in Alert mode). */
  readonly toRegister: readonly string[];
  readonly outcome: PledgeOutcome;
}

/** Loans named in a refusal's message (all are counted). */
const REFUSED_LOANS_SHOWN = 20;

const POOL = new Interface(ASSET_POOL_ABI);
const CASH = new Interface(CASH_TOKEN_ABI);
/** `PoolState` values between which a repurchase pays the trust (contracts/types/PoolTypes.sol). */
const POOL_STATE_ACTIVE = 3;
const POOL_STATE_ACCELERATED = 5;
const ZERO32 = `0x${"00".repeat(32)}`;

export interface TapeUploadDeps {
  readonly store: LevelTapeStore;
  readonly bridge: ChainBridge;
  readonly provider: JsonRpcProvider;
  readonly keys: OriginatorKeys;
  readonly memberId: string;
  readonly logger: Logger;
  /** Loans per LevelDB batch. Default 1,000. */
  readonly chunkSize?: number;
  /** The consortium's pledge registry; without it, no pool's pledges are registered by this node. */
  readonly pledges?: PledgeClient;
  /** Where each registered loan's fingerprint is indexed (with `pledges`), for regulators' lookups. */
  readonly pledgeIndex?: LevelPledgeIndex;
  /**
   * Worker threads checking and hashing rows while the request's thread parses and stores them. Default: one
   * fewer than the machine's cores, at least 1, at most 4 (parsing and storing keep the request's thread busy).
   */
  readonly rowWorkers?: number;
}

/**
 * One row worker per core, at most 4: the workers parse, check and hash (most of the work), while the request's
 * thread decodes, cuts slices, stores and builds the tree, and is idle part of the time.
 */
function defaultRowWorkers(): number {
  return Math.min(4, availableParallelism());
}

export class TapeUploadService {
  private busy = false;

  constructor(private readonly deps: TapeUploadDeps) {}

  /** Upload one tape to `pool`; see the file comment. Throws UploadError / ChainError; `invalid` is a result. */
  async upload(
    poolAddress: string,
    body: AsyncIterable<Uint8Array>,
    options: UploadTapeOptions,
  ): Promise<UploadOutcome> {
    const cutoffDate = cutoffSeconds(options.cutoffDate);
    const kind = TAPE_CHANGE_KINDS.indexOf(options.kind ?? "Initial");
    if (kind < 0)
      throw new UploadError("UPLOAD_OPTIONS_INVALID", `kind: expected one of ${TAPE_CHANGE_KINDS.join(", ")}`);
    if (this.busy) {
      throw new UploadError("UPLOAD_IN_PROGRESS", "another tape upload is in progress on this node", {
        retryable: true,
      });
    }
    this.busy = true;
    try {
      // An earlier upload may have been left staged (its anchor still pending when it failed): settle it
      // first, so this one sees the pool's true tape count and the earlier tape's committed root.
      await this.recover();
      return await this.uploadNow(getAddress(poolAddress), body, options, {
        kindIndex: kind,
        cutoffSeconds: cutoffDate,
      });
    } finally {
      this.busy = false;
    }
  }

  private async uploadNow(
    pool: string,
    body: AsyncIterable<Uint8Array>,
    options: UploadTapeOptions,
    checked: { readonly kindIndex: number; readonly cutoffSeconds: number },
  ): Promise<UploadOutcome> {
    const { store, bridge, keys, logger } = this.deps;
    const contract = new Contract(pool, ASSET_POOL_ABI, this.deps.provider);
    const originator = await bridge.rpc("pool.originator", () => contract.getFunction("originator").staticCall());
    if (String(originator).toLowerCase() !== bridge.address.toLowerCase()) {
      throw new UploadError("NOT_POOL_PARTY", `this node (${bridge.address}) is not the originator of pool ${pool}`);
    }
    const tapeCount = Number(await bridge.rpc("pool.tapeCount", () => contract.getFunction("tapeCount").staticCall()));
    const version = tapeCount + 1;
    // A pool that registers pledges needs each loan's identity digest, and this node able to fingerprint.
    const pledges = this.deps.pledges;
    const policy = pledges === undefined ? "None" : await pledges.policyOf(pool);
    if (policy !== "None") await pledges?.requireFingerprinting(pool);
    const pledgeLoanIds: string[] = [];
    const pledgeDigests: Uint8Array[] = [];
    const startedAt = Date.now();
    await store.putUpload({ state: "receiving", pool, version, startedAt });
    const writer = await store.openWriter(pool, version, this.deps.chunkSize);
    // The raw bytes' hash (the anchor's contentHash), with the same fast keccak the leaves use.
    const hash = await keccak256Stream();
    async function* hashed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) {
        hash.update(chunk);
        yield chunk;
      }
    }
    const input = hashed();
    // A tape change is measured against the previous version, which this node must hold.
    const changing = checked.kindIndex !== 0;
    if (changing && (tapeCount === 0 || !(await store.has(pool, tapeCount)))) {
      await store.abortUpload(pool, version);
      throw new UploadError(
        "TAPE_CHANGE_INVALID",
        `a ${TAPE_CHANGE_KINDS[checked.kindIndex] ?? "change"} tape: expected this node to hold version ${tapeCount} of pool ${pool} to compute the change set against, found ${tapeCount === 0 ? "no tape anchored yet" : "none stored here"}`,
      );
    }
    const next = new Map<string, NewLoan>();
    let result;
    try {
      result = await validateTape(input, {
        ...(options.format === undefined ? {} : { format: options.format }),
        ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
        ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
        ...(options.mapping === undefined ? {} : { mapping: options.mapping }),
        ...(options.maxErrors === undefined ? {} : { maxErrors: options.maxErrors }),
        borrowerKey: keys.borrowerKey,
        saltKey: keys.saltKey,
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        progressEveryRows: 10_000,
        workerThreads: this.deps.rowWorkers ?? defaultRowWorkers(),
        pledgeIdentities: policy !== "None",
        onLoan: (loan) => {
          if (changing) next.set(loan.loanId, { principalCents: loan.record.currentPrincipalCents, leaf: loan.leaf });
          if (loan.pledgeDigest !== undefined) {
            pledgeLoanIds.push(loan.loanId);
            pledgeDigests.push(Buffer.from(loan.pledgeDigest.slice(2), "hex"));
          }
          return writer.add(loan);
        },
      });
      await writer.flush();
    } catch (error) {
      await store.abortUpload(pool, version);
      throw error;
    }
    if (!result.valid || result.root === undefined || result.commitment === undefined) {
      await store.abortUpload(pool, version);
      logger.info({ pool, errors: result.summary.errorCount, rows: result.rows }, "invalid tape refused");
      return { status: "invalid", summary: result.summary, errors: result.errors };
    }
    const root = result.root.toLowerCase();
    const previous = await store.anchoredTape(pool, root);
    if (previous !== undefined) {
      await store.abortUpload(pool, version);
      logger.info({ pool, root, version: previous.version }, "tape already anchored: nothing sent");
      return { status: "already-anchored", ...previous, summary: result.summary };
    }
    const onChain = await this.findAnchoredVersion(pool, root, tapeCount);
    if (onChain !== undefined) {
      await store.abortUpload(pool, version);
      throw new UploadError(
        "TAPE_ALREADY_ANCHORED",
        `pool ${pool} already anchors this tape (root ${root}) as version ${onChain}, not uploaded through this node`,
      );
    }
    let change: TapeChangeSet | undefined;
    if (changing) {
      try {
        change = await computeChangeSet(store, pool, tapeCount, next);
        requireChangeShape(checked.kindIndex, change);
      } catch (error) {
        await store.abortUpload(pool, version);
        throw error;
      }
    }
    let pledgePlan: PledgePlan | undefined;
    if (pledges !== undefined && policy !== "None") {
      try {
        pledgePlan = await this.planPledges(pledges, pool, policy, pledgeLoanIds, pledgeDigests);
      } catch (error) {
        await store.abortUpload(pool, version);
        throw error;
      }
    }
    const { summary } = result.commitment;
    const contentHash = hash.digestHex();
    const anchor: AnchorFields = {
      merkleRoot: root,
      loanCount: summary.loanCount,
      totalPrincipalCents: summary.totalPrincipalCents.toString(),
      waRateWad: summary.waRateWad.toString(),
      waRemainingTermMonthsWad: summary.waRemainingTermMonthsWad.toString(),
      cutoffDate: checked.cutoffSeconds,
      contentHash,
      dataUri: options.dataUri ?? `abs-node://${this.deps.memberId}/pools/${pool.toLowerCase()}/tapes/${version}`,
    };
    const staged: UploadEntry = {
      state: "staged",
      pool,
      version,
      startedAt,
      actionKey: `anchor:${pool.toLowerCase()}:${root}`,
      kind: checked.kindIndex,
      anchor,
      ...(change === undefined
        ? {}
        : {
            change: {
              loansAdded: change.loansAdded,
              loansRemoved: change.loansRemoved,
              principalAddedCents: change.principalAddedCents.toString(),
              principalRemovedCents: change.principalRemovedCents.toString(),
              changeSetRoot: change.changeSetRoot.toLowerCase(),
            },
          }),
    };
    await store.putUpload(staged);
    let confirmed: ConfirmedAction;
    try {
      if (change !== undefined) await this.allowTapeChangePrice(pool, contract, checked.kindIndex, change, root);
      if (pledges !== undefined && pledgePlan !== undefined)
        await this.registerPledges(pledges, pool, version, root, pledgePlan);
      confirmed = await bridge.execute(staged.actionKey, anchorCall(pool, staged));
    } catch (error) {
      // A refused transaction (revert) was never sent: nothing to keep. A pending one stays staged and is
      // resumed by `recover` (or by the next upload of the same tape).
      if (error instanceof NodeError && !error.retryable) await store.abortUpload(pool, version);
      throw error;
    }
    return {
      status: "anchored",
      ...(await this.commit(staged, confirmed)),
      summary: result.summary,
      ...(pledgePlan === undefined ? {} : { pledges: pledgePlan.outcome }),
    };
  }

  /**
   * A tape's pledge registration, checked before anything is written: each loan's fingerprint from the key service,
   * and where each is pledged already. Loans pledged to another pool are refused (Refuse: PLEDGE_REFUSED naming
   * them, nothing stored, registered or anchored) or registered anyway so the registry raises them to the regulator
   * (Alert).
   */
  private async planPledges(
    pledges: PledgeClient,
    pool: string,
    policy: Exclude<PledgePolicyName, "None">,
    loanIds: readonly string[],
    digests: readonly Uint8Array[],
  ): Promise<PledgePlan> {
    const fingerprints = await pledges.fingerprints(pool, digests);
    const holders = await pledges.pledgesOf(fingerprints);
    const ours = getAddress(pool);
    const alerts: { loanId: string; firstPool: string }[] = [];
    const toRegister: string[] = [];
    const sameIdentity: { loanId: string; sameAs: string }[] = [];
    const firstLoanOf = new Map<string, string>();
    let alreadyRegistered = 0;
    holders.forEach((holder, i) => {
      const fingerprint = fingerprints[i] ?? "";
      const loanId = loanIds[i] ?? "";
      const earlier = firstLoanOf.get(fingerprint);
      if (earlier !== undefined) {
        sameIdentity.push({ loanId, sameAs: earlier });
        return;
      }
      firstLoanOf.set(fingerprint, loanId);
      if (holder === ours) alreadyRegistered += 1;
      else if (holder === ZeroAddress) toRegister.push(fingerprint);
      else {
        alerts.push({ loanId, firstPool: holder });
        toRegister.push(fingerprint);
      }
    });
    if (policy === "Refuse" && alerts.length > 0) {
      const named = alerts
        .slice(0, REFUSED_LOANS_SHOWN)
        .map((a) => `${a.loanId} (pool ${a.firstPool})`)
        .join(", ");
      throw new UploadError(
        "PLEDGE_REFUSED",
        `pool ${pool} refuses loans pledged to another pool: expected none, found ${alerts.length}: ${named}${alerts.length > REFUSED_LOANS_SHOWN ? ", ..." : ""}; nothing stored, registered or anchored`,
      );
    }
    const registered = toRegister.length - (policy === "Alert" ? alerts.length : 0);
    return {
      // The first loan of each identity (the one registered).
      loans: [...firstLoanOf].map(([fingerprint, loanId]) => ({ fingerprint, loanId })),
      toRegister,
      outcome: { policy, registered, alreadyRegistered, alerts, sameIdentity },
    };
  }

  /**
   * Sends the planned registration, right before the anchor (after every other check of the upload): the loans'
   * fingerprints indexed for regulators' lookups, then one journalled transaction per FINGERPRINTS_PER_REGISTRATION
   * loans not yet registered to this pool.
   *
   * Weak spot: a loan another pool registers between the plan and this pool's transaction makes that transaction
   * revert (Refuse), and an anchor that fails afterwards leaves the loans registered; either way the loans sent stay
   * registered to this pool, unanchored, until its trustee releases them or the tape is uploaded again.
   */
  private async registerPledges(
    pledges: PledgeClient,
    pool: string,
    version: number,
    root: string,
    plan: PledgePlan,
  ): Promise<void> {
    await this.deps.pledgeIndex?.record(pool, version, plan.loans);
    for (let start = 0; start < plan.toRegister.length; start += FINGERPRINTS_PER_REGISTRATION) {
      const chunk = plan.toRegister.slice(start, start + FINGERPRINTS_PER_REGISTRATION);
      const index = start / FINGERPRINTS_PER_REGISTRATION;
      await this.deps.bridge.execute(
        `pledges:${pool.toLowerCase()}:${root}:${index}`,
        pledges.registerCall(pool, chunk, `register ${chunk.length} pledges of ${pool} (${index + 1})`),
      );
    }
    const { outcome } = plan;
    this.deps.logger.info(
      {
        pool,
        registered: outcome.registered,
        alreadyRegistered: outcome.alreadyRegistered,
        alerts: outcome.alerts.length,
      },
      "pledges registered",
    );
  }

  /**
   * The cash leg the originator pays after issuance (Active to Accelerated): the pool takes a repurchase's price
   * (the principal removed) or a substitution's adjustment (the principal removed in excess of the principal added)
   * from this originator in the anchoring transaction. Refused here, before anything is anchored, when the
   * originator's cash is short; the pool is allowed the price first (one journalled approval). A revolving purchase
   * is paid to the originator by the waterfall: nothing to allow.
   */
  private async allowTapeChangePrice(
    pool: string,
    contract: Contract,
    kindIndex: number,
    change: TapeChangeSet,
    root: string,
  ): Promise<void> {
    const { bridge } = this.deps;
    const kind = TAPE_CHANGE_KINDS[kindIndex];
    const removed = BigInt(change.principalRemovedCents);
    const added = kind === "Substitution" ? BigInt(change.principalAddedCents) : 0n;
    if ((kind !== "Repurchase" && kind !== "Substitution") || removed <= added) return;
    const state = Number(await bridge.rpc("pool.state", () => contract.getFunction("state").staticCall()));
    if (state < POOL_STATE_ACTIVE || state > POOL_STATE_ACCELERATED) return;
    const cashAddress = String(
      await bridge.rpc("pool.cashToken", () => contract.getFunction("cashToken").staticCall()),
    );
    const cash = new Contract(cashAddress, CASH_TOKEN_ABI, this.deps.provider);
    const price = removed - added;
    const held = BigInt(
      await bridge.rpc("cash.balanceOf", () => cash.getFunction("balanceOf").staticCall(bridge.address)),
    );
    if (held < price) {
      throw new UploadError(
        "TAPE_CHANGE_INVALID",
        `a ${kind} pays the trust ${kind === "Repurchase" ? "its price" : "the principal it removes beyond what it adds"}: expected ${price} cents of cash at the originator ${bridge.address}, found ${held} (the custodian credits cash first)`,
      );
    }
    const allowed = BigInt(
      await bridge.rpc("cash.allowance", () => cash.getFunction("allowance").staticCall(bridge.address, pool)),
    );
    if (allowed >= price) return;
    await bridge.execute(`repurchase-allowance:${pool.toLowerCase()}:${root}`, {
      to: cashAddress,
      data: CASH.encodeFunctionData("approve", [pool, price]),
      label: `approve ${price} cents for the ${kind.toLowerCase()} on ${pool}`,
    });
  }

  /** Resume or roll back uploads left in the journal by a crash; run before serving. */
  async recover(): Promise<{ committed: number; rolledBack: number }> {
    const { store, bridge, logger } = this.deps;
    let committed = 0;
    let rolledBack = 0;
    for (const entry of await store.listUploads()) {
      if (entry.state === "receiving") {
        await store.abortUpload(entry.pool, entry.version);
        rolledBack += 1;
        logger.warn({ pool: entry.pool, version: entry.version }, "rolled back an upload cut short while receiving");
        continue;
      }
      const journalled = await bridge.entry(entry.actionKey);
      let confirmed: ConfirmedAction | undefined;
      if (journalled !== undefined) confirmed = await bridge.resume(entry.actionKey);
      if (confirmed === undefined) {
        // Never sent (or its nonce went to another tx): was the same root anchored some other way?
        const contract = new Contract(entry.pool, ASSET_POOL_ABI, this.deps.provider);
        const count = Number(await bridge.rpc("pool.tapeCount", () => contract.getFunction("tapeCount").staticCall()));
        const found = await this.findAnchoredVersion(entry.pool, entry.anchor.merkleRoot, count);
        if (found === undefined || found !== entry.version) {
          await store.abortUpload(entry.pool, entry.version);
          rolledBack += 1;
          logger.warn(
            { pool: entry.pool, version: entry.version },
            "rolled back a staged upload that was never anchored",
          );
          continue;
        }
        throw new ChainError(
          "CHAIN_NONCE_CONFLICT",
          `pool ${entry.pool} anchored root ${entry.anchor.merkleRoot} as version ${found} by a transaction this node did not journal`,
        );
      }
      await this.commit(entry, confirmed);
      committed += 1;
      logger.info({ pool: entry.pool, version: entry.version }, "resumed an upload: anchored and committed");
    }
    return { committed, rolledBack };
  }

  private async commit(
    entry: UploadEntry & { state: "staged" },
    confirmed: ConfirmedAction,
  ): Promise<{
    pool: string;
    version: number;
    root: string;
    loanCount: number;
    contentHash: string;
    txHash: string;
    blockNumber: number;
  }> {
    const version = anchoredVersionOf(confirmed, entry.pool);
    if (version !== entry.version) {
      throw new NodeError(
        "INTERNAL",
        `pool ${entry.pool} anchored the tape as version ${version}, the node staged it as ${entry.version}`,
      );
    }
    const pool = entry.pool.toLowerCase();
    const meta: StoredTapeMeta = {
      pool,
      version,
      root: entry.anchor.merkleRoot,
      loanCount: entry.anchor.loanCount,
      summary: {
        loanCount: entry.anchor.loanCount,
        totalPrincipalCents: BigInt(entry.anchor.totalPrincipalCents),
        waRateWad: BigInt(entry.anchor.waRateWad),
        waRemainingTermMonthsWad: BigInt(entry.anchor.waRemainingTermMonthsWad),
      },
    };
    const anchored = {
      pool,
      version,
      root: entry.anchor.merkleRoot,
      loanCount: entry.anchor.loanCount,
      contentHash: entry.anchor.contentHash,
      txHash: confirmed.txHash.toLowerCase(),
      blockNumber: confirmed.blockNumber,
    };
    await this.deps.store.commitUpload(meta, anchored);
    this.deps.logger.info(
      { pool, version, loans: meta.loanCount, txHash: anchored.txHash },
      "tape anchored and stored",
    );
    return anchored;
  }

  /** The version of `pool` anchoring `root`, scanning from the newest. */
  private async findAnchoredVersion(pool: string, root: string, tapeCount: number): Promise<number | undefined> {
    const contract = new Contract(pool, ASSET_POOL_ABI, this.deps.provider);
    for (let v = tapeCount; v >= 1; v -= 1) {
      const tape = (await this.deps.bridge.rpc("pool.tape", () => contract.getFunction("tape").staticCall(v))) as {
        anchor: { merkleRoot: string };
      };
      if (tape.anchor.merkleRoot.toLowerCase() === root.toLowerCase()) return v;
    }
    return undefined;
  }
}

function anchorCall(pool: string, entry: UploadEntry & { state: "staged" }) {
  const a = entry.anchor;
  const data = POOL.encodeFunctionData("anchorTape", [
    [
      a.merkleRoot,
      a.loanCount,
      BigInt(a.totalPrincipalCents),
      BigInt(a.waRateWad),
      BigInt(a.waRemainingTermMonthsWad),
      a.cutoffDate,
      a.contentHash,
      a.dataUri,
    ],
    entry.change === undefined
      ? [entry.kind, 0, 0, 0, 0, ZERO32]
      : [
          entry.kind,
          entry.change.loansAdded,
          entry.change.loansRemoved,
          BigInt(entry.change.principalAddedCents),
          BigInt(entry.change.principalRemovedCents),
          entry.change.changeSetRoot,
        ],
  ]);
  return { to: pool, data, label: `anchorTape(v${entry.version}) on ${pool}` };
}

/** The version in the receipt's TapeAnchored event. */
function anchoredVersionOf(confirmed: ConfirmedAction, pool: string): number {
  for (const log of confirmed.receipt.logs) {
    if (log.address.toLowerCase() !== pool.toLowerCase()) continue;
    const parsed = POOL.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed?.name === "TapeAnchored") return Number(parsed.args.getValue("version"));
  }
  throw new NodeError("INTERNAL", `transaction ${confirmed.txHash} has no TapeAnchored event of pool ${pool}`);
}

function cutoffSeconds(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (match === null || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new UploadError("UPLOAD_OPTIONS_INVALID", `cutoffDate: expected a date yyyy-mm-dd, found "${date}"`);
  }
  return ms / 1000;
}

/**
 * The servicer's period report: stream-check the period's performance file → commit each loan's state → store
 * the states → submit the report on chain, all or nothing, so that the loan states the report's root commits to
 * are served to entitled peers from the moment the root is on chain (period-router.ts).
 *
 * One pass over the uploaded bytes: core's `buildPeriodReport` checks each row, derives its state salt from this
 * node's state key and hands each state leaf to the store's writer (LevelDB batches of 1,000).
 *
 * Crash safety, with the journal kept by the period store (`reports`) and the chain bridge (`chain-actions`):
 * 1. `receiving` (pool, period) is journalled before the first state is written;
 * 2. an invalid file: its states are deleted with the entry, and every error is returned;
 * 3. the period already on chain with the same root (e.g. the same file sent twice): the states are committed if
 *    this node did not hold them yet, and nothing is sent; with another root: refused, the states deleted;
 * 4. `staged` (the report) is journalled, then the bridge runs `report:<pool>:<period>:<root>` (which journals the
 *    signed transaction before broadcasting it);
 * 5. on confirmation, ONE batch writes the meta (the states are served) and removes the journal entry.
 * On restart (`recover`): `receiving` → roll back; `staged` → resume the journalled transaction, or find the root
 * on chain (commit if there, else roll back). A report is never submitted twice, and states are never served for
 * a root that is not on chain.
 */
import { Contract, Interface, getAddress, type JsonRpcProvider } from "ethers";
import { type Logger } from "pino";
import { type PeriodReport, type ReportIssue, buildPeriodReport } from "@abs/core";
import { ASSET_POOL_ABI } from "../chain/abi";
import { type ChainBridge, type ConfirmedAction } from "../chain/bridge";
import { ChainError, NodeError, UploadError } from "../errors";
import { toJson } from "../tape-store";
import { type JournalledReport, type LevelPeriodStore, type ReportJournalEntry } from "./period-store";

export interface SubmitReportOptions {
  readonly period: number;
  /** First day of the period, yyyy-mm-dd (the cut-off date for period 1, else the previous period's end). */
  readonly startDate: string;
  /** The period end date, yyyy-mm-dd. */
  readonly endDate: string;
  /** The file holds every period (as `abs tape generate` writes it): only `period`'s rows are read. */
  readonly multiPeriod?: boolean;
  readonly maxErrors?: number;
}

export type ReportOutcome =
  | {
      /** "submitted": sent now; "already-submitted": the same root was on chain already, nothing sent. */
      readonly status: "submitted" | "already-submitted";
      readonly pool: string;
      readonly period: number;
      readonly root: string;
      /** Loan states committed and now served (one per row of the period). */
      readonly loanCount: number;
      readonly txHash: string;
      readonly blockNumber: number;
      readonly report: JournalledReport;
    }
  | { readonly status: "invalid"; readonly rows: number; readonly errors: readonly ReportIssue[] };

export interface PeriodReportDeps {
  readonly store: LevelPeriodStore;
  readonly bridge: ChainBridge;
  readonly provider: JsonRpcProvider;
  /** This node's state key: the salts of the loan-state leaves (core's `deriveLoanStateSalt`). */
  readonly saltKey: Uint8Array;
  readonly logger: Logger;
}

const POOL = new Interface(ASSET_POOL_ABI);
const ZERO32 = `0x${"00".repeat(32)}`;

export class PeriodReportService {
  private busy = false;

  constructor(private readonly deps: PeriodReportDeps) {}

  /** Report one period of `pool` from its performance file; see the file comment. `invalid` is a result. */
  async submit(
    poolAddress: string,
    body: AsyncIterable<Uint8Array>,
    options: SubmitReportOptions,
  ): Promise<ReportOutcome> {
    if (this.busy) {
      throw new UploadError("UPLOAD_IN_PROGRESS", "another period report is in progress on this node", {
        retryable: true,
      });
    }
    this.busy = true;
    try {
      await this.recover();
      return await this.submitNow(getAddress(poolAddress), body, options);
    } finally {
      this.busy = false;
    }
  }

  private async submitNow(
    pool: string,
    body: AsyncIterable<Uint8Array>,
    options: SubmitReportOptions,
  ): Promise<ReportOutcome> {
    const { store, bridge, logger } = this.deps;
    const { period } = options;
    const servicer = await bridge.rpc("pool.servicer", () => this.pool(pool).getFunction("servicer").staticCall());
    if (String(servicer).toLowerCase() !== bridge.address.toLowerCase()) {
      throw new UploadError("NOT_POOL_PARTY", `this node (${bridge.address}) is not the servicer of pool ${pool}`);
    }
    const committed = await store.findMeta(pool, period);
    const startedAt = Date.now();
    // A committed period is never rewritten: the file is only checked against it.
    if (committed === undefined) await store.putJournal({ state: "receiving", pool, period, startedAt });
    const writer = committed === undefined ? await store.openWriter(pool, period) : undefined;
    let result;
    try {
      result = await buildPeriodReport(body, {
        period,
        startDate: options.startDate,
        endDate: options.endDate,
        saltKey: this.deps.saltKey,
        otherPeriods: options.multiPeriod === true ? "skip" : "refuse",
        ...(options.maxErrors === undefined ? {} : { maxErrors: options.maxErrors }),
        ...(writer === undefined ? {} : { onLoanState: (leaf) => writer.add(leaf) }),
      });
      await writer?.flush();
    } catch (error) {
      if (committed === undefined) await store.abort(pool, period);
      throw asOptionsError(error);
    }
    if (!result.valid || result.report === undefined) {
      if (committed === undefined) await store.abort(pool, period);
      logger.info(
        { pool, period, errors: result.errors.length, rows: result.rows },
        "invalid performance file refused",
      );
      return { status: "invalid", rows: result.rows, errors: result.errors };
    }
    const report = journalled(result.report);
    const root = report.loanStateRoot;
    // The period's states, one a row of `period` (a multi-period file's other rows are read, not states).
    const states = result.tree?.length ?? 0;
    const onChain = await this.rootOnChain(pool, period);
    if (committed !== undefined || onChain !== undefined) {
      if (onChain === undefined) {
        // This node committed the period, yet the chain has no report of it: its data belongs to another chain.
        throw new NodeError(
          "PERIOD_ALREADY_REPORTED",
          `this node holds period ${period} of pool ${pool} as reported (root ${committed?.root ?? "?"}), but the chain has no report of it: the node's data directory is from another chain (remove it and restart the node)`,
        );
      }
      if (onChain !== root) {
        if (committed === undefined) await store.abort(pool, period);
        throw new NodeError(
          "PERIOD_ALREADY_REPORTED",
          `period ${period} of pool ${pool} is reported on chain with loan-state root ${onChain}; this file gives ${root} (another file for a reported period is a restatement, which no node route sends)`,
        );
      }
      const meta = committed ?? (await this.commitFound(pool, period, states, report));
      logger.info({ pool, period, root }, "period already reported with this root: nothing sent");
      return { status: "already-submitted", ...meta, report };
    }
    const staged: ReportJournalEntry = {
      state: "staged",
      pool,
      period,
      startedAt,
      actionKey: `report:${pool.toLowerCase()}:${period}:${root}`,
      states,
      report,
    };
    await store.putJournal(staged);
    let confirmed: ConfirmedAction;
    try {
      confirmed = await bridge.execute(staged.actionKey, submitCall(pool, report));
    } catch (error) {
      // A refused transaction (revert) was never sent: nothing to keep. A pending one stays staged.
      if (error instanceof NodeError && !error.retryable) await store.abort(pool, period);
      throw error;
    }
    return { status: "submitted", ...(await this.commit(staged, confirmed)), report };
  }

  /** Resume or roll back reports left in the journal by a crash; run before serving. */
  async recover(): Promise<{ committed: number; rolledBack: number }> {
    const { store, bridge, logger } = this.deps;
    let committed = 0;
    let rolledBack = 0;
    for (const entry of await store.listJournal()) {
      if (entry.state === "receiving") {
        await store.abort(entry.pool, entry.period);
        rolledBack += 1;
        logger.warn(
          { pool: entry.pool, period: entry.period },
          "rolled back a period report cut short while receiving",
        );
        continue;
      }
      const confirmed =
        (await bridge.entry(entry.actionKey)) === undefined ? undefined : await bridge.resume(entry.actionKey);
      if (confirmed !== undefined) {
        await this.commit(entry, confirmed);
        committed += 1;
        continue;
      }
      const onChain = await this.rootOnChain(entry.pool, entry.period);
      if (onChain === entry.report.loanStateRoot) {
        throw new ChainError(
          "CHAIN_NONCE_CONFLICT",
          `pool ${entry.pool} holds period ${entry.period}'s report with root ${onChain} from a transaction this node did not journal`,
        );
      }
      await store.abort(entry.pool, entry.period);
      rolledBack += 1;
      logger.warn({ pool: entry.pool, period: entry.period }, "rolled back a staged period report that was never sent");
    }
    return { committed, rolledBack };
  }

  private pool(pool: string): Contract {
    return new Contract(pool, ASSET_POOL_ABI, this.deps.provider);
  }

  /** The loan-state root of `period`'s report on chain, or undefined if the period is not reported yet. */
  private async rootOnChain(pool: string, period: number): Promise<string | undefined> {
    const last = Number(
      await this.deps.bridge.rpc("pool.lastPeriod", () => this.pool(pool).getFunction("lastPeriod").staticCall()),
    );
    if (period > last) return undefined;
    const report = (await this.deps.bridge.rpc("pool.report", () =>
      this.pool(pool).getFunction("report").staticCall(period),
    )) as { loanStateRoot: string };
    return report.loanStateRoot === ZERO32 ? undefined : report.loanStateRoot.toLowerCase();
  }

  /** Commit states whose root is already on chain (sent before by another tool with this key): no tx of ours. */
  private async commitFound(
    pool: string,
    period: number,
    states: number,
    report: JournalledReport,
  ): Promise<{ pool: string; period: number; root: string; loanCount: number; txHash: string; blockNumber: number }> {
    const meta = {
      pool: pool.toLowerCase(),
      period,
      root: report.loanStateRoot,
      loanCount: states,
      contentHash: report.contentHash,
      txHash: ZERO32,
      blockNumber: 0,
    };
    await this.deps.store.commit(meta);
    return meta;
  }

  private async commit(
    entry: ReportJournalEntry & { state: "staged" },
    confirmed: ConfirmedAction,
  ): Promise<{ pool: string; period: number; root: string; loanCount: number; txHash: string; blockNumber: number }> {
    const meta = {
      pool: entry.pool.toLowerCase(),
      period: entry.period,
      root: entry.report.loanStateRoot,
      loanCount: entry.states,
      contentHash: entry.report.contentHash,
      txHash: confirmed.txHash.toLowerCase(),
      blockNumber: confirmed.blockNumber,
    };
    await this.deps.store.commit(meta);
    this.deps.logger.info(
      { pool: meta.pool, period: meta.period, states: meta.loanCount, txHash: meta.txHash },
      "period reported and its loan states stored",
    );
    return meta;
  }
}

/** The report as JSON values (bigints as decimal strings, the root in lower case). */
function journalled(report: PeriodReport): JournalledReport {
  const values = JSON.parse(toJson(report)) as JournalledReport;
  return { ...values, loanStateRoot: values.loanStateRoot.toLowerCase() };
}

function submitCall(pool: string, r: JournalledReport) {
  const data = POOL.encodeFunctionData("submitReport", [
    [
      r.period,
      BigInt(r.startDate),
      BigInt(r.endDate),
      BigInt(r.interestCollectedCents),
      BigInt(r.scheduledPrincipalCents),
      BigInt(r.prepaymentCents),
      BigInt(r.recoveryCents),
      BigInt(r.newDefaultsCents),
      BigInt(r.delinquent30Cents),
      BigInt(r.delinquent60Cents),
      BigInt(r.delinquent90PlusCents),
      BigInt(r.endingBalanceCents),
      BigInt(r.loanCount),
      r.loanStateRoot,
      r.contentHash,
    ],
  ]);
  return { to: pool, data, label: `submitReport(period ${r.period}) on ${pool}` };
}

/** core's option errors (bad dates, a period out of range) as the upload's option error. */
function asOptionsError(error: unknown): unknown {
  if (error instanceof Error && "code" in error && error.code === "INVALID_ARGUMENT") {
    return new UploadError("UPLOAD_OPTIONS_INVALID", error.message, { cause: error });
  }
  return error;
}

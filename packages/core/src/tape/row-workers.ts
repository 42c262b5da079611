/**
 * Worker threads that check and salt tape rows for `validateTape` (internal): the reading thread parses the
 * CSV and sends rows in batches; each worker runs `checkAndSaltRow` (the template's checks, the borrower
 * pseudonym, the loan's salt and leaf) and sends back each row's outcome. Batches are answered in the order
 * they were sent, so the reading thread commits loans in row order, exactly as without workers.
 *
 * What crosses back is kept cheap to copy: a good row's record as its JSON text (what a store writes anyway)
 * plus the few fields the reader needs at once, and every leaf of a batch packed in one transferred buffer.
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import { type TapeEncoding } from "./column-mapping";
import { type RowPlan } from "./header";
import { type TapeIssue } from "./tape-issue";

/** What every worker is started with. */
export interface RowWorkerSetup {
  readonly plan: RowPlan;
  readonly borrowerKey: Uint8Array;
  readonly saltKey: Uint8Array | undefined;
}

/** One batch of rows to check: each row's number (for its issues) and cells. */
export interface RowBatch {
  readonly id: number;
  readonly encoding: TapeEncoding | undefined;
  readonly rows: readonly { readonly row: number; readonly cells: readonly string[] }[];
}

/** A good row as a worker sends it back. */
export interface CheckedLoanWire {
  readonly loanId: string;
  /** `loanRecordJson(record)`. */
  readonly recordJson: string;
  /** The summary's inputs: current principal (cents) and rate (wad) as digit strings, remaining term. */
  readonly currentPrincipalCents: string;
  readonly rateWad: string;
  readonly remainingTermMonths: number;
  /** With a salt key: the loan's salt (its leaf is in the batch's `leaves`, at the row's index). */
  readonly salt?: string;
  /** With the plan's `pledgeIdentity`: the loan's pledge identity digest (see `RowOutcome`). */
  readonly pledgeDigest?: string;
}

/** One row's outcome: its issues, or (none) the loan. */
export type RowOutcomeWire =
  | { readonly issues: readonly TapeIssue[]; readonly loan?: undefined }
  | { readonly issues: readonly []; readonly loan: CheckedLoanWire };

export interface RowBatchResult {
  readonly id: number;
  readonly outcomes: readonly RowOutcomeWire[];
  /** 32 bytes per row of the batch: the leaf of each good row checked with a salt key, zeros otherwise. */
  readonly leaves: Uint8Array;
}

/** A batch's outcomes, with each salted row's leaf as a view of the batch's packed leaves. */
export type CheckedBatch = readonly (RowOutcomeWire & { readonly leaf?: Uint8Array })[];

const WORKER_FILE = path.join(__dirname, `row-worker${path.extname(__filename)}`);
/** Run from TypeScript sources (tests, ts-node scripts), the worker needs ts-node too. */
const WORKER_EXEC_ARGV = path.extname(__filename) === ".ts" ? ["-r", "ts-node/register/transpile-only"] : [];

export class RowWorkerPool {
  readonly #workers: Worker[];
  readonly #waiting = new Map<number, { resolve: (rows: CheckedBatch) => void; reject: (error: Error) => void }>();
  #next = 0;
  #failure: Error | undefined;

  constructor(count: number, setup: RowWorkerSetup) {
    this.#workers = Array.from({ length: count }, () => {
      const worker = new Worker(WORKER_FILE, { workerData: setup, execArgv: WORKER_EXEC_ARGV });
      worker.on("message", (result: RowBatchResult) => this.#answer(result));
      worker.on("error", (error) => this.#fail(error));
      worker.on("exit", (code) => {
        if (code !== 0) this.#fail(new Error(`a tape row worker exited with code ${code}`));
      });
      return worker;
    });
  }

  /** Checks a batch on the next worker (round robin); resolves with one outcome per row, in the batch's order. */
  check(encoding: TapeEncoding | undefined, rows: RowBatch["rows"]): Promise<CheckedBatch> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#next;
    this.#next += 1;
    const worker = this.#workers[id % this.#workers.length];
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker?.postMessage({ id, encoding, rows } satisfies RowBatch);
    });
  }

  /** Stops every worker; batches still out are rejected. */
  async close(): Promise<void> {
    this.#fail(new Error("the tape row workers were stopped"));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #answer({ id, outcomes, leaves }: RowBatchResult): void {
    const waiting = this.#waiting.get(id);
    if (waiting === undefined) return;
    this.#waiting.delete(id);
    waiting.resolve(
      outcomes.map((outcome, index) =>
        outcome.loan?.salt === undefined ? outcome : { ...outcome, leaf: leaves.subarray(32 * index, 32 * index + 32) },
      ),
    );
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }
}

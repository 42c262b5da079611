/**
 * Worker threads that parse, check and salt tape rows for `validateTape` (internal): the reading thread cuts the
 * CSV text into slices of whole records (`csv-slices.ts`) and sends them out; each worker parses its slice with
 * the reader's own parser options and runs `checkAndSaltRow` (the template's checks, the borrower pseudonym, the
 * loan's salt and leaf) on each record. Slices are answered in the order they were sent, so the reading thread
 * commits loans in row order, exactly as without workers.
 *
 * What crosses back is kept cheap to copy: numbers in typed arrays and every leaf of a slice in one buffer (all
 * transferred), and a good loan as a few strings, its record as its JSON text (what a store writes anyway).
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import { type LoanRecord, loanRecordJson } from "../loan-record";
import { type SummaryInput } from "../tape-summary";
import { type TapeEncoding } from "./column-mapping";
import { type RowPlan } from "./header";
import { type TapeIssue } from "./tape-issue";

/** What every worker is started with: the header's plan and width, the keys, the CSV delimiter. */
export interface RowWorkerSetup {
  readonly plan: RowPlan;
  /** Cells per record (the header's): a record of another width is reported by the reader. */
  readonly width: number;
  readonly delimiter: string;
  readonly borrowerKey: Uint8Array;
  readonly saltKey: Uint8Array | undefined;
}

/** A slice of whole CSV records to parse and check. */
export interface CsvSliceJob {
  readonly id: number;
  readonly text: string;
  /** The line the slice starts on in its file (rows are numbered as in the file). */
  readonly firstLine: number;
  readonly encoding: TapeEncoding | undefined;
}

/** A slice's outcome. Records are in file order; good ones are numbered by their order among the good. */
export interface CheckedSlice {
  readonly id: number;
  /** csv-parse had to skip a record (a quote problem): nothing else is given; the reader parses the slice itself. */
  readonly malformed: boolean;
  /** Each record's row (the line it starts on). */
  readonly rows: Int32Array;
  /** Each record's number of cells: when it is not the header's, the record was not checked. */
  readonly widths: Int32Array;
  /** Records checked and refused (by index among the slice's records), with their issues. */
  readonly bad: readonly { readonly index: number; readonly issues: readonly TapeIssue[] }[];
  /** `GOOD_LOAN_FIELDS` strings per good record (see `packGoodLoan`). */
  readonly good: readonly string[];
  /** 32 bytes per good record: its leaf when checked with a salt key, zeros otherwise. */
  readonly leaves: Uint8Array;
}

/** A good record as the reader takes it. */
export interface GoodLoan {
  readonly loanId: string;
  readonly summary: SummaryInput;
  /** `loanRecordJson(record)`. */
  readonly recordJson: string;
  /** With a salt key: the loan's salt (its leaf is in the slice's `leaves`). */
  readonly salt?: string;
  /** With the plan's `pledgeIdentity`: the loan's pledge identity digest (see `RowOutcome`). */
  readonly pledgeDigest?: string;
}

const GOOD_LOAN_FIELDS = 7;

/** Appends a good record to a slice's `good` strings (on the worker). */
export function packGoodLoan(
  good: string[],
  record: LoanRecord,
  salt: string | undefined,
  pledgeDigest: string | undefined,
): void {
  good.push(
    record.loanId,
    record.currentPrincipalCents.toString(),
    record.rateWad.toString(),
    String(record.remainingTermMonths),
    salt ?? "",
    pledgeDigest ?? "",
    loanRecordJson(record),
  );
}

/** The `n`th good record of a slice's `good` strings (on the reader). */
export function goodLoanAt(good: readonly string[], n: number): GoodLoan {
  const at = n * GOOD_LOAN_FIELDS;
  const field = (offset: number): string => good[at + offset] ?? "";
  const salt = field(4);
  const pledgeDigest = field(5);
  return {
    loanId: field(0),
    summary: {
      currentPrincipalCents: BigInt(field(1)),
      rateWad: BigInt(field(2)),
      remainingTermMonths: Number(field(3)),
    },
    recordJson: field(6),
    ...(salt === "" ? {} : { salt }),
    ...(pledgeDigest === "" ? {} : { pledgeDigest }),
  };
}

const WORKER_FILE = path.join(__dirname, `row-worker${path.extname(__filename)}`);
/** Run from TypeScript sources (tests, ts-node scripts), the worker needs ts-node too. */
const WORKER_EXEC_ARGV = path.extname(__filename) === ".ts" ? ["-r", "ts-node/register/transpile-only"] : [];

export class RowWorkerPool {
  readonly #workers: Worker[];
  readonly #waiting = new Map<number, { resolve: (slice: CheckedSlice) => void; reject: (error: Error) => void }>();
  #next = 0;
  #failure: Error | undefined;

  constructor(count: number, setup: RowWorkerSetup) {
    this.#workers = Array.from({ length: count }, () => {
      const worker = new Worker(WORKER_FILE, { workerData: setup, execArgv: WORKER_EXEC_ARGV });
      worker.on("message", (result: CheckedSlice) => this.#answer(result));
      worker.on("error", (error) => this.#fail(error));
      worker.on("exit", (code) => {
        if (code !== 0) this.#fail(new Error(`a tape row worker exited with code ${code}`));
      });
      return worker;
    });
  }

  /** Parses and checks a slice on the next worker (round robin). */
  check(text: string, firstLine: number, encoding: TapeEncoding | undefined): Promise<CheckedSlice> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#next;
    this.#next += 1;
    const worker = this.#workers[id % this.#workers.length];
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker?.postMessage({ id, text, firstLine, encoding } satisfies CsvSliceJob);
    });
  }

  /** Stops every worker; slices still out are rejected. */
  async close(): Promise<void> {
    this.#fail(new Error("the tape row workers were stopped"));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #answer(slice: CheckedSlice): void {
    const waiting = this.#waiting.get(slice.id);
    if (waiting === undefined) return;
    this.#waiting.delete(slice.id);
    waiting.resolve(slice);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }
}

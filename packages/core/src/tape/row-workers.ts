/**
 * Worker threads that parse, check and salt tape rows for `validateTape` (internal): the reading thread cuts the
 * CSV text into slices of whole records (`csv-slices.ts`) and sends them out; each worker parses its slice with
 * the reader's own parser options and runs `checkAndSaltRow` (the template's checks, the borrower pseudonym, the
 * loan's salt and leaf) on each record. Slices are answered in the order they were sent, so the reading thread
 * commits loans in row order, exactly as without workers.
 *
 * What crosses back is kept cheap to copy: a good loan's numbers, salt, leaf and record JSON (UTF-8, what a store
 * writes anyway) in a few buffers per slice, all transferred; only its loan id crosses as a string.
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

/**
 * A slice's outcome. Records are in file order; good ones are numbered by their order among the good, and every
 * per-good-record field below is in that order. Besides the loan ids, a good record crosses as bytes and numbers in
 * buffers that move to the reader without a copy: no string per field to copy twice and collect.
 */
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
  /** Each good record's loan id. */
  readonly loanIds: readonly string[];
  /** Per good record, the summary's inputs: current principal (cents) as its low and high 64 bits, then the rate (wad). */
  readonly amounts: BigUint64Array;
  /** Per good record, its remaining term in months. */
  readonly remainingTerms: Int32Array;
  /** Every good record's `loanRecordJson`, UTF-8, one after the other; the nth ends at `jsonEnds[n]`. */
  readonly recordJson: Uint8Array;
  readonly jsonEnds: Int32Array;
  /**
   * Whether the records were checked with a salt key. Then `saltsHex` holds each good record's salt as it is written
   * (0x and 64 lowercase hex digits, 66 ASCII bytes), and `leaves` its leaf (32 bytes).
   */
  readonly salted: boolean;
  readonly saltsHex: Uint8Array;
  readonly leaves: Uint8Array;
  /** With the plan's `pledgeIdentity`: each good record's pledge identity digest (see `RowOutcome`); else empty. */
  readonly pledgeDigests: readonly string[];
}

/** A good record as the reader takes it. */
export interface GoodLoan {
  readonly loanId: string;
  readonly summary: SummaryInput;
  /** `loanRecordJson(record)` as UTF-8: a view into the slice's buffer. */
  readonly recordJsonUtf8: Uint8Array;
  /** With a salt key: the loan's salt as the 66 ASCII bytes of its 0x hex, and its leaf (views into the slice's buffers). */
  readonly salt?: Uint8Array;
  readonly leaf?: Uint8Array;
  /** With the plan's `pledgeIdentity`: the loan's pledge identity digest (see `RowOutcome`). */
  readonly pledgeDigest?: string;
}

const LOW_64 = (1n << 64n) - 1n;
/** "0x" and 64 hex digits. */
const SALT_HEX_BYTES = 66;

/** Packs a slice's good records on the worker (see `CheckedSlice`); `finish` gives the buffers to transfer. */
export class GoodLoanPacker {
  readonly #loanIds: string[] = [];
  readonly #pledgeDigests: string[] = [];
  readonly #amounts: BigUint64Array;
  readonly #remainingTerms: Int32Array;
  readonly #jsonEnds: Int32Array;
  readonly #saltsHex: Buffer;
  readonly #leaves: Uint8Array;
  #json: Buffer;
  #jsonLength = 0;
  #count = 0;

  /** `records`: at most this many good records; `jsonBytes`: a first guess of their JSON's size. */
  constructor(records: number, jsonBytes: number) {
    this.#amounts = new BigUint64Array(3 * records);
    this.#remainingTerms = new Int32Array(records);
    this.#jsonEnds = new Int32Array(records);
    this.#saltsHex = ownBuffer(SALT_HEX_BYTES * records);
    this.#leaves = new Uint8Array(32 * records);
    this.#json = ownBuffer(Math.max(1024, jsonBytes));
  }

  /** `salt`: 0x hex, as `saltedLoanLeaf` gives it. */
  add(record: LoanRecord, salt: string | undefined, leaf: Uint8Array | undefined, pledgeDigest?: string): void {
    const n = this.#count;
    this.#count += 1;
    this.#loanIds.push(record.loanId);
    const principal = record.currentPrincipalCents;
    // Split only an amount above 64 bits (BigInt arithmetic allocates; the high half is almost always 0).
    this.#amounts[3 * n] = principal <= LOW_64 ? principal : principal & LOW_64;
    this.#amounts[3 * n + 1] = principal <= LOW_64 ? 0n : principal >> 64n;
    this.#amounts[3 * n + 2] = record.rateWad;
    this.#remainingTerms[n] = record.remainingTermMonths;
    if (salt !== undefined) this.#saltsHex.write(salt, SALT_HEX_BYTES * n, SALT_HEX_BYTES, "latin1");
    if (leaf !== undefined) this.#leaves.set(leaf, 32 * n);
    if (pledgeDigest !== undefined) this.#pledgeDigests.push(pledgeDigest);
    const json = loanRecordJson(record);
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.#jsonLength + 3 * json.length > this.#json.length) {
      const grown = ownBuffer(2 * this.#json.length + 3 * json.length);
      this.#json.copy(grown, 0, 0, this.#jsonLength);
      this.#json = grown;
    }
    this.#jsonLength += this.#json.write(json, this.#jsonLength);
    this.#jsonEnds[n] = this.#jsonLength;
  }

  finish(): Pick<
    CheckedSlice,
    "loanIds" | "amounts" | "remainingTerms" | "recordJson" | "jsonEnds" | "saltsHex" | "leaves" | "pledgeDigests"
  > {
    const n = this.#count;
    return {
      loanIds: this.#loanIds,
      amounts: this.#amounts.subarray(0, 3 * n),
      remainingTerms: this.#remainingTerms.subarray(0, n),
      recordJson: this.#json.subarray(0, this.#jsonLength),
      jsonEnds: this.#jsonEnds.subarray(0, n),
      saltsHex: this.#saltsHex.subarray(0, SALT_HEX_BYTES * n),
      leaves: this.#leaves.subarray(0, 32 * n),
      pledgeDigests: this.#pledgeDigests,
    };
  }
}

/** A Buffer over an ArrayBuffer of its own (never Node's shared pool), so that it can be transferred. */
function ownBuffer(bytes: number): Buffer {
  return Buffer.from(new ArrayBuffer(bytes));
}

/** The buffers of a slice that move to the reader (each is its own ArrayBuffer). */
export function transferList(slice: CheckedSlice): ArrayBuffer[] {
  return [
    slice.rows,
    slice.widths,
    slice.amounts,
    slice.remainingTerms,
    slice.recordJson,
    slice.jsonEnds,
    slice.saltsHex,
    slice.leaves,
  ].map((view) => view.buffer as ArrayBuffer);
}

/** The `n`th good record's current principal from its two 64-bit halves. */
function principalAt(slice: CheckedSlice, n: number): bigint {
  const low = slice.amounts[3 * n] ?? 0n;
  const high = slice.amounts[3 * n + 1] ?? 0n;
  return high === 0n ? low : (high << 64n) | low;
}

/** The `n`th good record of a slice (on the reader). */
export function goodLoanAt(slice: CheckedSlice, n: number): GoodLoan {
  const jsonStart = n === 0 ? 0 : (slice.jsonEnds[n - 1] ?? 0);
  const pledgeDigest = slice.pledgeDigests[n];
  return {
    loanId: slice.loanIds[n] ?? "",
    summary: {
      currentPrincipalCents: principalAt(slice, n),
      rateWad: slice.amounts[3 * n + 2] ?? 0n,
      remainingTermMonths: slice.remainingTerms[n] ?? 0,
    },
    recordJsonUtf8: slice.recordJson.subarray(jsonStart, slice.jsonEnds[n] ?? jsonStart),
    ...(slice.salted
      ? {
          salt: slice.saltsHex.subarray(SALT_HEX_BYTES * n, SALT_HEX_BYTES * (n + 1)),
          leaf: slice.leaves.subarray(32 * n, 32 * n + 32),
        }
      : {}),
    ...(pledgeDigest === undefined ? {} : { pledgeDigest }),
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

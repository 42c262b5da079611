/**
 * A tape row worker's thread (see `row-workers.ts`): parses each slice of CSV records it is sent, checks and
 * salts each record, and answers with the slice's outcome packed for a cheap copy back.
 */
import { parentPort, workerData } from "node:worker_threads";
import { fastKeccakReady } from "../hashing";
import { checkAndSaltRow } from "./check-row";
import { parseCsvSlice } from "./read-rows";
import { type CsvSliceJob, type CheckedSlice, GoodLoanPacker, type RowWorkerSetup, transferList } from "./row-workers";

const { plan, borrowerKey, saltKey, delimiter, width } = workerData as RowWorkerSetup;
const port = parentPort;
if (port === null) throw new Error("row-worker runs as a worker thread");

function checkSlice({ id, text, firstLine, encoding }: CsvSliceJob): CheckedSlice {
  const parsed = parseCsvSlice(text, delimiter, firstLine);
  const count = parsed.records.length;
  const rows = new Int32Array(count);
  const widths = new Int32Array(count);
  const bad: CheckedSlice["bad"][number][] = [];
  // A record's JSON is about 2.5 times its CSV text.
  const good = new GoodLoanPacker(count, 3 * text.length);
  parsed.records.forEach(({ row, cells }, index) => {
    rows[index] = row;
    widths[index] = cells.length;
    if (cells.length !== width) return; // the reader reports it (and whether the file was cut short)
    const { record, issues, salt, leaf, pledgeDigest } = checkAndSaltRow(
      row,
      plan,
      cells,
      encoding,
      borrowerKey,
      saltKey,
    );
    if (record === undefined || issues.length > 0) {
      bad.push({ index, issues });
      return;
    }
    good.add(record, salt, leaf, pledgeDigest);
  });
  return { id, malformed: parsed.malformed, rows, widths, bad, salted: saltKey !== undefined, ...good.finish() };
}

// Slices are handled one at a time, in order: the first waits for the fast hasher, the rest queue behind it.
let ready: Promise<void> = fastKeccakReady;
port.on("message", (job: CsvSliceJob) => {
  ready = ready.then(() => {
    const checked = checkSlice(job);
    // Freshly allocated, never shared: each buffer is an ArrayBuffer and moves to the reader without a copy.
    port.postMessage(checked, transferList(checked));
  });
  // A failure here is a bug: rethrown outside the chain, it ends the worker and fails the validation.
  ready.catch((error: unknown) =>
    setImmediate(() => {
      throw error;
    }),
  );
});

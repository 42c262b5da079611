/**
 * A tape row worker's thread (see `row-workers.ts`): checks and salts each batch it is sent, and answers
 * with each row's outcome and the batch's leaves packed in one transferred buffer.
 */
import { parentPort, workerData } from "node:worker_threads";
import { fastKeccakReady } from "../hashing";
import { loanRecordJson } from "../loan-record";
import { checkAndSaltRow } from "./check-row";
import { type RowBatch, type RowBatchResult, type RowOutcomeWire, type RowWorkerSetup } from "./row-workers";

const { plan, borrowerKey, saltKey } = workerData as RowWorkerSetup;
const port = parentPort;
if (port === null) throw new Error("row-worker runs as a worker thread");

// Batches are handled one at a time, in order: the first waits for the fast hasher, the rest queue behind it.
let ready: Promise<void> = fastKeccakReady;
port.on("message", (batch: RowBatch) => {
  ready = ready.then(() => {
    const leaves = new Uint8Array(32 * batch.rows.length);
    const outcomes = batch.rows.map(({ row, cells }, index): RowOutcomeWire => {
      const { record, issues, salt, leaf, pledgeDigest } = checkAndSaltRow(
        row,
        plan,
        cells,
        batch.encoding,
        borrowerKey,
        saltKey,
      );
      if (record === undefined || issues.length > 0) return { issues };
      if (leaf !== undefined) leaves.set(leaf, 32 * index);
      return {
        issues: [],
        loan: {
          loanId: record.loanId,
          recordJson: loanRecordJson(record),
          currentPrincipalCents: record.currentPrincipalCents.toString(),
          rateWad: record.rateWad.toString(),
          remainingTermMonths: record.remainingTermMonths,
          ...(salt === undefined ? {} : { salt }),
          ...(pledgeDigest === undefined ? {} : { pledgeDigest }),
        },
      };
    });
    port.postMessage({ id: batch.id, outcomes, leaves } satisfies RowBatchResult, [leaves.buffer]);
  });
  // A failure here is a bug: rethrown outside the chain, it ends the worker and fails the validation.
  ready.catch((error: unknown) =>
    setImmediate(() => {
      throw error;
    }),
  );
});

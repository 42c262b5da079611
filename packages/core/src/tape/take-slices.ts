/**
 * How `validateTape` reads a CSV tape with row workers (internal): the text comes cut into slices of whole
 * records (`csv-slices.ts`); slices before the header's plan is known are read on the reader's thread, every
 * later one is parsed and checked on a worker, and the outcomes are taken in slice order.
 *
 * A slice csv-parse cannot read cleanly (a quote problem), or text the cutter could not cut, is where the
 * workers stop: from that slice on, all the remaining text is read on the reader's thread as one text, so every
 * problem is found and placed exactly as reading the whole file on one thread does.
 */
import { type TapeEncoding } from "./column-mapping";
import { type CsvSlice } from "./csv-slices";
import type { CheckedSlice, RowWorkerPool } from "./row-workers";

/** What a slice's reading came to: `stop` when the reader must stop (`maxErrors`). */
export type SliceTaken = "taken" | "malformed" | "stop";

export interface SliceReader {
  /** Whether the header's plan is known, so that workers can check records. */
  ready(): boolean;
  /** Parses and takes a slice on this thread (before `ready`); `malformed` when none of it was taken. */
  takeHere(slice: CsvSlice): Promise<SliceTaken>;
  startWorkers(): RowWorkerPool;
  /** The tape's encoding so far (GBK is detected while reading). */
  encoding(): TapeEncoding | undefined;
  /** Slices out on workers before the reader waits for the oldest. */
  readonly inFlight: number;
  /** Takes a slice's outcome; true to stop. */
  takeChecked(slice: CheckedSlice): Promise<boolean>;
  /** Reads all of `texts` on this thread, as one text starting at line `firstLine`; true to stop. */
  takeAll(texts: AsyncIterable<string>, firstLine: number): Promise<boolean>;
}

/** Reads every slice (see the module comment); true if reading stopped early. Stops the workers it started. */
export async function takeSlices(slices: AsyncIterable<CsvSlice>, reader: SliceReader): Promise<boolean> {
  const iterator = slices[Symbol.asyncIterator]();
  let workers: RowWorkerPool | undefined;
  /** Slices out on workers, oldest first. */
  const out: { readonly slice: CsvSlice; readonly checked: Promise<CheckedSlice> }[] = [];

  /** From `first` on, the rest of the text read here as one text; true if reading stopped early. */
  const readRestHere = (first: readonly CsvSlice[]): Promise<boolean> => {
    async function* texts(): AsyncGenerator<string> {
      for (const slice of first) yield slice.text;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value.text;
    }
    return reader.takeAll(texts(), first[0]?.firstLine ?? 1);
  };
  /** Takes the oldest slice out; a malformed one stays out (the first slice to read here). */
  const takeOldest = async (): Promise<SliceTaken> => {
    const oldest = out[0];
    if (oldest === undefined) return "taken";
    const checked = await oldest.checked;
    if (checked.malformed) return "malformed";
    out.shift();
    return (await reader.takeChecked(checked)) ? "stop" : "taken";
  };
  /** Takes slices out until at most `keep` remain; a malformed one means reading the rest here. */
  const drain = async (keep: number, then: readonly CsvSlice[] = []): Promise<boolean | undefined> => {
    while (out.length > keep) {
      const taken = await takeOldest();
      if (taken === "stop") return true;
      if (taken === "malformed") return readRestHere([...out.map(({ slice }) => slice), ...then]);
    }
    return undefined;
  };

  try {
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      const slice = next.value;
      if (!slice.aligned) return (await drain(0, [slice])) ?? (await readRestHere([slice]));
      if (workers === undefined && !reader.ready()) {
        const taken = await reader.takeHere(slice);
        if (taken === "stop") return true;
        if (taken === "malformed") return await readRestHere([slice]);
        continue;
      }
      workers ??= reader.startWorkers();
      out.push({ slice, checked: workers.check(slice.text, slice.firstLine, reader.encoding()) });
      const stopped = await drain(reader.inFlight - 1);
      if (stopped !== undefined) return stopped;
    }
    return (await drain(0)) ?? false;
  } finally {
    // Slices still out when reading stopped early (or went on here) are dropped: their rows were never taken.
    for (const { checked } of out) checked.catch(() => undefined);
    // Reading stopped early: close the text too, so the source stops (as a loop's break does).
    await iterator.return?.(undefined);
    await workers?.close();
  }
}

/**
 * Cuts decoded CSV text into slices of whole records, so that row workers can parse slices side by side
 * (internal to `validateTape`). A record ends at a line break outside quotes: the cutter follows quotes as
 * RFC 4180 writes them (a quoted cell opens and closes with a quote; a quote inside it is doubled), which is
 * exactly how csv-parse reads a well-formed file. Where a file is not well formed the two may disagree, and
 * the reader then parses the slice itself (see `validateTape`), so a cut never changes what a tape means.
 *
 * Each slice carries the line it starts on, so that rows are numbered as in the whole file.
 */
import { lineBreaksIn } from "./read-rows";

/** Whole records of the text, in order, from line `firstLine` (1-based). */
export interface CsvSlice {
  readonly text: string;
  readonly firstLine: number;
  /**
   * False once the cutter gave up (no record end within `maxRecordChars`: one huge cell or an unclosed quote):
   * this slice and every later one are plain text, to be parsed in one piece by the reader.
   */
  readonly aligned: boolean;
}

const QUOTE = '"';
const LINE_FEED = "\n";

/**
 * Slices of about `targetChars` characters (more for a longer record), each ending at a record's end, except
 * the last slice when the text does not end with a line break.
 */
export async function* csvRecordSlices(
  chunks: AsyncIterable<string>,
  targetChars: number,
  maxRecordChars: number,
): AsyncGenerator<CsvSlice> {
  /** Text read but not yet sliced: parts of chunks, joined when a slice is cut. */
  let pending: string[] = [];
  let pendingChars = 0;
  let firstLine = 1;
  let inQuote = false;
  let aligned = true;
  const cut = (text: string): CsvSlice => {
    const slice = { text, firstLine, aligned };
    firstLine += lineBreaksIn(text);
    return slice;
  };
  for await (const chunk of chunks) {
    if (!aligned) {
      yield cut(chunk);
      continue;
    }
    /** Where the chunk's text not yet in a slice begins. */
    let start = 0;
    let at = 0;
    let quote = chunk.indexOf(QUOTE);
    for (;;) {
      if (inQuote) {
        if (quote < 0) break; // the rest of the chunk is inside the quoted cell
        inQuote = false;
        at = quote + 1;
        quote = chunk.indexOf(QUOTE, at);
        continue;
      }
      const lineFeed = chunk.indexOf(LINE_FEED, at);
      if (quote >= 0 && (lineFeed < 0 || quote < lineFeed)) {
        inQuote = true;
        at = quote + 1;
        quote = chunk.indexOf(QUOTE, at);
        continue;
      }
      if (lineFeed < 0) break;
      at = lineFeed + 1; // a record ends here
      if (pendingChars + (at - start) >= targetChars) {
        pending.push(chunk.slice(start, at));
        yield cut(pending.join(""));
        pending = [];
        pendingChars = 0;
        start = at;
      }
    }
    if (start < chunk.length) {
      pending.push(start === 0 ? chunk : chunk.slice(start));
      pendingChars += chunk.length - start;
    }
    if (pendingChars > targetChars + maxRecordChars) {
      // No record end for longer than a record may be: leave the rest to one parser, which reports it.
      aligned = false;
      yield cut(pending.join(""));
      pending = [];
      pendingChars = 0;
    }
  }
  if (pendingChars > 0) yield cut(pending.join(""));
}

/**
 * Streaming text decoding of a tape in UTF-8 or GBK, declared or detected.
 *
 * Detection ("auto"): a UTF-8 byte order mark means UTF-8. Otherwise bytes are passed through while they
 * are ASCII (the same in both encodings), and the encoding is decided at the first non-ASCII byte from a
 * window of up to 64 bytes: valid UTF-8 -> UTF-8, else GBK. So a file is read once, in constant memory.
 *
 * Bytes that are invalid in the chosen encoding become U+FFFD (the replacement character); the tape
 * reader reports each cell holding one as `TAPE_ENCODING_INVALID` with its row and column, which is how
 * a GBK tape read as UTF-8 (or UTF-8 text followed by GBK) is caught.
 *
 * The other mix, GBK first and UTF-8 later, decodes without a single invalid byte (UTF-8 Chinese reads as
 * rare GBK characters), so it is looked for: in a file read as GBK, a run of non-ASCII bytes that is valid
 * UTF-8 Chinese (two characters or more) and is not GB2312 text (the common GBK range: lead and trail bytes
 * 0xA1-0xFE, leads up to 0xF7) is the first place of a mixed file (`mixedAt`), which the tape reader refuses.
 */
import iconv from "iconv-lite";
import { InvalidArgumentError } from "../errors";
import { type TapeEncoding, type TapeEncodingOption } from "./column-mapping";

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Non-ASCII bytes looked at before deciding between UTF-8 and GBK. */
const DETECTION_WINDOW_BYTES = 64;

/** The character a decoder puts in place of invalid bytes. */
export const REPLACEMENT_CHARACTER = "\uFFFD";

interface TextDecoderLike {
  write(bytes: Buffer): string;
  end(): string;
}

function decoderFor(encoding: TapeEncoding): TextDecoderLike {
  if (encoding === "gbk") {
    const gbk = iconv.getDecoder("gbk");
    return { write: (bytes) => gbk.write(bytes), end: () => gbk.end() ?? "" };
  }
  // Non-fatal: invalid bytes become U+FFFD, reported per cell. The BOM is dropped.
  const utf8 = new TextDecoder("utf-8");
  return { write: (bytes) => utf8.decode(bytes, { stream: true }), end: () => utf8.decode() };
}

/** Whether `bytes` is valid UTF-8; an incomplete sequence at the end counts as valid unless `final`. */
export function isValidUtf8(bytes: Uint8Array, final: boolean): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: !final });
    return true;
  } catch {
    return false;
  }
}

function firstNonAscii(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] ?? 0) >= 0x80) return i;
  }
  return -1;
}

/** The decoded text of a tape, and what it learned on the way. */
export interface DecodedText {
  /** The text, chunk by chunk. */
  readonly chunks: AsyncGenerator<string, void, undefined>;
  /** The encoding used: known once the first non-ASCII byte (or the end) has been read. */
  encoding(): TapeEncoding | undefined;
  /** Whether the file started with a UTF-8 byte order mark. */
  hadBom(): boolean;
  /** Bytes read so far. */
  bytesRead(): number;
  /** In a file read as GBK: where UTF-8 text was found first (1-based line, 0-based byte offset). */
  mixedAt(): { readonly line: number; readonly byteOffset: number } | undefined;
}

/** A run of UTF-8 Chinese: Han characters, CJK punctuation and full-width forms only. */
const UTF8_CHINESE = /^[\p{Script=Han}\u3000-\u303f\uff00-\uffef]{2,}$/u;

/** Whether `run` (an even number of bytes) is GB2312 text: the byte pairs a GBK file of ordinary Chinese holds. */
function isGb2312(run: Buffer): boolean {
  if (run.length % 2 !== 0) return false;
  for (let i = 0; i < run.length; i += 2) {
    const lead = run[i] ?? 0;
    const trail = run[i + 1] ?? 0;
    if (lead < 0xa1 || lead > 0xf7 || trail < 0xa1 || trail > 0xfe) return false;
  }
  return true;
}

/** Watches the bytes of a file read as GBK for a run of UTF-8 Chinese (see the module comment). */
class Utf8InGbkWatch {
  found: { line: number; byteOffset: number } | undefined;
  private line = 1;
  private offset = 0;
  private run: number[] = [];
  private runStart = 0;
  private runLine = 1;
  /** Runs longer than this are judged on their first bytes (a label is short). */
  private static readonly MAX_RUN = 1024;

  /** `judging`: whether the file is known to be GBK (runs that end before that are not judged). */
  constructor(private readonly judging: () => boolean) {}

  feed(bytes: Uint8Array): void {
    if (this.found !== undefined) return;
    for (let i = 0; i < bytes.length; i++, this.offset++) {
      const b = bytes[i] ?? 0;
      if (b >= 0x80) {
        if (this.run.length === 0) {
          this.runStart = this.offset;
          this.runLine = this.line;
        }
        if (this.run.length < Utf8InGbkWatch.MAX_RUN) this.run.push(b);
        continue;
      }
      if (this.run.length > 0 && this.judge()) return;
      if (b === 0x0a) this.line++;
    }
  }

  end(): void {
    if (this.found === undefined && this.run.length > 0) this.judge();
  }

  /** Judge the run just ended; true (and `found` set) if it is UTF-8 Chinese in a GBK file. */
  private judge(): boolean {
    const run = Buffer.from(this.run);
    this.run = [];
    if (!this.judging()) return false;
    if (run.length < 6 || run.length % 3 !== 0 || !isValidUtf8(run, true) || isGb2312(run)) return false;
    if (!UTF8_CHINESE.test(run.toString("utf8"))) return false;
    this.found = { line: this.runLine, byteOffset: this.runStart };
    return true;
  }
}

/**
 * Decodes `input` (a Node Readable or any async iterable of bytes) as `encoding`, or detects it ("auto").
 * Strings in the input are taken as already decoded text.
 */
export function decodeTape(input: AsyncIterable<Uint8Array | string>, encoding: TapeEncodingOption): DecodedText {
  if (encoding !== "auto" && encoding !== "utf8" && encoding !== "gbk") {
    throw new InvalidArgumentError("encoding", 'one of "auto", "utf8", "gbk"', JSON.stringify(encoding));
  }
  let chosen: TapeEncoding | undefined = encoding === "auto" ? undefined : encoding;
  let bom = false;
  let bytes = 0;
  // Every byte is shown to the watch (it counts lines and offsets); it judges runs once the file is GBK.
  const watch = new Utf8InGbkWatch(() => chosen === "gbk");
  const show = (chunk: Uint8Array): void => {
    if (chosen !== "utf8") watch.feed(chunk);
  };

  async function* chunks(): AsyncGenerator<string, void, undefined> {
    let decoder = chosen === undefined ? undefined : decoderFor(chosen);
    /** Undecided bytes: the ASCII run that precedes them has already been passed on. */
    let pending = Buffer.alloc(0);
    let atStart = true;
    /** Decode one chunk of bytes, deciding the encoding once enough non-ASCII bytes have been seen. */
    function* decodeBytes(chunk: Uint8Array): Generator<string, void, undefined> {
      if (decoder !== undefined) {
        if (atStart && chunk.length > 0) {
          bom = Buffer.from(chunk.subarray(0, 3)).equals(UTF8_BOM);
          atStart = false;
        }
        const text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
        if (text !== "") yield text;
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      if (atStart) {
        if (pending.length < UTF8_BOM.length && UTF8_BOM.subarray(0, pending.length).equals(pending)) return;
        atStart = false;
        if (pending.subarray(0, 3).equals(UTF8_BOM)) {
          bom = true;
          chosen = "utf8";
          decoder = decoderFor(chosen);
          const text = decoder.write(pending);
          pending = Buffer.alloc(0);
          if (text !== "") yield text;
          return;
        }
      }
      const start = firstNonAscii(pending);
      if (start < 0) {
        // All ASCII so far: the same text in either encoding.
        yield pending.toString("latin1");
        pending = Buffer.alloc(0);
        return;
      }
      if (pending.length - start < DETECTION_WINDOW_BYTES) return;
      chosen = isValidUtf8(pending.subarray(start, start + DETECTION_WINDOW_BYTES), false) ? "utf8" : "gbk";
      decoder = decoderFor(chosen);
      const text = decoder.write(pending);
      pending = Buffer.alloc(0);
      if (text !== "") yield text;
    }
    for await (const chunk of input) {
      if (typeof chunk === "string") {
        bytes += Buffer.byteLength(chunk);
        chosen ??= "utf8";
        yield chunk;
        continue;
      }
      bytes += chunk.length;
      yield* decodeBytes(chunk);
      // Shown after its own decoding: the runs of the chunk that decided the encoding are judged too.
      show(chunk);
    }
    if (decoder === undefined) {
      const start = firstNonAscii(pending);
      chosen = start < 0 || isValidUtf8(pending.subarray(start), true) ? "utf8" : "gbk";
      decoder = decoderFor(chosen);
    }
    watch.end();
    const tail = decoder.write(pending) + decoder.end();
    if (tail !== "") yield tail;
  }

  return {
    chunks: chunks(),
    encoding: () => chosen,
    hadBom: () => bom,
    bytesRead: () => bytes,
    mixedAt: () => watch.found,
  };
}

/**
 * Streaming text decoding of a tape in UTF-8 or GBK, declared or detected.
 *
 * Detection ("auto"): a UTF-8 byte order mark means UTF-8. Otherwise bytes are passed through while they
 * are ASCII (the same in both encodings), and the encoding is decided at the first non-ASCII byte from a
 * window of up to 64 bytes: valid UTF-8 -> UTF-8, else GBK. So a file is read once, in constant memory.
 *
 * Bytes that are invalid in the chosen encoding become U+FFFD (the replacement character); the tape
 * reader reports each cell holding one as `TAPE_ENCODING_INVALID` with its row and column, which is how
 * a GBK tape read as UTF-8 (or a file mixing both) is caught.
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

  async function* chunks(): AsyncGenerator<string, void, undefined> {
    let decoder = chosen === undefined ? undefined : decoderFor(chosen);
    /** Undecided bytes: the ASCII run that precedes them has already been passed on. */
    let pending = Buffer.alloc(0);
    let atStart = true;
    for await (const chunk of input) {
      if (typeof chunk === "string") {
        bytes += Buffer.byteLength(chunk);
        chosen ??= "utf8";
        yield chunk;
        continue;
      }
      bytes += chunk.length;
      if (decoder !== undefined) {
        if (atStart && chunk.length > 0) {
          bom = Buffer.from(chunk.subarray(0, 3)).equals(UTF8_BOM);
          atStart = false;
        }
        const text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
        if (text !== "") yield text;
        continue;
      }
      pending = Buffer.concat([pending, chunk]);
      if (atStart) {
        if (pending.length < UTF8_BOM.length && UTF8_BOM.subarray(0, pending.length).equals(pending)) continue;
        atStart = false;
        if (pending.subarray(0, 3).equals(UTF8_BOM)) {
          bom = true;
          chosen = "utf8";
          decoder = decoderFor(chosen);
          const text = decoder.write(pending);
          pending = Buffer.alloc(0);
          if (text !== "") yield text;
          continue;
        }
      }
      const start = firstNonAscii(pending);
      if (start < 0) {
        // All ASCII so far: the same text in either encoding.
        yield pending.toString("latin1");
        pending = Buffer.alloc(0);
        continue;
      }
      if (pending.length - start < DETECTION_WINDOW_BYTES) continue;
      chosen = isValidUtf8(pending.subarray(start, start + DETECTION_WINDOW_BYTES), false) ? "utf8" : "gbk";
      decoder = decoderFor(chosen);
      const text = decoder.write(pending);
      pending = Buffer.alloc(0);
      if (text !== "") yield text;
    }
    if (decoder === undefined) {
      const start = firstNonAscii(pending);
      chosen = start < 0 || isValidUtf8(pending.subarray(start), true) ? "utf8" : "gbk";
      decoder = decoderFor(chosen);
    }
    const tail = decoder.write(pending) + decoder.end();
    if (tail !== "") yield tail;
  }

  return {
    chunks: chunks(),
    encoding: () => chosen,
    hadBom: () => bom,
    bytesRead: () => bytes,
  };
}

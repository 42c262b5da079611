import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { type Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { CliError } from "./errors";

/**
 * Writes a file through `write` under a temporary name and renames it into place once complete, so
 * `path` is never half-written: on any failure the temporary file is removed and `OUTPUT_FAILED` thrown.
 */
export async function writeFileAtomically<T>(path: string, write: (out: Writable) => Promise<T> | T): Promise<T> {
  const temporary = `${path}.partial-${process.pid}`;
  const out = createWriteStream(temporary, { flags: "wx" });
  try {
    const written = await write(out);
    out.end();
    await finished(out);
    await rename(temporary, path);
    return written;
  } catch (error) {
    out.destroy();
    await rm(temporary, { force: true });
    throw new CliError("OUTPUT_FAILED", `Cannot write ${JSON.stringify(path)}`, { cause: error });
  }
}

/**
 * A command's input file as a read stream, and its release. `createReadStream` opens the file in the
 * background: a stream destroyed before that open completes still reports the open's outcome (ENOENT if the
 * file went away meanwhile) as an `error` event, which nobody would hear. `closeInputFile` therefore listens for
 * that late error and waits for the descriptor to be closed, so nothing about the file outlives the command.
 */
import { createReadStream, type ReadStream } from "node:fs";
import { once } from "node:events";

export function openInputFile(file: string): ReadStream {
  return createReadStream(file);
}

/** Destroy the stream (read to the end or not) and resolve once its file descriptor is closed. */
export async function closeInputFile(input: ReadStream): Promise<void> {
  if (input.closed) return;
  input.on("error", () => undefined); // the command already has its outcome; a late open error changes nothing
  const closed = once(input, "close");
  input.destroy();
  await closed;
}

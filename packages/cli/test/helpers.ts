/** Runs the real `abs` binary, or `main` in-process with captured streams, for the CLI tests. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type CliIo } from "../src/io";
import { main } from "../src/main";

export const BIN = join(__dirname, "..", "bin", "abs.js");

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns `node bin/abs.js ...args` in `cwd` (stdout and stderr are pipes, not terminals). */
export function abs(cwd: string, ...args: string[]): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function temporaryDirectory(): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "abs-cli-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A Writable that keeps what is written; `isTTY` as given. */
export class CapturedStream extends Writable {
  text = "";
  readonly isTTY: boolean;
  readonly columns = 120;

  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    callback();
  }
}

/** Runs `main` in-process with captured streams. */
export async function runInProcess(
  argv: readonly string[],
  options: { readonly tty?: boolean; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<{ readonly code: number; readonly stdout: string; readonly stderr: string }> {
  const stdout = new CapturedStream(options.tty === true);
  const stderr = new CapturedStream(options.tty === true);
  const io: CliIo = { stdout, stderr, env: options.env ?? {}, now: () => performance.now() };
  const code = await main(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

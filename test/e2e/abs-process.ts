/** The `abs` command as a user runs it: its own process (the built CLI), from the repository root. */
import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "packages", "cli", "bin", "abs.js");

export interface AbsRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `abs ...args` to its end, with `env` added to this process's environment. */
export function absWithEnv(env: Readonly<Record<string, string>>, ...args: string[]): Promise<AbsRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Run `abs ...args` to its end. */
export function abs(...args: string[]): Promise<AbsRun> {
  return absWithEnv({}, ...args);
}

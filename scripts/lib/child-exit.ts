/**
 * Ending a child process of the local consortium (a member node, the indexer) and waiting until it has exited, so
 * its port and LevelDB are free for the next start.
 */
import { type ChildProcess } from "node:child_process";

/** Send `signal` and resolve once the child has exited (at once if it already had). */
export function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  return exited;
}

/** SIGTERM (a graceful stop: LevelDB closed), SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  try {
    await signalAndWait(child, "SIGTERM");
  } finally {
    clearTimeout(timer);
  }
}

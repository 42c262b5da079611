/**
 * Figures of another process from Linux's /proc, for the benchmarks that measure a child (a member
 * node, the chain's node). Each throws where /proc cannot be read (not Linux, or the process is gone).
 */
import { readFileSync } from "node:fs";

/** CPU seconds (user + system) a process has used so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

/** A memory figure of a process in bytes (/proc/<pid>/status): `VmRSS` resident now, `VmHWM` its peak. */
export function memoryOf(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? "")?.[1] ?? 0) * 1024; // kB
}

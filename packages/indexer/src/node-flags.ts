/**
 * Node/V8 flags of a process that runs the indexer.
 *
 * A catch-up allocates short-lived objects at a high rate (parsed JSON-RPC answers, decoded logs,
 * AuditEvents, batch operations). With V8's default young generation (16 MiB semi-spaces) it is
 * scavenged so often that garbage collection took 35-40 % of the catch-up's CPU; with 64 MiB
 * semi-spaces the same catch-up uses about a third less CPU (README, indexer benchmark). V8 sizes
 * the heap when the process starts (`v8.setFlagsFromString` is too late), so the processes that run
 * the indexer are launched with these flags: `npm start`, `npm start -w @abs/indexer`, and the
 * benchmark, which re-launches itself with them. `main.ts` warns when they are missing.
 */
export const INDEXER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=64"];

/** Whether every flag of INDEXER_NODE_FLAGS (any value) is set on the command line or in NODE_OPTIONS. */
export function hasIndexerNodeFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env["NODE_OPTIONS"] ?? "",
): boolean {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map(flagName);
  return INDEXER_NODE_FLAGS.every((flag) => given.includes(flagName(flag)));
}

/** `--max_semi_space_size=64` -> `--max-semi-space-size` (V8 accepts both spellings). */
function flagName(arg: string): string {
  return (arg.split("=")[0] ?? "").replaceAll("_", "-");
}

/**
 * Node's flags for the indexer's process: `npm start -w @abs/indexer` (package.json, which must say the same:
 * tested), the consortium's compose file (deploy/besu) and the scripts that start it as its own process. See
 * main.ts for why these two.
 */
export const INDEXER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=32", "--heap-growing-percent=25"];

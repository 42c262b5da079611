#!/usr/bin/env node
// The `abs` command: loads the TypeScript sources through ts-node (transpile only, no type check: the
// repository's `npm run typecheck` does that), then runs the CLI with the real process streams.
"use strict";
const path = require("node:path");

require("ts-node").register({
  transpileOnly: true,
  project: path.join(__dirname, "..", "tsconfig.json"),
});

const { main, processIo } = require("../src/main.ts");

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`abs: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

#!/usr/bin/env node
// The `abs` command: the CLI built to JavaScript (packages/cli/dist, built by `npm ci` / `npm run build`),
// run with the real process streams. No TypeScript is compiled at run time.
"use strict";

const { main, processIo } = require("../dist/main.js");

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`abs: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

#!/usr/bin/env node
// Checks what `graph build` cannot: every event in each indexed contract's ABI has a handler in
// subgraph.yaml (same signature), every handler is exported by its mapping file, and every handler
// writes an AuditEvent (calls `audit`, directly or through a function of its file that does).
// Exit 1 with the list of problems otherwise. Run after scripts/copy-abis.js.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const dir = path.resolve(__dirname, "..");
const manifest = fs.readFileSync(path.join(dir, "subgraph.yaml"), "utf8");
const problems = [];

/** The Graph's event signature: `Name(indexed address,(uint8,bytes32),uint256)`. */
function abiType(input) {
  if (!input.type.startsWith("tuple")) return input.type;
  return "(" + input.components.map(abiType).join(",") + ")" + input.type.slice("tuple".length);
}
function signature(event) {
  return event.name + "(" + event.inputs.map((i) => (i.indexed ? "indexed " : "") + abiType(i)).join(",") + ")";
}

/** Function bodies of a mapping file, by name (top-level `function` declarations). */
function functions(source) {
  const out = new Map();
  const re = /^(export )?function (\w+)\(/gm;
  const starts = [...source.matchAll(re)];
  starts.forEach((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].index : source.length;
    out.set(m[2], { exported: Boolean(m[1]), body: source.slice(m.index, end) });
  });
  return out;
}

const blocks = manifest.split(/^  - kind: ethereum\/contract$/m).slice(1);
if (blocks.length === 0) problems.push("subgraph.yaml: expected data sources and templates, found none");
let handlerCount = 0;
for (const block of blocks) {
  const name = /^\s+name: (\w+)$/m.exec(block)?.[1];
  const file = /^\s+file: \.\/(src\/[\w-]+\.ts)$/m.exec(block)?.[1];
  const abiName = /^\s+abi: (\w+)$/m.exec(block)?.[1];
  const abiFile = new RegExp(`- name: ${abiName}\\n\\s+file: \\./(abis/\\w+\\.json)`).exec(block)?.[1];
  if (!name || !file || !abiFile) {
    problems.push(`subgraph.yaml: a data source lacks name, mapping file or ABI file (${name ?? "?"})`);
    continue;
  }
  const pairs = [...block.matchAll(/- event: (.+)\n\s+handler: (\w+)/g)].map((m) => ({ event: m[1], handler: m[2] }));
  const abi = JSON.parse(fs.readFileSync(path.join(dir, abiFile), "utf8"));
  for (const ev of abi.filter((x) => x.type === "event")) {
    const sig = signature(ev);
    if (!pairs.some((p) => p.event === sig)) problems.push(`${name}: event ${sig} has no handler in subgraph.yaml`);
  }
  const fns = functions(fs.readFileSync(path.join(dir, file), "utf8"));
  const auditing = new Set([...fns].filter(([, f]) => /\baudit\w*\(/.test(f.body)).map(([n]) => n));
  for (const { handler } of pairs) {
    handlerCount++;
    const fn = fns.get(handler);
    if (!fn || !fn.exported) {
      problems.push(`${name}: handler ${handler} is not exported by ${file}`);
      continue;
    }
    const writesAudit =
      /\baudit\w*\(/.test(fn.body) || [...auditing].some((n) => new RegExp(`\\b${n}\\(`).test(fn.body));
    if (!writesAudit) problems.push(`${name}: handler ${handler} (${file}) writes no AuditEvent`);
  }
}

if (problems.length > 0) {
  console.error("check-coverage: " + problems.length + " problem(s):\n  " + problems.join("\n  "));
  process.exit(1);
}
console.log(
  `check-coverage: ${blocks.length} data sources/templates, ${handlerCount} handlers, every ABI event handled and audited`,
);

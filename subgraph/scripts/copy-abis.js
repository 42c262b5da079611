#!/usr/bin/env node
// Copies the ABIs the subgraph needs from Hardhat's artifacts into subgraph/abis/ (git-ignored).
// Fails loudly (exit 1) if an artifact is missing: run `npx hardhat compile` first.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const out = path.resolve(__dirname, "..", "abis");
const contracts = {
  ConsortiumRegistry: "registry/ConsortiumRegistry.sol",
  AssetPoolFactory: "pool/AssetPoolFactory.sol",
  TrancheTokenFactory: "tokens/TrancheTokenFactory.sol",
  AssetPool: "pool/AssetPool.sol",
  TrancheToken: "tokens/TrancheToken.sol",
  CashToken: "tokens/CashToken.sol",
  DocumentRegistry: "documents/DocumentRegistry.sol",
  OfferingFactory: "issuance/OfferingFactory.sol",
  Offering: "issuance/Offering.sol",
  DvPSettlement: "trading/DvPSettlement.sol",
  ReconciliationLog: "reconciliation/ReconciliationLog.sol",
  PledgeRegistry: "registry/PledgeRegistry.sol",
  WaterfallFactory: "waterfall/WaterfallFactory.sol",
  Waterfall: "waterfall/Waterfall.sol",
};

fs.mkdirSync(out, { recursive: true });
for (const [name, source] of Object.entries(contracts)) {
  const artifact = path.join(root, "artifacts", "contracts", source, `${name}.json`);
  if (!fs.existsSync(artifact)) {
    console.error(
      `copy-abis: expected artifact ${path.relative(root, artifact)}, found none (run \`npx hardhat compile\`)`,
    );
    process.exit(1);
  }
  const { abi } = JSON.parse(fs.readFileSync(artifact, "utf8"));
  if (!Array.isArray(abi)) {
    console.error(`copy-abis: ${path.relative(root, artifact)} has no abi array`);
    process.exit(1);
  }
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(abi, null, 2) + "\n");
}
console.log(`copy-abis: ${Object.keys(contracts).length} ABIs -> ${path.relative(root, out)}/`);

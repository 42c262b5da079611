/**
 * Trustee settlement of one period against a running chain (the operator-script twin of `abs settle`; both are
 * thin shells over `@abs/core`'s `settlement.settlePeriod`):
 *
 *   ABS_TRUSTEE_KEY=0x... npx ts-node --transpile-only scripts/settle.ts \
 *     --rpc-url http://127.0.0.1:PORT --waterfall 0x... --period 1 [--index-bps 250] [--out dir] [--dry-run]
 *
 * Prints the expected distribution, runs the period, verifies the chain's result and stored state against the
 * engine to the cent, and writes the settlement report (JSON + table). Exit 1 on a mismatch or a failed run.
 */
import { parseArgs } from "node:util";
import { main, processIo } from "../packages/cli/src/main";

const { values } = parseArgs({
  options: {
    "rpc-url": { type: "string" },
    waterfall: { type: "string" },
    period: { type: "string" },
    "index-bps": { type: "string" },
    "key-env": { type: "string" },
    out: { type: "string" },
    "dry-run": { type: "boolean" },
    json: { type: "boolean" },
  },
});
const argv = ["settle"];
for (const [name, value] of Object.entries(values)) {
  if (value === true) argv.push(`--${name}`);
  else if (typeof value === "string") argv.push(`--${name}`, value);
}
main(argv, processIo())
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });

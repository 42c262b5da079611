/**
 * Trustee settlement of one period against a running chain (the operator-script twin of `abs settle`; both are
 * thin shells over `@abs/core`'s `settlement.settlePeriod`):
 *
 *   ABS_TRUSTEE_KEY=0x... npx ts-node --transpile-only scripts/settle.ts \
 *     --rpc-url http://127.0.0.1:PORT --waterfall 0x... --period 1 [--index-bps 250] [--out dir] [--dry-run]
 *
 * Prints the expected distribution, runs the period, verifies the chain's result and stored state against the
 * engine to the cent, and writes the settlement report (JSON + table). Exit 1 on a mismatch or a failed run.
 * Every argument goes to `abs settle` as it is (`--help` included): one parser, one set of flags.
 */
import { main, processIo } from "../packages/cli/src/main";

main(["settle", ...process.argv.slice(2)], processIo())
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });

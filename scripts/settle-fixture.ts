/**
 * `hardhat run --network localhost scripts/settle-fixture.ts` (ABS_RPC_URL = a test chain, never 8545): sets up
 * the waterfall test deal of test/helpers/waterfall.ts on that chain, with period 1 reported and its collections
 * deposited, and prints `{"waterfall": "0x...", "pool": "0x..."}` as its last line. Used by test/e2e/settle.test.ts.
 */
import { deployWaterfallDeal, reportAndDeposit } from "../test/helpers/waterfall";

async function run(): Promise<void> {
  const deal = await deployWaterfallDeal();
  await reportAndDeposit(deal, 1);
  console.log(JSON.stringify({ waterfall: await deal.waterfall.getAddress(), pool: await deal.pool.getAddress() }));
}

run().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * `hardhat run --network localhost scripts/settle-fixture.ts` (ABS_RPC_URL = a test chain, never 8545): sets up four
 * deals on that chain and prints `{"waterfall", "pool", "pacWaterfall", "pacPool", "capWaterfall", "capProvider",
 * "ioWaterfall", "swapWaterfall"}` as its last line (used by test/e2e/settle.test.ts):
 * - the waterfall test deal of test/helpers/waterfall.ts, with period 1 reported and its collections deposited;
 * - a PAC/support/Z deal (`pacZConfig` on the 100M sample tranches, class A on a 1.5M-a-period schedule fixed with
 *   `setSchedule`), with period 1 (3M of principal) reported and its collections deposited;
 * - a deal with an interest-rate cap struck at 3% on class A (`capWaterfall`), with period 1 reported and its
 *   collections deposited, and cash in the cap provider's account (`capProvider`, the fixture's guarantor) to pay it;
 * - a deal with AIO, an interest-only strip of class A (`ioStripConfig`, `ioWaterfall`), with period 1 (5M of
 *   principal) reported and its collections deposited;
 * - a deal swapping class A's balance to a fixed 4% (`swapWaterfall`: a fourth fee, paid first to the guarantor as the
 *   counterparty, is the swap's pay leg), with period 1 reported and its collections deposited.
 */
import {
  SAMPLE_TRANCHES_100M,
  SAMPLE_TRANCHES_100M_WITH_IO,
  ioStripConfig,
  bankRef,
  configureAndIssue,
  deployUnconfiguredWaterfall,
  deployWaterfallDeal,
  linearSchedule,
  pacZConfig,
  principalReport,
  reportAndDeposit,
  sampleConfig100M,
} from "../test/helpers/waterfall";

async function run(): Promise<void> {
  const deal = await deployWaterfallDeal();
  await reportAndDeposit(deal, 1);

  const pacBase = await deployUnconfiguredWaterfall({ tranches: SAMPLE_TRANCHES_100M });
  const pac = await configureAndIssue(pacBase, pacZConfig({ ...sampleConfig100M(), triggers: [] }), {}, [
    linearSchedule(70_000_000_00n, 1_500_000_00n),
  ]);
  await reportAndDeposit(pac, 1, principalReport(3_000_000_00n, 97_000_000_00n));

  const capBase = await deployUnconfiguredWaterfall({ tranches: SAMPLE_TRANCHES_100M });
  const capped = await configureAndIssue(capBase, {
    ...sampleConfig100M(),
    triggers: [],
    cap: { strikeRateWad: 3n * 10n ** 16n, trancheScope: 1 },
  });
  await reportAndDeposit(capped, 1, principalReport(2_000_000_00n, 98_000_000_00n));
  const provider = capped.guarantor;
  await (await capped.cash.connect(capped.custodian).mint(provider.address, 1_000_000_00n, bankRef("cap"))).wait();

  const ioBase = await deployUnconfiguredWaterfall({ tranches: SAMPLE_TRANCHES_100M_WITH_IO, interestOnly: [1] });
  const io = await configureAndIssue(ioBase, ioStripConfig());
  await reportAndDeposit(io, 1, principalReport(5_000_000_00n, 95_000_000_00n));

  const swapBase = await deployUnconfiguredWaterfall({ tranches: SAMPLE_TRANCHES_100M });
  const sample = sampleConfig100M();
  const swapped = await configureAndIssue(swapBase, {
    ...sample,
    triggers: [],
    fees: [...sample.fees, { fixedCents: 0n, rateWad: 0n }],
    steps: [{ kind: "fee", index: sample.fees.length }, ...sample.steps],
    cap: { strikeRateWad: 4n * 10n ** 16n, trancheScope: 1, payLegFee: sample.fees.length + 1 },
  });
  await reportAndDeposit(swapped, 1, principalReport(2_000_000_00n, 98_000_000_00n));

  console.log(
    JSON.stringify({
      waterfall: await deal.waterfall.getAddress(),
      pool: await deal.pool.getAddress(),
      pacWaterfall: await pac.waterfall.getAddress(),
      pacPool: await pac.pool.getAddress(),
      capWaterfall: await capped.waterfall.getAddress(),
      capProvider: provider.address,
      ioWaterfall: await io.waterfall.getAddress(),
      swapWaterfall: await swapped.waterfall.getAddress(),
    }),
  );
}

run().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

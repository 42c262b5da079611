/**
 * `npx hardhat run scripts/bench-waterfall-gas.ts`: the gas of one waterfall period for a 5-tranche deal with
 * three fees, a reserve account, a guarantee facility and four triggers (`sampleDeal()`), measured by a
 * WaterfallHarness transaction.
 *
 * Prints, for an ordinary period and for a stressed one (interest shortfalls drawn on the reserve and the
 * guarantor, excess spread trapped, principal switched to sequential, losses written down):
 * - library: the execution gas of `WaterfallLib.run` alone (inputs already in memory), as the harness measures
 *   it with `gasleft()`: what a waterfall contract pays for the maths;
 * - transaction: the harness transaction's total gas (21,000 base, calldata, ABI decoding, event), an upper
 *   bound for the maths plus its inputs, to compare with the 500k budget of the whole period transaction.
 * The TypeScript engine is run on the same inputs and must agree with the contract to the cent.
 */
import { ethers } from "hardhat";
import {
  fromAbiResult,
  runWaterfall,
  sampleDeal,
  toAbiConfig,
  toAbiInputs,
  toAbiState,
  validateWaterfallConfig,
  type PeriodInputs,
  type WaterfallState,
} from "../packages/core/src/waterfall";

/** The gas budget of the whole period transaction (maths, storage, transfers, events). */
const PERIOD_BUDGET = 500_000n;

interface Row {
  scenario: string;
  library: bigint;
  transaction: bigint;
}

async function main(): Promise<void> {
  const harness = await ethers.deployContract("WaterfallHarness");
  await harness.waitForDeployment();
  const deal = sampleDeal();
  validateWaterfallConfig(deal.config);

  const stressedState: WaterfallState = { ...deal.state, reserveCents: 10_000_000n, guaranteeDrawnCents: 0n };
  const stressedInputs: PeriodInputs = {
    ...deal.inputs,
    interestCollectionsCents: 120_000_000n,
    principalCollectionsCents: 100_000_000n,
    newDefaultsCents: 2_500_000_000n,
    delinquent60PlusCents: 6_000_000_000n,
    poolBalanceEndCents: 96_500_000_000n,
  };
  const scenarios: [string, WaterfallState, PeriodInputs][] = [
    ["ordinary period", deal.state, deal.inputs],
    ["stressed period", stressedState, stressedInputs],
  ];

  const rows: Row[] = [];
  for (const [scenario, state, inputs] of scenarios) {
    const args = [toAbiConfig(deal.config), toAbiState(state), toAbiInputs(inputs)] as const;
    const onChain = fromAbiResult(await harness.run(...args));
    const engine = runWaterfall(deal.config, state, inputs);
    const replacer = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);
    if (JSON.stringify(onChain, replacer) !== JSON.stringify(engine, replacer)) {
      throw new Error(`${scenario}: the contract and the TypeScript engine disagree`);
    }

    const receipt = await (await harness.measureRun(...args)).wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`${scenario}: measureRun failed`);
    const event = receipt.logs
      .map((log) => harness.interface.parseLog(log))
      .find((parsed) => parsed?.name === "RunMeasured");
    if (event === undefined || event === null) throw new Error(`${scenario}: no RunMeasured event`);
    rows.push({ scenario, library: BigInt(event.args.gasUsed), transaction: receipt.gasUsed });
    const flags = [
      engine.principalMode,
      engine.trapping ? "trapping" : "",
      engine.reserveDrawCents > 0n ? "reserve drawn" : "",
      engine.guaranteeDrawCents > 0n ? "guarantee drawn" : "",
      engine.tranches.some((t) => t.writeDownCents > 0n) ? "write-down" : "",
      `${engine.triggers.filter((t) => t.breached).length} of 4 triggers breached`,
    ].filter((flag) => flag !== "");
    console.log(`${scenario}: ${flags.join(", ")}`);
  }

  const validation = await (await harness.measureValidate(toAbiConfig(deal.config))).wait();
  const validateEvent = validation?.logs
    .map((log) => harness.interface.parseLog(log))
    .find((parsed) => parsed?.name === "RunMeasured");

  console.log("\nWaterfallLib gas, 5 tranches, 3 fees, reserve, guarantee, 4 triggers:");
  console.log("scenario          library gas   transaction gas   share of the 500k period budget (library)");
  for (const row of rows) {
    const share = Number((row.library * 1000n) / PERIOD_BUDGET) / 10;
    console.log(
      `${row.scenario.padEnd(16)}  ${row.library.toString().padStart(11)}   ${row.transaction.toString().padStart(15)}   ${share}%`,
    );
  }
  if (validateEvent !== undefined && validateEvent !== null) {
    console.log(`validate (once, when the deal is structured): ${BigInt(validateEvent.args.gasUsed)} gas`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

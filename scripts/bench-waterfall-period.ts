/**
 * `npm run bench:waterfall` (`hardhat run scripts/bench-waterfall-period.ts`): the gas of the real settlement
 * transactions on Hardhat's in-process chain, printed as a table:
 * - `Waterfall.runPeriod` of a 5-tranche deal with three fees, a reserve account, a committed guarantee facility
 *   and four triggers (the `sampleDeal()` structure scaled to the 100M test tape), with 10 holders and with
 *   `BENCH_HOLDERS` (default 1,000) holders of the senior tranche: two identical deals, identical reports;
 * - a holder's `TrancheToken.claim`, and a payee's `Waterfall.withdraw` of its credits (pull payments);
 * - a tranche transfer after distributions (accumulator non-zero) vs a plain OpenZeppelin ERC-20 transfer;
 * - `Waterfall.runPeriod` of the same deal structured as PAC/Z (`pacZConfig`: A a PAC class on a schedule fixed at
 *   structuring, B and C its supports, D a Z class accreting, E last), 10 holders.
 * Every period is checked against the TypeScript engine to the cent before its gas is printed.
 */
import { loadavg } from "node:os";
import { ethers } from "hardhat";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { action, memberId } from "../test/helpers/consortium";
import { ActionKind, roleSet } from "../test/helpers/roles";

import {
  configureAndIssue,
  deployUnconfiguredWaterfall,
  linearSchedule,
  pacZConfig,
  reportAndDeposit,
  runAndCompare,
  SAMPLE_TRANCHES_100M as TRANCHES,
  sampleConfig100M as benchConfig,
  type WaterfallDeal,
} from "../test/helpers/waterfall";

const HOLDERS = Number(process.env.BENCH_HOLDERS ?? "1000");
const FEW = 10;
/** A report in the spirit of `sampleDeal().inputs`, scaled to the 100M pool. */
const REPORT = {
  interestCollectedCents: 72_000_000n,
  scheduledPrincipalCents: 200_000_000n,
  prepaymentCents: 45_000_000n,
  recoveryCents: 5_000_000n,
  newDefaultsCents: 15_000_000n,
  delinquent60Cents: 120_000_000n,
  delinquent90PlusCents: 60_000_000n,
};

/** Investor 1 holds every tranche; it spreads 1,000.00 of A to each of `holders - 1` admitted accounts. */
async function spread(d: WaterfallDeal, holders: number, admitted: HardhatEthersSigner[]): Promise<void> {
  const a = d.tranches[0];
  if (!a) throw new Error("no senior tranche");
  for (const s of admitted.slice(0, holders - 1)) {
    await (await a.connect(d.investor1).transfer(s.address, 1_000_00n)).wait();
  }
}

async function admitInvestors(d: WaterfallDeal, count: number): Promise<HardhatEthersSigner[]> {
  const out: HardhatEthersSigner[] = [];
  for (let i = 0; i < count; ++i) {
    const w = ethers.Wallet.createRandom().connect(ethers.provider);
    const name = `H${i}`;
    await d.govern(
      action(ActionKind.AdmitMember, {
        account: w.address,
        memberId: memberId(name),
        legalEntityHash: ethers.id(`legal-entity:${name}`),
        roles: roleSet("INVESTOR"),
        eligibility: d.investorEligibility,
      }),
    );
    out.push(w as unknown as HardhatEthersSigner);
  }
  return out;
}

async function periodGas(d: WaterfallDeal, period: number): Promise<bigint> {
  await reportAndDeposit(d, period, {
    ...REPORT,
    endingBalanceCents: 100_000_000_00n - BigInt(period) * 2_700_000_00n,
  });
  const before = await ethers.provider.getBlockNumber();
  const { expected, actual } = await runAndCompare(d, period, 25n * 10n ** 15n);
  const replacer = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);
  if (JSON.stringify(expected, replacer) !== JSON.stringify(actual, replacer)) {
    throw new Error(`period ${period}: the contract and the engine disagree`);
  }
  const block = await ethers.provider.getBlock(before + 1, true);
  const hash = block?.transactions[0];
  if (!hash) throw new Error("runPeriod transaction not found");
  const receipt = await ethers.provider.getTransactionReceipt(hash);
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

async function main(): Promise<void> {
  const base = await deployUnconfiguredWaterfall({ tranches: TRANCHES });
  const d = await configureAndIssue(base, benchConfig());
  const admitted = await admitInvestors(d, Math.max(HOLDERS, FEW) - 1);
  // The same deal, same reports, from the same chain state (a snapshot): only the number of holders differs.
  const snapshot = (await ethers.provider.send("evm_snapshot", [])) as string;
  await spread(d, HOLDERS, admitted);
  const largeGas = [await periodGas(d, 1), await periodGas(d, 2)];
  await ethers.provider.send("evm_revert", [snapshot]);
  await spread(d, FEW, admitted);
  const smallGas = [await periodGas(d, 1), await periodGas(d, 2)];

  const rows: [string, string, string][] = [];
  for (const p of [0, 1]) {
    const s = smallGas[p] ?? 0n;
    const l = largeGas[p] ?? 0n;
    const diff = (Number(l - s) / Number(s)) * 100;
    rows.push([`runPeriod, period ${p + 1}, ${FEW} holders`, s.toString(), ""]);
    rows.push([`runPeriod, period ${p + 1}, ${HOLDERS} holders`, l.toString(), `${diff.toFixed(2)}% vs ${FEW}`]);
  }
  const small = d;
  const a = small.tranches[0];
  const holder = admitted[0];
  if (!a || !holder) throw new Error("no senior tranche or no second holder");
  const claim = await (await a.connect(small.investor1).claim()).wait();
  rows.push(["TrancheToken.claim, first (fresh cash slot)", String(claim?.gasUsed ?? 0n), ""]);
  await periodGas(small, 3);
  const again = await (await a.connect(small.investor1).claim()).wait();
  rows.push(["TrancheToken.claim, later (after another period)", String(again?.gasUsed ?? 0n), ""]);

  // Pull payments: the fee recipients, the guarantor and the equity holder withdraw their credits when they like.
  const servicerTx = await (await small.waterfall.connect(small.servicer).withdraw()).wait();
  rows.push(["Waterfall.withdraw, servicer (two fees, three periods)", String(servicerTx?.gasUsed ?? 0n), ""]);

  const plain = await ethers.deployContract("PlainERC20");
  await (await plain.mint(small.investor1.address, 1_000_000n)).wait();
  await (await plain.mint(holder.address, 1_000_000n)).wait();
  const plainTx = await (await plain.connect(small.investor1).transfer(holder.address, 1_000n)).wait();
  const trancheTx = await (await a.connect(small.investor1).transfer(holder.address, 1_000n)).wait();
  const p = plainTx?.gasUsed ?? 1n;
  const t = trancheTx?.gasUsed ?? 0n;
  const ratio = `${(Number(t) / Number(p)).toFixed(2)}x plain`;
  rows.push(["TrancheToken.transfer to an existing holder, after distributions", t.toString(), ratio]);
  rows.push(["PlainERC20.transfer to an existing holder", p.toString(), ""]);

  // The PAC/Z structure on a fresh deal of the same tranches: its schedule read from its data contract each period.
  const pac = await configureAndIssue(
    await deployUnconfiguredWaterfall({ tranches: TRANCHES }),
    pacZConfig(benchConfig()),
    {},
    [linearSchedule(70_000_000_00n, 1_500_000_00n)],
  );
  const pacAdmitted = await admitInvestors(pac, FEW - 1);
  await spread(pac, FEW, pacAdmitted);
  const pacGas = [await periodGas(pac, 1), await periodGas(pac, 2)];
  pacGas.forEach((gas, i) => {
    rows.push([`runPeriod, PAC/Z deal, period ${i + 1}, ${FEW} holders`, gas.toString(), "PAC + 2 supports + Z"]);
  });

  console.log(
    "\nWaterfall settlement gas (Hardhat in-process chain, solc 0.8.28, optimizer 200 runs, cancun; gas does not " +
      `depend on load, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")})`,
  );
  for (const [what, gas, note] of rows) console.log(`  ${what.padEnd(62)} ${gas.padStart(9)}  ${note}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

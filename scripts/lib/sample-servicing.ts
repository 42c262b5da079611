/**
 * The living sample: `npm start` services the sample deal through its past periods with the members' own commands
 * (`abs --as servicer report submit`, `abs --as custodian cash mint`, `abs --as servicer remit`, `abs --as trustee
 * settle`, `abs --as investor-N claim`), run in-process through the CLI's `main` with the consortium file, so the
 * dashboard opens on real curves. The sample's cut-off is months in the past (`"cutoffDate": "-7 months"`) and the
 * chain's clock runs on the wall clock, so a period is serviced only once it has ended on chain; a period still
 * running is left for later. Resumes after the last period distributed.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import path from "node:path";
import { Contract, JsonRpcProvider, encodeBytes32String } from "ethers";
import { main } from "@abs/cli";

export interface SampleServicingOptions {
  readonly consortiumFile: string;
  readonly rpcUrl: string;
  readonly poolFactory: string;
  readonly dealId: string;
  readonly loans: number;
  readonly seed: number;
  readonly cutoffDate: string;
  /** How many periods to service at most. */
  readonly periods: number;
  /** Where the generated performance file goes. */
  readonly workDir: string;
  readonly log: (line: string) => void;
}

/** Runs `abs ...args` in-process; resolves to its parsed --json output, throws with its stderr on failure. */
async function abs(consortiumFile: string, args: readonly string[]): Promise<Record<string, unknown>> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const code = await main([...args, "--json"], {
    stdout,
    stderr,
    env: {
      ...process.env,
      ABS_CONSORTIUM_FILE: consortiumFile,
      ABS_SETTLEMENT_DIR: path.join(path.dirname(consortiumFile), "settlement-reports"),
    },
    now: () => performance.now(),
  });
  if (code !== 0) throw new Error(`abs ${args.join(" ")} failed (exit ${code}): ${err.trim()}`);
  return JSON.parse(out) as Record<string, unknown>;
}

type As = (member: string, ...args: string[]) => Promise<Record<string, unknown>>;

/** After which periods the sample trades notes (DvP) and the originator repurchases loans. */
const DVP_AFTER_PERIOD = 1;
const REPURCHASE_AFTER_PERIOD = 3;

/** investor-1 sells 100,000.00 of class A to investor-2 at 100.25, through the exchange's node (skipped if done). */
async function tradeOnce(o: SampleServicingOptions, as: As): Promise<void> {
  const sell = path.join(o.workDir, "sample-sell.json");
  const buy = path.join(o.workDir, "sample-buy.json");
  const ref = `SAMPLE-${o.dealId}-DEP-INV2-DVP`;
  const used = (await as("custodian", "cash", "balance", "--of", "investor-2")) as { balances: { cents: string }[] };
  if (BigInt(used.balances[0]?.cents ?? "0") < 10_025_000n) {
    await as("custodian", "cash", "mint", "--to", "investor-2", "--amount", "100250.00", "--bank-ref", ref);
  }
  await as(
    "investor-1",
    "dvp",
    "sign",
    "--deal",
    o.dealId,
    "--class",
    "A",
    "--side",
    "sell",
    "--amount",
    "100000.00",
    "--price",
    "100.25",
    "--out",
    sell,
  );
  await as(
    "investor-2",
    "dvp",
    "sign",
    "--deal",
    o.dealId,
    "--class",
    "A",
    "--side",
    "buy",
    "--amount",
    "100000.00",
    "--price",
    "100.25",
    "--out",
    buy,
  );
  await as("exchange", "dvp", "submit", sell, buy, "--trade-id", `SAMPLE-${o.dealId}-T1`);
  o.log("sample  DvP: investor-1 sold 100,000.00 of class A to investor-2 at 100.25% through the exchange's node");
}

/**
 * The originator repurchases the sample tape's first two loans: version 2 without them, uploaded through its node
 * as a Repurchase (the anchoring pays the trust their principal). Skipped once the pool has a second version.
 */
async function repurchaseOnce(o: SampleServicingOptions, as: As, cutoffDate: string, pool: Contract): Promise<void> {
  if (Number(await pool.getFunction("tapeCount").staticCall()) > 1) return;
  const [header = "", ...rows] = readFileSync(path.join(o.workDir, "sample-tape.csv"), "utf8").trim().split("\n");
  const v2 = path.join(o.workDir, "sample-tape-v2.csv");
  writeFileSync(v2, `${[header, ...rows.slice(2)].join("\n")}\n`);
  await as("originator", "tape", "upload", v2, "--deal", o.dealId, "--cutoff-date", cutoffDate, "--kind", "Repurchase");
  o.log("sample  repurchase: the originator bought back 2 loans, paying their principal into the waterfall");
}

/** Services the sample deal's ended periods; returns the last period distributed. */
export async function serviceSampleDeal(o: SampleServicingOptions): Promise<number> {
  mkdirSync(o.workDir, { recursive: true });
  const performance = path.join(o.workDir, "sample-performance.csv");
  await abs(o.consortiumFile, [
    "tape",
    "generate",
    "--loans",
    String(o.loans),
    "--seed",
    String(o.seed),
    // The sample tape carries the disclosure columns (deploy/config.ts's sampleDealLoans): the same records here.
    "--disclosure-fields",
    "--as-of",
    o.cutoffDate,
    "--out",
    path.join(o.workDir, "sample-tape.csv"),
    "--performance-periods",
    String(o.periods),
    "--performance-out",
    performance,
  ]);
  const rows = readFileSync(performance, "utf8").trim().split("\n").slice(1);
  const endOf = (period: number) => rows.find((r) => r.split(",")[1] === String(period))?.split(",")[2];
  const provider = new JsonRpcProvider(o.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
  try {
    const factory = new Contract(o.poolFactory, ["function poolOf(bytes32) view returns (address)"], provider);
    const pool = new Contract(
      (await factory.getFunction("poolOf").staticCall(encodeBytes32String(o.dealId))) as string,
      [
        "function lastPeriod() view returns (uint32)",
        "function isDistributed(uint32) view returns (bool)",
        "function tapeCount() view returns (uint32)",
      ],
      provider,
    );
    const as = (member: string, ...args: string[]) => abs(o.consortiumFile, ["--as", member, ...args]);
    let last = 0;
    let accelerated = false;
    for (let period = 1; period <= o.periods; period++) {
      const end = endOf(period);
      const start = period === 1 ? o.cutoffDate : endOf(period - 1);
      if (end === undefined || start === undefined) break;
      if (await pool.getFunction("isDistributed").staticCall(period)) {
        last = period;
        continue;
      }
      const now = (await provider.getBlock("latest"))?.timestamp ?? 0;
      if (Date.parse(`${end}T00:00:00Z`) / 1000 > now) break;
      if (Number(await pool.getFunction("lastPeriod").staticCall()) < period) {
        await as(
          "servicer",
          "report",
          "submit",
          performance,
          "--performance",
          "--multi-period",
          "--period",
          String(period),
          "--start",
          start,
          "--end",
          end,
          "--deal",
          o.dealId,
        );
      }
      const due = BigInt(
        String((await as("servicer", "remit", "--deal", o.dealId, "--period", String(period), "--dry-run")).dueCents),
      );
      if (due > 0n) {
        const amount = `${due / 100n}.${(due % 100n).toString().padStart(2, "0")}`;
        await as(
          "custodian",
          "cash",
          "mint",
          "--to",
          "servicer",
          "--amount",
          amount,
          "--bank-ref",
          `SAMPLE-${o.dealId}-COLLECTIONS-P${period}`,
        );
        await as("servicer", "remit", "--deal", o.dealId, "--period", String(period));
      }
      const settled = (await as("trustee", "settle", "--deal", o.dealId, "--period", String(period))) as {
        expected: {
          principalMode: string;
          accelerated: boolean;
          triggers: { breached: boolean; breachedNow: boolean; curedNow: boolean }[];
        };
      };
      // An event-of-default trigger moves the pool to Accelerated in the settlement's own transaction.
      const state = ((await as("regulator", "deal", "show", "--deal", o.dealId)) as { status: { state: string } })
        .status.state;
      if (settled.expected.accelerated && state === "Accelerated" && !accelerated) {
        accelerated = true;
        o.log(`sample  event of default in period ${period}: the trigger moved the deal to Accelerated`);
      }
      for (const [index, t] of settled.expected.triggers.entries()) {
        if (t.breachedNow) o.log(`sample  trigger ${index} breached in period ${period}`);
        if (t.curedNow) o.log(`sample  trigger ${index} cured in period ${period}`);
      }
      const breached = settled.expected.triggers.filter((t) => t.breached).length;
      o.log(
        `sample  period ${period} (${start} to ${end}) reported, remitted, settled: principal ${settled.expected.principalMode}, ${breached} trigger(s) breached`,
      );
      last = period;
      if (period === DVP_AFTER_PERIOD) await tradeOnce(o, as);
      if (period === REPURCHASE_AFTER_PERIOD) await repurchaseOnce(o, as, end, pool);
    }
    for (const holder of ["investor-1", "investor-2", "investor-3", "originator", "trustee", "servicer"]) {
      await as(holder, "claim", "--deal", o.dealId);
    }
    return last;
  } finally {
    provider.destroy();
  }
}

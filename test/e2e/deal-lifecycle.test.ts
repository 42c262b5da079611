/**
 * The lifecycle test: a fresh deal (not the sample) from `abs pool create` to redemption, only through `abs` run as
 * separate processes, each with its member's own key file from the consortium file `npm start` writes
 * (`abs --as <member>`), against the consortium started as processes (chain, a node per member, the indexer).
 *
 * Structure from a deal file; an offering with two investors, oversubscribed; twelve periods from a synthetic
 * tape's performance file (report submitted, collections credited by the custodian and remitted by the servicer,
 * settled by the trustee and cross-checked by the engine, claimed by the holders); the loss trigger that switches
 * principal to sequential; the event-of-default trigger accelerating the pool by itself; the clean-up call; redemption and
 * close-out. At the end money is conserved to the cent and the indexer's GraphQL agrees with the chain. Beside it, a
 * second pool is structured as a PAC/Z deal whose class A schedule is fixed from a PSA band at structuring.
 *
 * The chain's clock is moved only by this test (as months passing), never by a command.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { AbiCoder, encodeBytes32String, JsonRpcProvider, keccak256, Wallet } from "ethers";
import { DocumentRegistry__factory } from "../../typechain-types";
import { absWithEnv, type AbsRun } from "./abs-process";

const ROOT = path.resolve(__dirname, "..", "..");
const PORT = 21545 + Math.floor(Math.random() * 1000);
const NODES_PORT = 22600 + Math.floor(Math.random() * 1000);
const DEAL_FILE = path.join(__dirname, "fixtures", "deal-acme.yaml");
const PAC_DEAL_FILE = path.join(__dirname, "fixtures", "deal-acme-pac.yaml");
const DEAL = "ACME-2026-1";
const PERIODS = 12;
const DAY = 86_400;
/** The chain client: Hardhat's node (automine), or Anvil with interval mining (ABS_E2E_CHAIN=anvil). */
const CHAIN = process.env["ABS_E2E_CHAIN"] === "anvil" ? "anvil" : "hardhat";

interface Consortium {
  rpcUrl: string;
  indexerUrl: string;
  operatorTokenFile: string;
  members: { name: string; address: string; keyFile: string; nodeUrl: string }[];
  contracts: Record<string, string>;
}

describe(`a deal's whole life through the members' own tools (abs processes, npm start's consortium on ${CHAIN})`, function () {
  this.timeout(CHAIN === "anvil" ? 2_400_000 : 900_000);
  const dir = mkdtempSync(path.join(tmpdir(), "abs-lifecycle-"));
  const env = { ABS_CONSORTIUM_FILE: path.join(dir, "consortium.json"), HOME: dir };
  let launcher: ChildProcessWithoutNullStreams;
  let output = "";
  let consortium: Consortium;
  const tape = path.join(dir, "tape.csv");
  const performance = path.join(dir, "performance.csv");
  const started = Date.now();
  /** The investor report the disclosure step wrote and anchored, and its period. */
  let annex12File = "";
  let disclosedPeriod = "";

  /** `abs --as <member> ...args`, which must succeed; returns its parsed --json output. */
  async function as<T = Record<string, unknown>>(member: string, ...args: string[]): Promise<T> {
    const run = await absWithEnv(env, "--as", member, ...args, "--json");
    expect(run.code, `abs --as ${member} ${args.join(" ")}\n${run.stderr}${run.stdout}`).to.equal(0);
    return JSON.parse(run.stdout) as T;
  }
  const attempt = (member: string, ...args: string[]): Promise<AbsRun> => absWithEnv(env, "--as", member, ...args);

  async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await fetch(consortium.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return ((await res.json()) as { result: T }).result;
  }
  async function chainTime(): Promise<number> {
    return Number.parseInt((await rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false])).timestamp, 16);
  }
  /** Months pass: the chain's next block is stamped `seconds` (if later than now) and mined. */
  async function passTimeTo(seconds: number): Promise<void> {
    if (seconds <= (await chainTime())) return;
    await rpc("evm_setNextBlockTimestamp", [seconds]);
    await rpc("evm_mine");
  }

  before(async () => {
    launcher = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/start-consortium.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        ABS_CHAIN_PORT: String(PORT),
        // ABS_E2E_CHAIN=anvil runs the same life on Anvil with interval mining (npm run test:e2e:anvil).
        ABS_CHAIN: CHAIN,
        ABS_ADDRESS_BOOK: path.join(dir, "localhost.json"),
        ABS_NODES_BASE_PORT: String(NODES_PORT),
        ABS_NODES_DIR: path.join(dir, "nodes"),
        ABS_INDEXER_PORT: "0",
        // The sample deal's servicing is tested by start-consortium.test.ts; this test is about a fresh deal.
        ABS_SAMPLE_PERIODS: "0",
        // The indexer joins new tapes and reported periods from the member nodes every 10 s, not every minute.
        ABS_INDEXER_LOAN_REFRESH_MS: "10000",
      },
    });
    launcher.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // Every transaction waits for its block on Anvil: the consortium and the sample's issuance take minutes.
    const deadline = Date.now() + (CHAIN === "anvil" ? 900_000 : 180_000);
    while (!output.includes("ready:")) {
      if (launcher.exitCode !== null || Date.now() > deadline)
        throw new Error(`npm start never became ready:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    consortium = JSON.parse(readFileSync(env.ABS_CONSORTIUM_FILE, "utf8")) as Consortium;
  });

  after(() => {
    if (launcher.exitCode === null) launcher.kill("SIGINT");
    console.log(`      lifecycle test: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });

  const remitted: bigint[] = [];
  /** Repurchase prices the originator paid into the waterfall (collected by the trust, like remittances). */
  const repurchases: bigint[] = [];
  const cleanUpPrices: bigint[] = [];
  /** Substitution adjustments the originator paid into the waterfall. */
  const substitutions: bigint[] = [];
  /** Revolving purchase prices the waterfall paid the originator out of principal collections. */
  const revolvingPaid: bigint[] = [];
  const REVOLVING_PERIOD = 1;
  const REPURCHASE_PERIOD = 2;
  const SUBSTITUTION_PERIOD = 3;
  /** The rows of the tape's current version (header apart), as the originator keeps them. */
  let tapeRows: string[] = [];
  const claimedFromWaterfall: bigint[] = [];
  /** The bank's commitments to the main deal's liquidity facility (paid into the waterfall). */
  const committed: bigint[] = [];
  /** The main deal's facility can be drawn in periods 1-4 (deal-acme.yaml); the bank takes its cash back after. */
  const FACILITY_EXPIRY = 4;
  const claimedFromTranches = new Map<string, bigint>();
  const trancheAddresses: string[] = [];
  let cutoff = "";

  it("the trustee creates the pool; the originator uploads the tape through its own node", async () => {
    const created = await as<{ pool: string }>(
      "trustee",
      "pool",
      "create",
      "--deal-id",
      DEAL,
      "--name",
      "Acme Consumer Loan ABS 2026-1",
      "--originator",
      "originator",
      "--servicer",
      "servicer",
    );
    expect(created.pool).to.match(/^0x[0-9a-fA-F]{40}$/);
    // The tape's cut-off is the chain's date of today: every period ends after it.
    cutoff = new Date((await chainTime()) * 1000 - DAY * 1000).toISOString().slice(0, 10);
    const generated = await absWithEnv(
      env,
      "tape",
      "generate",
      "--loans",
      "300",
      "--seed",
      "7",
      // The optional disclosure columns too (credit score, income, employment, ...): the disclosure files use them.
      "--disclosure-fields",
      "--as-of",
      cutoff,
      "--out",
      tape,
      "--performance-periods",
      String(PERIODS),
      "--performance-out",
      performance,
    );
    expect(generated.code, generated.stderr).to.equal(0);
    const uploaded = await as<{ status: string; version: number }>(
      "originator",
      "tape",
      "upload",
      tape,
      "--deal",
      DEAL,
      "--cutoff-date",
      cutoff,
    );
    expect(uploaded).to.include({ status: "anchored", version: 1 });
  });

  it("the trustee structures the deal from its deal file (idempotent), the parties sign the prospectus off", async () => {
    const wrongRole = await attempt("investor-1", "deal", "structure", DEAL_FILE);
    expect(wrongRole.code).to.equal(1);
    expect(wrongRole.stderr).to.contain("NotTrustee");
    const first = await as<{ steps: string[]; waterfall: string }>("trustee", "deal", "structure", DEAL_FILE);
    expect(first.steps.join("\n"))
      .to.contain("pool marked Structured")
      .and.contain("waterfall")
      .and.contain("PROSPECTUS");
    const again = await as<{ steps: string[] }>("trustee", "deal", "structure", DEAL_FILE);
    expect(again.steps).to.deep.equal([]);
    const shown = await as<{
      status: { state: string };
      tranches: { class: string; face: string }[];
      fees: { payee: string }[];
    }>("regulator", "deal", "show", "--deal", DEAL);
    expect(shown.status.state).to.equal("Structured");
    expect(shown.tranches.map((t) => t.class)).to.deep.equal(["A", "B", "S"]);
    expect(shown.fees.map((f) => f.payee)).to.deep.equal(["trustee", "servicer"]);
    await as("originator", "deal", "sign", "--deal", DEAL, "--type", "PROSPECTUS");
    const signed = await as<{ approved: boolean }>("trustee", "deal", "sign", "--deal", DEAL, "--type", "PROSPECTUS");
    expect(signed.approved).to.equal(true);
  });

  it("a PAC/Z deal: the schedule is fixed at structuring from a PSA band over the pool (or refused, writing nothing); the regulator reads it back", async () => {
    const PAC_DEAL = "ACME-PAC-2026-1";
    await as(
      "trustee",
      "pool",
      "create",
      "--deal-id",
      PAC_DEAL,
      "--name",
      "Acme Consumer Loan PAC 2026-1",
      "--originator",
      "originator",
      "--servicer",
      "servicer",
    );
    const pacTape = path.join(dir, "pac-tape.csv");
    const generated = await absWithEnv(
      env,
      "tape",
      "generate",
      "--loans",
      "120",
      "--seed",
      "8",
      "--as-of",
      cutoff,
      "--out",
      pacTape,
    );
    expect(generated.code, generated.stderr).to.equal(0);
    const uploaded = await as<{ summary?: { totalPrincipalCents: string } }>(
      "originator",
      "tape",
      "upload",
      pacTape,
      "--deal",
      PAC_DEAL,
      "--cutoff-date",
      cutoff,
    );
    const principalCents = BigInt(uploaded.summary?.totalPrincipalCents ?? "0");
    expect(principalCents > 0n).to.equal(true);
    // The deal file and the pool file it names side by side; the pool is the tape's balance as one rep line.
    const balance = `${principalCents / 100n}.${String(principalCents % 100n).padStart(2, "0")}`;
    writeFileSync(
      path.join(dir, "pac-pool.yaml"),
      `pool:\n  - { name: tape, balance: "${balance}", grossCoupon: "0.08", netCoupon: "0.075", originalTerm: 36, age: 1 }\n` +
        `assumptions: { prepayment: { type: PSA, value: 100 }, default: { type: CDR, value: 0 }, severity: "0.4", monthsToLiquidation: 6, advancing: none }\n`,
    );
    const pacFile = path.join(dir, "deal-acme-pac.yaml");
    const text = readFileSync(PAC_DEAL_FILE, "utf8");
    writeFileSync(pacFile, text);
    const tightFile = path.join(dir, "deal-acme-pac-tight.yaml");
    writeFileSync(tightFile, text.replace("high: 300", "high: 3000"));

    // At 3000 PSA the pool is gone in months: the band cannot carry class A, and nothing is written.
    const tight = await attempt("trustee", "deal", "structure", tightFile);
    expect(tight.code, tight.stderr).to.equal(2);
    expect(tight.stderr).to.contain("100-3000 PSA band").and.contain("cannot schedule");
    const untouched = await as<{ status: { state: string }; tranches: unknown[] }>(
      "regulator",
      "deal",
      "show",
      "--deal",
      PAC_DEAL,
    );
    expect(untouched.status.state).to.equal("Draft");
    expect(untouched.tranches).to.deep.equal([]);

    const first = await as<{ steps: string[] }>("trustee", "deal", "structure", pacFile);
    expect(first.steps.join("\n")).to.contain("principal schedule fixed: 1 list(s)");
    const again = await as<{ steps: string[] }>("trustee", "deal", "structure", pacFile);
    expect(again.steps).to.deep.equal([]);
    const shown = await as<{
      tranches: { class: string; face: string; principalClass?: string }[];
      principal: { mode: string; schedule?: { targets: Record<string, string[]> }; deficiencyLedger?: boolean };
      guarantee: Record<string, unknown>;
      fees: { name: string; payee: string }[];
      interestRateSwap?: Record<string, unknown>;
    }>("regulator", "deal", "show", "--deal", PAC_DEAL);
    expect(shown.principal.mode).to.equal("scheduled");
    expect(shown.principal.deficiencyLedger).to.equal(true);
    // The liquidity facility, read back from the chain's configuration.
    expect(shown.guarantee).to.deep.equal({
      guarantor: "guarantor",
      limit: "250000.00",
      feeRate: "0.0035",
      feeOn: "undrawn",
      usageRate: "0.045",
      expiryPeriod: 24,
      coversFees: true,
      coveredTranches: 1,
    });
    expect(shown.tranches.map((t) => t.principalClass)).to.deep.equal(["pac", "io", "support", "z", "standard"]);
    // The swap on A: its fixed rate, and its pay leg the third fee, paid to the bank (the chain keeps no fee names).
    expect(shown.interestRateSwap).to.deep.equal({ fixedRate: "0.025", scope: 1, expiryPeriod: 36, fee: "fee 3" });
    expect(shown.fees[2]?.payee).to.equal("guarantor");
    // AIO, the interest-only strip of A, reads back without a face (its notional is A's face).
    expect(shown.tranches[1]).to.not.have.property("face");
    const targets = (shown.principal.schedule?.targets["A"] ?? []).map((t) => BigInt(t.replace(".", "")));
    const faceA = BigInt((shown.tranches[0]?.face ?? "0").replace(".", ""));
    expect(targets.length).to.be.greaterThan(3);
    expect(targets.at(-1)).to.equal(0n);
    targets.forEach((t, i) =>
      expect(t <= (i === 0 ? faceA : (targets[i - 1] ?? 0n)), `period ${i + 1}`).to.equal(true),
    );
    expect((targets[0] ?? 0n) < faceA).to.equal(true);

    // The regulator's indexer shows the schedule on the deal's waterfall: class A, as many periods, the same hash.
    const login = await as<{ token: string }>("regulator", "indexer", "login");
    const { status } = await as<{ status: { pool: string } }>("regulator", "deal", "show", "--deal", PAC_DEAL);
    const query =
      `{ waterfalls(where: { pool: "${status.pool.toLowerCase()}" }) { id scheduleHash scheduledMask schedulePeriods ` +
      "guaranteeLimitCents facilityUsageRateWad facilityFeeOnUndrawn facilityExpiryPeriod principalDeficiencyLedger " +
      "capStrikeRateWad capTrancheScope swapPayLegFeeIndex capExpiryPeriod interestOnlyMask } }";
    let indexed:
      | {
          id: string;
          scheduleHash: string | null;
          scheduledMask: number;
          schedulePeriods: number;
          guaranteeLimitCents: string;
          facilityUsageRateWad: string;
          facilityFeeOnUndrawn: boolean;
          facilityExpiryPeriod: number;
          principalDeficiencyLedger: boolean;
          capStrikeRateWad: string | null;
          capTrancheScope: number | null;
          swapPayLegFeeIndex: number | null;
          capExpiryPeriod: number | null;
          interestOnlyMask: number;
        }
      | undefined;
    for (let attemptNo = 0; attemptNo < 60 && !indexed?.scheduleHash; attemptNo++) {
      const res = await fetch(`${consortium.indexerUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${login.token}` },
        body: JSON.stringify({ query }),
      });
      const body = (await res.json()) as { data?: { waterfalls: (typeof indexed)[] } };
      indexed = body.data?.waterfalls[0];
      if (!indexed?.scheduleHash) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(indexed?.scheduledMask).to.equal(1);
    expect(indexed?.schedulePeriods).to.equal(targets.length);
    expect(indexed?.scheduleHash).to.equal(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256[][]"], [[targets]])));
    // And its structure: AIO (tranche 2) an interest-only strip of A, the liquidity facility's terms, the deficiency
    // ledger, and the swap on A (fixed 2.50%, 36 periods) paid through fee 2 (the third).
    expect(indexed).to.include({
      interestOnlyMask: 2,
      guaranteeLimitCents: "25000000",
      facilityUsageRateWad: (45n * 10n ** 15n).toString(),
      facilityFeeOnUndrawn: true,
      facilityExpiryPeriod: 24,
      principalDeficiencyLedger: true,
      capStrikeRateWad: (25n * 10n ** 15n).toString(),
      capTrancheScope: 1,
      swapPayLegFeeIndex: 2,
      capExpiryPeriod: 36,
    });
    // The targets themselves, read from the schedule's data contract and checked against that hash.
    const served = await fetch(`${consortium.indexerUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${login.token}` },
      body: JSON.stringify({
        query: `{ waterfallSchedule(waterfall: "${indexed?.id ?? ""}") { tranche targetBalancesCents } }`,
      }),
    });
    const schedule = ((await served.json()) as { data?: { waterfallSchedule: unknown } }).data?.waterfallSchedule;
    expect(schedule).to.deep.equal([{ tranche: 0, targetBalancesCents: targets.map(String) }]);

    // The facility's provider, through its own `abs`: no commitment before the deal is issued, none from another
    // member, and nothing taken back before the expiry period has run; each refusal names the contract's reason.
    const early = await attempt("guarantor", "guarantee", "commit", "--deal", PAC_DEAL, "--amount", "100.00");
    expect(early.code, early.stderr).to.equal(1);
    expect(early.stderr).to.contain("GuaranteeNotOpen");
    const stranger = await attempt("investor-1", "guarantee", "commit", "--deal", PAC_DEAL, "--amount", "100.00");
    expect(stranger.code, stranger.stderr).to.equal(1);
    expect(stranger.stderr).to.contain("NotGuarantor");
    const release = await attempt("guarantor", "guarantee", "release", "--deal", PAC_DEAL);
    expect(release.code, release.stderr).to.equal(1);
    expect(release.stderr).to.contain("FacilityNotExpired");
  });

  it("an offering with two investors, class A oversubscribed: cash in by the custodian, the trustee's allocation file checked then followed, true sale", async () => {
    await as("trustee", "offering", "open", DEAL_FILE);
    for (const [member, amount, ref] of [
      ["investor-1", "8000000.00", "DEP-INV1"],
      ["investor-2", "4000000.00", "DEP-INV2"],
      ["originator", "900000.00", "DEP-ORIG"],
    ] as const) {
      await as("custodian", "cash", "mint", "--to", member, "--amount", amount, "--bank-ref", ref);
    }
    const replay = await attempt(
      "custodian",
      "cash",
      "mint",
      "--to",
      "investor-2",
      "--amount",
      "1.00",
      "--bank-ref",
      "DEP-INV2",
    );
    expect(replay.code).to.equal(2);
    expect(replay.stderr).to.contain("already credited");
    const shown = await as<{ tranches: { class: string; face: string }[] }>("trustee", "deal", "show", "--deal", DEAL);
    const face = (cls: string) => shown.tranches.find((t) => t.class === cls)?.face ?? "0";
    await as("investor-1", "offering", "subscribe", "--deal", DEAL, "--class", "A", "--amount", "6000000.00");
    await as("investor-2", "offering", "subscribe", "--deal", DEAL, "--class", "A", "--amount", "4000000.00");
    await as("investor-1", "offering", "subscribe", "--deal", DEAL, "--class", "B", "--amount", face("B"));
    await as("originator", "offering", "subscribe", "--deal", DEAL, "--class", "S", "--amount", face("S"));
    const early = await attempt("trustee", "offering", "close", "--deal", DEAL);
    expect(early.code).to.equal(2);
    expect(early.stderr).to.contain("windows close");
    await passTimeTo((await chainTime()) + 2 * DAY);
    // The trustee allocates class A itself (a file of class -> investor -> amount): investor-1's whole order, the rest
    // of the class to investor-2 (pro-rata would have given 6:4). A file that is wrong is refused before anything
    // is minted.
    const faceA = BigInt(face("A").replace(".", ""));
    const units = (cents: bigint) => `${cents / 100n}.${(cents % 100n).toString().padStart(2, "0")}`;
    const allocation = (amounts: Record<string, bigint>) => {
      const file = path.join(dir, `allocation-${Object.values(amounts).join("-")}.yaml`);
      const lines = Object.entries(amounts).map(([who, cents]) => `  ${who}: "${units(cents)}"`);
      writeFileSync(file, ["A:", ...lines].join("\n") + "\n");
      return file;
    };
    const close = (file: string) =>
      attempt("trustee", "offering", "close", "--deal", DEAL, "--revolving-days", "120", "--allocation", file);
    const stranger = await close(allocation({ originator: 1n }));
    expect(stranger.code).to.equal(2);
    expect(stranger.stderr).to.contain("originator has no order in the class");
    const aboveOrder = await close(allocation({ "investor-1": 1_00n, "investor-2": 4_000_000_01n }));
    expect(aboveOrder.code).to.equal(1);
    expect(aboveOrder.stderr).to.contain("AllocationExceedsOrder");
    const short = await close(allocation({ "investor-1": 6_000_000_00n, "investor-2": faceA - 6_000_000_01n }));
    expect(short.code).to.equal(1);
    expect(short.stderr).to.contain("AllocationTableTotal");
    const closed = await as<{
      status: string;
      poolState: string;
      allocations: { tranche: string; investor: string; allocatedCents: string }[];
    }>(
      "trustee",
      "offering",
      "close",
      "--deal",
      DEAL,
      "--revolving-days",
      "120",
      "--allocation",
      allocation({ "investor-1": 6_000_000_00n, "investor-2": faceA - 6_000_000_00n }),
    );
    expect(closed).to.include({ status: "Closed", poolState: "Active" });
    const a = closed.allocations.filter((x) => x.tranche === closed.allocations[0]?.tranche);
    const inv = (name: string) => consortium.members.find((m) => m.name === name)?.address.toLowerCase();
    const of = (name: string) => BigInt(a.find((x) => x.investor.toLowerCase() === inv(name))?.allocatedCents ?? -1);
    expect(of("investor-1")).to.equal(6_000_000_00n);
    expect(of("investor-2")).to.equal(faceA - 6_000_000_00n);
    for (const x of closed.allocations) if (!trancheAddresses.includes(x.tranche)) trancheAddresses.push(x.tranche);
  });

  it("a DvP trade: investor-1 sells class A notes to investor-2, both signing with their own keys; the exchange's node settles it once", async () => {
    const sell = path.join(dir, "sell.json");
    const buy = path.join(dir, "buy.json");
    await as(
      "investor-1",
      "dvp",
      "sign",
      "--deal",
      DEAL,
      "--class",
      "A",
      "--side",
      "sell",
      "--amount",
      "500000.00",
      "--price",
      "99.50",
      "--out",
      sell,
    );
    await as(
      "investor-2",
      "dvp",
      "sign",
      "--deal",
      DEAL,
      "--class",
      "A",
      "--side",
      "buy",
      "--amount",
      "500000.00",
      "--price",
      "99.50",
      "--counterparty",
      "investor-1",
      "--out",
      buy,
    );
    const classA = trancheAddresses[0] ?? "";
    const investor2 = consortium.members.find((m) => m.name === "investor-2")?.address ?? "";
    const notesOf = async (holder: string) =>
      BigInt(await rpcCall(classA, `0x70a08231${holder.slice(2).toLowerCase().padStart(64, "0")}`));
    const before = await notesOf(investor2);
    const traded = await as<{ cashCents: string; reused: boolean }>(
      "exchange",
      "dvp",
      "submit",
      sell,
      buy,
      "--trade-id",
      "T-1",
    );
    expect(traded).to.include({ cashCents: "49750000", reused: false });
    expect((await notesOf(investor2)) - before).to.equal(50_000_000n);
    const again = await as<{ reused: boolean }>("exchange", "dvp", "submit", sell, buy, "--trade-id", "T-1");
    expect(again.reused).to.equal(true);
    const forged = JSON.parse(readFileSync(buy, "utf8")) as { order: { amountCents: string } };
    forged.order.amountCents = "90000000";
    writeFileSync(buy, JSON.stringify(forged));
    const refused = await attempt("exchange", "dvp", "submit", sell, buy, "--trade-id", "T-2");
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain("DVP_SIGNATURE_INVALID");
  });

  /**
   * The report went through the servicer's node, which keeps each loan's state: the regulator checks one against
   * the loan-state root anchored on chain (`abs loan verify --period`); an investor is refused loan-level states.
   */
  async function regulatorVerifiesPeriodOneState(lines: string[]): Promise<void> {
    const header = readFileSync(performance, "utf8").split("\n", 1)[0]?.split(",") ?? [];
    const row = lines.map((l) => l.split(",")).find((cells) => cells[1] === "1") ?? [];
    const cell = (name: string) => row[header.indexOf(name)] ?? "";
    const loanId = cell("loan_id");
    const verified = await as<{ verified: boolean; state: { period: number; closingPrincipalCents: string } }>(
      "regulator",
      "loan",
      "verify",
      "--deal",
      DEAL,
      "--loan",
      loanId,
      "--period",
      "1",
    );
    expect(verified.verified).to.equal(true);
    expect(verified.state.period).to.equal(1);
    const [yuan = "0", fen = ""] = cell("closing_principal_yuan").split(".");
    expect(BigInt(verified.state.closingPrincipalCents)).to.equal(BigInt(yuan) * 100n + BigInt(fen.padEnd(2, "0")));
    const investor = await attempt("investor-1", "loan", "verify", "--deal", DEAL, "--loan", loanId, "--period", "1");
    expect(investor.code, investor.stderr).to.equal(1);
    expect(investor.stderr).to.match(/NOT_ENTITLED|not entitled/i);
  }

  it(`${PERIODS} periods: report, remit (checked against the report), settle (engine = chain), claim; a repurchase with its cash leg; the loss trigger, the event of default and acceleration, the clean-up call`, async () => {
    const lines = readFileSync(performance, "utf8").trim().split("\n").slice(1);
    const endOf = (period: number) => lines.find((l) => l.split(",")[1] === String(period))?.split(",")[2] ?? "";
    let start = cutoff;
    let accelerated = false;
    let cleanUp = false;
    let sequentialSeen = false;
    await commitFacility();
    for (let period = 1; period <= PERIODS; period++) {
      const end = endOf(period);
      await passTimeTo(Date.parse(`${end}T00:00:00Z`) / 1000 + DAY);
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
        DEAL,
      );
      start = end;
      if (period === 1) await regulatorVerifiesPeriodOneState(lines);
      const wrong = await attempt("servicer", "remit", "--deal", DEAL, "--period", String(period), "--amount", "0.01");
      expect(wrong.code).to.equal(2);
      expect(wrong.stderr).to.contain("disagrees with period");
      const collected = /says ([\d,]+\.\d\d) CNY collected/.exec(wrong.stderr)?.[1]?.replace(/,/g, "") ?? "";
      if (period === 1) {
        // The pool is far above the clean-up threshold: the servicer's call is refused before anything is sent.
        const early = await attempt("servicer", "deal", "clean-up-call", "--deal", DEAL, "--dry-run");
        expect(early.code).to.equal(2);
        expect(early.stderr).to.contain("above the threshold");
      }
      if (period === PERIODS) await cleanUpCall();
      if (period === 1) {
        // A dry run before the collections are in computes the distribution and warns that a real run is refused.
        const dry = await attempt("trustee", "settle", "--deal", DEAL, "--period", "1", "--dry-run", "--json");
        expect(dry.code, dry.stderr).to.equal(0);
        expect(dry.stderr).to.contain("CollectionsShort").and.contain("abs --as servicer remit --period 1");
      }
      await as(
        "custodian",
        "cash",
        "mint",
        "--to",
        "servicer",
        "--amount",
        collected,
        "--bank-ref",
        `COLL-${DEAL}-P${period}`,
      );
      const remit = await as<{ remittedCents: string }>(
        "servicer",
        "remit",
        "--deal",
        DEAL,
        "--period",
        String(period),
        "--amount",
        collected,
      );
      remitted.push(BigInt(remit.remittedCents));
      if (period === REVOLVING_PERIOD) await revolvingPurchase(end);
      const settled = await as<{
        verified: boolean;
        expected: {
          principalMode: string;
          accelerated: boolean;
          triggers: { breached: boolean; breachedNow: boolean }[];
        };
      }>("trustee", "settle", "--deal", DEAL, "--period", String(period));
      expect(settled.verified, `period ${period}`).to.equal(true);
      if (settled.expected.principalMode === "sequential") sequentialSeen = true;
      const eventOfDefault = settled.expected.triggers[1]?.breached === true;
      if (eventOfDefault && !accelerated) {
        // The event-of-default trigger moved the pool to Accelerated in the settlement's transaction: nobody
        // has to notice it and declare it; the trustee's own declaration now finds the pool already there.
        const shown = await as<{ status: { state: string } }>("regulator", "deal", "show", "--deal", DEAL);
        expect(shown.status.state, `period ${period}`).to.equal("Accelerated");
        const declared = await attempt("trustee", "pool", "accelerate", "--deal", DEAL, "--reason", "notice");
        expect(declared.code).to.equal(1);
        expect(declared.stderr).to.contain("Accelerated");
        accelerated = true;
      }
      if (period === FACILITY_EXPIRY) await releaseFacility();
      for (const holder of ["investor-1", "investor-2", "originator", "trustee", "servicer", "guarantor"]) {
        const claim = await as<{ claims: { from: string; cents: string }[] }>(holder, "claim", "--deal", DEAL);
        for (const c of claim.claims) {
          if (c.from === "waterfall") claimedFromWaterfall.push(BigInt(c.cents));
          else claimedFromTranches.set(c.from, (claimedFromTranches.get(c.from) ?? 0n) + BigInt(c.cents));
        }
      }
      if (period === REPURCHASE_PERIOD) await repurchase(end);
      if (period === SUBSTITUTION_PERIOD) await substitution(end);
      if (period === PERIODS) {
        expect(settled.expected.accelerated, "the clean-up period pays out accelerated").to.equal(true);
        cleanUp = true;
      }
    }
    expect(sequentialSeen, "the loss trigger switched principal to sequential").to.equal(true);
    expect(accelerated, "the event-of-default trigger accelerated the pool").to.equal(true);
    expect(cleanUp, "the clean-up call was exercised").to.equal(true);
  });

  /**
   * Disclosure from committed data (issue 15 item 3): the trustee writes the three templates for a period from the
   * nodes' verified records and states and the anchored reports, anchoring each file's hash; the regulator checks a
   * file against its anchored hash and rebuilds one loan's row from the loan's own proofs; a file altered after
   * anchoring, a row for a loan the file lacks and an investor's attempt are refused.
   */
  it("disclosure: ESMA Annex VI, Annex XII and Reg AB auto files for a period, anchored; the regulator proves a row", async () => {
    const period = String(REPURCHASE_PERIOD + 1);
    const periodRows = readFileSync(performance, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","))
      .filter((cells) => cells[1] === period);
    type Written = {
      records: number;
      contentHash: string;
      documentId: string;
      quality: { cells: number; scoreBps: number };
    };
    const files: Record<string, string> = {};
    for (const template of ["esma-annex6", "esma-annex12", "regab-auto"]) {
      files[template] = path.join(dir, `${template}.xml`);
      const write = (out: string) =>
        as<Written>(
          "trustee",
          "disclose",
          "--deal",
          DEAL,
          "--template",
          template,
          "--period",
          period,
          "--out",
          out,
          "--contact-person",
          "Li Wei",
          "--contact-phone",
          "+86 10 5555 0100",
          "--contact-email",
          "abs-reporting@zhongxin-trust.example",
        );
      const written = await write(files[template]);
      const text = readFileSync(files[template], "utf8");
      expect(written.documentId, template).to.not.equal("0");
      expect(written.quality.scoreBps, template).to.be.above(0).and.below(10_000);
      if (template === "esma-annex12") {
        expect(text).to.contain("<IVSS5>Li Wei</IVSS5>");
        // After the securitisation record: one record per trigger, then the priority of payments item by item
        // (inflows positive, payments negative), the available funds running down to 0.00 (ESMA Q&A 1430).
        const lines = text.split("\n");
        const triggers = lines.filter((l) => l.startsWith("<TstEvtTrggrInf>"));
        const items = lines.filter((l) => l.startsWith("<CshFlwInf>"));
        expect(triggers.length, "a record per trigger").to.be.above(0);
        expect(written.records).to.equal(1 + triggers.length + items.length);
        const cell = (line: string, code: string) => new RegExp(`<${code}>([^<]*)</${code}>`).exec(line)?.[1] ?? "";
        const amountCents = (text: string) => BigInt(text.replace(".", ""));
        expect(cell(items[0] ?? "", "IVSF4")).to.equal("Interest collections");
        expect(cell(items[0] ?? "", "IVSF5"), "the interest collected, as the report says").to.equal(
          cell(lines.find((l) => l.startsWith("<SctstnInf>")) ?? "", "IVSS17"),
        );
        expect(
          items.reduce((sum, l) => sum + amountCents(cell(l, "IVSF5")), 0n),
          "sources = uses",
        ).to.equal(0n);
        expect(cell(items.at(-1) ?? "", "IVSF6")).to.equal("0.00");
        expect(items.map((l) => cell(l, "IVSF4"))).to.include("Residual to the equity holder");
      } else {
        // Every loan the servicer reported in the period, one record each, every field of the template in it.
        expect(written.records, template).to.equal(periodRows.length);
        expect(written.quality.cells / written.records).to.equal(template === "esma-annex6" ? 69 : 72);
      }
      const again = await write(`${files[template]}.again`);
      expect(again.contentHash, `${template}: the same data writes the same bytes`).to.equal(written.contentHash);
      expect(again.documentId, `${template}: no second version for the same content`).to.equal(written.documentId);
    }
    // One loan's row, against the performance file the servicer reported from.
    const header = readFileSync(performance, "utf8").split("\n", 1)[0]?.split(",") ?? [];
    const row = periodRows.find((cells) => cells[header.indexOf("status")] === "current") ?? periodRows[0] ?? [];
    const loanId = row[0] ?? "";
    const annex6 = readFileSync(files["esma-annex6"] ?? "", "utf8");
    const line = annex6.split("\n").find((l) => l.includes(`<CMRL2>${loanId}</CMRL2>`)) ?? "";
    expect(line).to.contain(`<CMRL30>${row[header.indexOf("closing_principal_yuan")]}</CMRL30>`);
    expect(line).to.contain("<CMRL58>PERF</CMRL58>").and.contain("<CMRL10>CNZZZ</CMRL10>");
    // The tape's disclosure columns, committed with the loan: employment and income verification are reported.
    expect(line).to.match(/<CMRL12>(EMRS|EMBL|SFEM|PNNR|STNT|OTHR)<\/CMRL12>/);
    expect(line).to.match(/<CMRL18>(VRFD|SCRT|SCRE|NVRF)<\/CMRL18>/);

    const verified = await as<{ verified: boolean; mismatches: unknown[] }>(
      "regulator",
      "disclose",
      "--deal",
      DEAL,
      "--verify",
      files["esma-annex6"] ?? "",
      "--loan",
      loanId,
    );
    expect(verified.verified).to.equal(true);
    expect(verified.mismatches).to.deep.equal([]);
    const regab = await as<{ verified: boolean }>(
      "regulator",
      "disclose",
      "--deal",
      DEAL,
      "--verify",
      files["regab-auto"] ?? "",
      "--loan",
      loanId,
    );
    expect(regab.verified).to.equal(true);
    const annex12 = await as<{ verified: boolean }>(
      "regulator",
      "disclose",
      "--deal",
      DEAL,
      "--verify",
      files["esma-annex12"] ?? "",
    );
    expect(annex12.verified).to.equal(true);

    // A file altered after anchoring: one balance changed.
    const altered = path.join(dir, "altered.xml");
    writeFileSync(altered, annex6.replace(line, line.replace(/<CMRL30>[^<]*<\/CMRL30>/, "<CMRL30>1.00</CMRL30>")));
    const refused = await attempt("regulator", "disclose", "--deal", DEAL, "--verify", altered, "--loan", loanId);
    expect(refused.code, refused.stderr).to.equal(1);
    expect(refused.stderr).to.contain("is not the anchored esma-annex6/3");
    const noRow = await attempt(
      "regulator",
      "disclose",
      "--deal",
      DEAL,
      "--verify",
      files["esma-annex6"] ?? "",
      "--loan",
      "NO-SUCH-LOAN",
    );
    expect(noRow.code).to.equal(2);
    expect(noRow.stderr).to.contain("has no row for loan NO-SUCH-LOAN");
    const junk = path.join(dir, "junk.xml");
    writeFileSync(junk, "<html>not a disclosure</html>\n");
    const notAFile = await attempt("regulator", "disclose", "--deal", DEAL, "--verify", junk);
    expect(notAFile.code).to.equal(2);
    expect(notAFile.stderr).to.contain("line 1: expected the XML declaration");
    // An investor is not entitled to loan-level data: nothing written.
    const investorOut = path.join(dir, "investor.xml");
    const investor = await attempt(
      "investor-1",
      "disclose",
      "--deal",
      DEAL,
      "--template",
      "esma-annex6",
      "--period",
      period,
      "--out",
      investorOut,
    );
    expect(investor.code, investor.stderr).to.equal(1);
    expect(investor.stderr).to.match(/NOT_ENTITLED|not entitled/i);
    expect(() => readFileSync(investorOut)).to.throw();
    annex12File = files["esma-annex12"] ?? "";
    disclosedPeriod = period;
  });

  it("redemption and close-out; money conserved to the cent; the indexer's GraphQL agrees with the chain", async () => {
    const redeemed = await as<{ to: string }>("trustee", "pool", "redeem", "--deal", DEAL);
    expect(redeemed.to).to.equal("Redeemed");
    await as("trustee", "settle", "close-out", "--deal", DEAL);
    for (const holder of ["originator", "trustee", "servicer", "guarantor"]) {
      const claim = await as<{ claims: { from: string; cents: string }[] }>(holder, "claim", "--deal", DEAL);
      for (const c of claim.claims) if (c.from === "waterfall") claimedFromWaterfall.push(BigInt(c.cents));
    }
    const cash = await as<{ balances: { cents: string }[]; totalSupplyCents: string; bankBalanceCents: string }>(
      "regulator",
      "cash",
      "balance",
    );
    // Bank money equals the cash tokens outstanding.
    expect(cash.totalSupplyCents).to.equal(cash.bankBalanceCents);
    const shown = await as<{ status: { waterfall: string } }>("regulator", "deal", "show", "--deal", DEAL);
    const waterfall = shown.status.waterfall;
    const balanceOf = async (account: string) =>
      BigInt(
        (await as<{ balances: { cents: string }[] }>("regulator", "cash", "balance", "--of", account)).balances[0]
          ?.cents ?? "0",
      );
    // Everything collected = everything paid out of the waterfall + everything it still holds.
    const distributedToTranches = await Promise.all(
      trancheAddresses.map(async (t) => BigInt(await rpcCall(t, "0x17c0e92a"))),
    );
    const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
    // Into the waterfall: remittances, the repurchase's price, the substitution's adjustment, the clean-up price,
    // the bank's facility commitment; out of it before any distribution: the revolving purchase's price. (The
    // facility's fees and its released cash went to the bank as credits it claimed, among the payees' claims.)
    const totalRemitted =
      sum(remitted) + sum(repurchases) + sum(substitutions) + sum(cleanUpPrices) + sum(committed) - sum(revolvingPaid);
    for (const leg of [repurchases, substitutions, cleanUpPrices, revolvingPaid, committed]) {
      expect(leg).to.have.length(1);
    }
    const paidToPayees = claimedFromWaterfall.reduce((a, b) => a + b, 0n);
    const held = await balanceOf(waterfall);
    expect(totalRemitted).to.equal(distributedToTranches.reduce((a, b) => a + b, 0n) + paidToPayees + held);
    // Each tranche: distributed = claimed by its holders + still held by the token.
    for (const [i, t] of trancheAddresses.entries()) {
      const claimed = [...claimedFromTranches.entries()]
        .filter(([from]) => from === `class ${["A", "B", "S"][i]}`)
        .reduce((a, [, c]) => a + c, 0n);
      expect(distributedToTranches[i], `class ${i}`).to.equal(claimed + (await balanceOf(t)));
    }
    // The indexer, signed in as the regulator, agrees with the chain.
    const login = await as<{ token: string }>("regulator", "indexer", "login");
    const pool = (
      await as<{ status: { pool: string } }>("regulator", "deal", "show", "--deal", DEAL)
    ).status.pool.toLowerCase();
    const query = `{ pool(id: "${pool}") { state lastDistributedPeriod } distributions(where: { pool: "${pool}" }, first: 1000) { accretedCents } ${trancheAddresses
      .map((t, i) => `t${i}: trancheDistributions(where: { tranche: "${t.toLowerCase()}" }, first: 1000) { cashCents }`)
      .join(" ")} }`;
    let agreed = false;
    let last = "";
    for (let attemptNo = 0; attemptNo < 60 && !agreed; attemptNo++) {
      const res = await fetch(`${consortium.indexerUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${login.token}` },
        body: JSON.stringify({ query }),
      });
      last = await res.text();
      const body = JSON.parse(last) as { data?: Record<string, unknown> };
      const p = body.data?.["pool"] as { state: string; lastDistributedPeriod: number } | null | undefined;
      if (p?.state === "Redeemed" && p.lastDistributedPeriod === PERIODS) {
        const byTranche = trancheAddresses.map((_, i) =>
          ((body.data?.[`t${i}`] ?? []) as { cashCents: string }[]).reduce((sum, d) => sum + BigInt(d.cashCents), 0n),
        );
        expect(byTranche).to.deep.equal(distributedToTranches);
        // No accrual (Z) class in this deal: every period's accretion is 0.
        const accreted = (body.data?.["distributions"] ?? []) as { accretedCents: string }[];
        expect(accreted.map((d) => d.accretedCents)).to.deep.equal(Array.from({ length: PERIODS }, () => "0"));
        agreed = true;
      } else await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(agreed, `the indexer caught up with the redeemed deal; it answered ${last.slice(0, 600)}`).to.equal(true);
    // Each loan's history period by period, joined from the servicer's node, every point verified.
    const performanceRows = readFileSync(performance, "utf8").trim().split("\n").slice(1);
    const loanId = performanceRows[0]?.split(",")[0] ?? "";
    const periodsOfLoan = performanceRows.filter((l) => l.split(",")[0] === loanId).map((l) => Number(l.split(",")[1]));
    let history: { period: number; proofStatus: string }[] = [];
    for (let attemptNo = 0; attemptNo < 60 && history.length < periodsOfLoan.length; attemptNo++) {
      const res = await fetch(`${consortium.indexerUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${login.token}` },
        body: JSON.stringify({ query: `{ loanPeriods(pool: "${pool}", loanId: "${loanId}") { period proofStatus } }` }),
      });
      const body = (await res.json()) as { data?: { loanPeriods?: { period: number; proofStatus: string }[] } };
      history = body.data?.loanPeriods ?? [];
      if (history.length < periodsOfLoan.length) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(history).to.deep.equal(periodsOfLoan.map((period) => ({ period, proofStatus: "verified" })));
    // Every command sent its member's transactions through the member's node (the consortium file names each
    // node and the operator token): no node ever found a nonce of its key taken by another sender.
    expect(output).to.not.contain("nonce taken by another sender");
  });

  /**
   * Last, because it signs with the trustee's key outside the trustee's node (as a trustee who went around its own
   * tools would): the node would find that nonce taken at its next transaction.
   */
  it("a doctored investor report anchored with the trustee's own key is caught by rebuilding it from the chain", async () => {
    // A doctored investor report the trustee itself anchored (one cash-flow amount moved from one item to another,
    // so the sums still balance) is caught: the regulator rebuilds the report from the chain, cell by cell.
    const report = readFileSync(annex12File, "utf8");
    const cashLines = report.split("\n").filter((l) => l.startsWith("<CshFlwInf>"));
    const [firstItem = "", secondItem = ""] = cashLines;
    const doctored = path.join(dir, "doctored.xml");
    writeFileSync(
      doctored,
      report
        .replace(
          firstItem,
          firstItem.replace(
            /<IVSF5>(\d+)\.(\d\d)<\/IVSF5>/,
            (_, u: string, c: string) => `<IVSF5>${BigInt(u) + 1n}.${c}</IVSF5>`,
          ),
        )
        .replace(
          secondItem,
          secondItem.replace(
            /<IVSF5>(\d+)\.(\d\d)<\/IVSF5>/,
            (_, u: string, c: string) => `<IVSF5>${BigInt(u) - 1n}.${c}</IVSF5>`,
          ),
        ),
    );
    const trusteeMember = consortium.members.find((m) => m.name === "trustee");
    const trusteeKey = readFileSync(trusteeMember?.keyFile ?? "", "utf8").trim();
    const provider = new JsonRpcProvider(consortium.rpcUrl);
    const registry = DocumentRegistry__factory.connect(
      consortium.contracts["DocumentRegistry"] ?? "",
      new Wallet(trusteeKey, provider),
    );
    const { status } = await as<{ status: { pool: string } }>("regulator", "deal", "show", "--deal", DEAL);
    await (
      await registry.registerDocument(
        status.pool,
        encodeBytes32String(`esma-annex12/${disclosedPeriod}`),
        keccak256(readFileSync(doctored)),
        "urn:doctored",
        1 << 2,
      )
    ).wait();
    provider.destroy();
    const caught = await attempt("regulator", "disclose", "--deal", DEAL, "--verify", doctored);
    expect(caught.code, caught.stderr).to.equal(1);
    expect(caught.stderr).to.contain("differs from the report rebuilt from the chain in 2 cell(s)");
    expect(caught.stderr).to.contain("CshFlwInf #1 IVSF5");
  });

  /**
   * The bank commits its liquidity facility's limit once the deal is issued: the custodian credits the cash to it,
   * and its own `abs guarantee commit` approves and commits it (a second commitment above the limit is refused).
   */
  async function commitFacility(): Promise<void> {
    await as("custodian", "cash", "mint", "--to", "guarantor", "--amount", "20000.00", "--bank-ref", `LF-${DEAL}`);
    const done = await as<{ amountCents: string; guaranteeCashCents: string }>(
      "guarantor",
      "guarantee",
      "commit",
      "--deal",
      DEAL,
      "--amount",
      "20000.00",
    );
    expect(done.guaranteeCashCents).to.equal("2000000");
    committed.push(BigInt(done.amountCents));
    const over = await attempt("guarantor", "guarantee", "commit", "--deal", DEAL, "--amount", "0.01");
    expect(over.code, over.stderr).to.equal(1);
    expect(over.stderr).to.contain("GuaranteeCommitExceedsLimit");
  }

  /**
   * After the facility's last drawable period the bank takes back its committed cash with `abs guarantee release`:
   * credited to it (its claim withdraws it with the facility's fees); nothing is left committed.
   */
  async function releaseFacility(): Promise<void> {
    const released = await as<{ releasedCents: string; owedCents: string }>(
      "guarantor",
      "guarantee",
      "release",
      "--deal",
      DEAL,
    );
    expect(BigInt(released.releasedCents) > 0n, "committed cash released").to.equal(true);
    expect(BigInt(released.owedCents) >= BigInt(released.releasedCents)).to.equal(true);
    const shown = await as<{ guarantee: { expiryPeriod: number } }>("regulator", "deal", "show", "--deal", DEAL);
    expect(shown.guarantee.expiryPeriod).to.equal(FACILITY_EXPIRY);
  }

  /**
   * The originator repurchases two loans (a breach of their eligibility, say): tape version 2 without them,
   * uploaded through its node as a Repurchase; the node computes the change set, allows the pool the price, and the
   * anchoring transaction pays the trust. A tape that adds a loan under the Repurchase kind is refused first.
   */
  async function repurchase(cutoffDate: string): Promise<void> {
    const header = tapeHeader();
    const rows = tapeRows;
    const v2 = path.join(dir, "tape-repurchase.csv");
    writeFileSync(v2, [header, ...rows.slice(2)].join("\n") + "\n");
    const added = path.join(dir, "tape-added.csv");
    writeFileSync(added, [header, ...rows, (rows[0] ?? "").replace(/^L\d+/, "L99999999")].join("\n") + "\n");
    const wrong = await attempt(
      "originator",
      "tape",
      "upload",
      added,
      "--deal",
      DEAL,
      "--cutoff-date",
      cutoffDate,
      "--kind",
      "Repurchase",
    );
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.contain("TAPE_CHANGE_INVALID").and.contain("loans removed and none added");
    const waterfall = await waterfallAddress();
    const [originatorBefore, waterfallBefore] = [await cashOf("originator"), await cashOf(waterfall)];
    const uploaded = await as<{ version: number }>(
      "originator",
      "tape",
      "upload",
      v2,
      "--deal",
      DEAL,
      "--cutoff-date",
      cutoffDate,
      "--kind",
      "Repurchase",
    );
    expect(uploaded.version).to.equal(3);
    tapeRows = rows.slice(2);
    const price = originatorBefore - (await cashOf("originator"));
    const removedPrincipal = rows
      .slice(0, 2)
      .reduce((sum, row) => sum + BigInt((row.split(",")[5] ?? "0").replace(".", "")), 0n);
    expect(price).to.equal(removedPrincipal);
    expect((await cashOf(waterfall)) - waterfallBefore).to.equal(price);
    repurchases.push(price);
  }

  const tapeHeader = () => readFileSync(tape, "utf8").split("\n")[0] ?? "";
  const cashOf = async (who: string) =>
    BigInt(
      (await as<{ balances: { cents: string }[] }>("regulator", "cash", "balance", "--of", who)).balances[0]?.cents ??
        "0",
    );
  const waterfallAddress = async () =>
    (await as<{ status: { waterfall: string } }>("regulator", "deal", "show", "--deal", DEAL)).status.waterfall;
  const centsOf = (yuan: string) => BigInt(yuan.replace(".", ""));
  /** A copy of tape row `row` as a new loan `id` of another borrower, with `principal` (yuan) outstanding. */
  function newLoanLike(row: string, id: string, principal?: string): string {
    const cells = row.split(",");
    cells[0] = id;
    const borrower = cells[1] ?? "0x0";
    cells[1] = `0x${borrower[2] === "f" ? "e" : "f"}${borrower.slice(3)}`;
    if (principal !== undefined) cells[5] = principal;
    return cells.join(",");
  }

  /**
   * A revolving purchase, between period 1's remittance and its settlement: the originator adds a loan (a copy of the
   * tape's eleventh loan as it stands after period 1, for another borrower) through its node; the anchoring
   * transaction has the waterfall pay the originator its principal out of period 1's principal collections, which
   * the period then distributes that much less of. From period 2 on the servicer reports the loan like any other.
   */
  async function revolvingPurchase(cutoffDate: string): Promise<void> {
    tapeRows = readFileSync(tape, "utf8").trim().split("\n").slice(1);
    const model = tapeRows[10] ?? "";
    const modelId = model.split(",")[0] ?? "";
    const perf = readFileSync(performance, "utf8").trim().split("\n");
    const modelRows = perf.filter((l) => l.startsWith(`${modelId},`));
    const afterPeriod1 = modelRows.find((l) => l.split(",")[1] === "1")?.split(",")[10] ?? "";
    const added = newLoanLike(model, "L99999997", afterPeriod1);
    const file = path.join(dir, "tape-revolving.csv");
    writeFileSync(file, [tapeHeader(), ...tapeRows, added].join("\n") + "\n");
    const [originatorBefore, waterfallBefore] = [await cashOf("originator"), await cashOf(await waterfallAddress())];
    const uploaded = await as<{ version: number }>(
      "originator",
      "tape",
      "upload",
      file,
      "--deal",
      DEAL,
      "--cutoff-date",
      cutoffDate,
      "--kind",
      "RevolvingPurchase",
    );
    expect(uploaded.version).to.equal(2);
    tapeRows = [...tapeRows, added];
    const price = (await cashOf("originator")) - originatorBefore;
    expect(price).to.equal(centsOf(afterPeriod1));
    expect(waterfallBefore - (await cashOf(await waterfallAddress()))).to.equal(price);
    // The servicer reports the new loan from period 2 on (its performance, the model's).
    const cloned = modelRows
      .filter((l) => Number(l.split(",")[1]) >= 2)
      .map((l) => l.replace(`${modelId},`, "L99999997,"));
    writeFileSync(performance, [...perf, ...cloned].join("\n") + "\n");
    revolvingPaid.push(price);
  }

  /**
   * A substitution after period 3: two loans out, one in (a copy of the first of them for another borrower); the
   * anchoring transaction takes the principal removed beyond the principal added from the originator into the
   * waterfall.
   */
  async function substitution(cutoffDate: string): Promise<void> {
    const [first = "", second = ""] = tapeRows;
    const added = newLoanLike(first, "L99999996");
    const rows = [...tapeRows.slice(2), added];
    const file = path.join(dir, "tape-substitution.csv");
    writeFileSync(file, [tapeHeader(), ...rows].join("\n") + "\n");
    const adjustment = centsOf(second.split(",")[5] ?? "0");
    const upload = ["tape", "upload", file, "--deal", DEAL, "--cutoff-date", cutoffDate, "--kind", "Substitution"];
    if ((await cashOf("originator")) < adjustment) {
      await as(
        "custodian",
        "cash",
        "mint",
        "--to",
        "originator",
        "--amount",
        formatCents(adjustment),
        "--bank-ref",
        `SUB-${DEAL}`,
      );
    }
    const [originatorBefore, waterfallBefore] = [await cashOf("originator"), await cashOf(await waterfallAddress())];
    const uploaded = await as<{ version: number }>("originator", ...upload);
    expect(uploaded.version).to.equal(4);
    tapeRows = rows;
    expect(originatorBefore - (await cashOf("originator"))).to.equal(adjustment);
    expect((await cashOf(await waterfallAddress())) - waterfallBefore).to.equal(adjustment);
    substitutions.push(adjustment);
  }

  /** Cents as the CLI's amount argument (yuan with two decimals). */
  function formatCents(cents: bigint): string {
    return `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
  }

  /**
   * The servicer exercises the clean-up call on the last period, reported and not yet settled: it buys every loan
   * left at the period's ending balance, the price paid into the waterfall in the same transaction; the remittance
   * then pays only the period's collections, and the settlement pays the notes off.
   */
  async function cleanUpCall(): Promise<void> {
    const dry = await as<{ priceCents: string; thresholdCents: string }>(
      "servicer",
      "deal",
      "clean-up-call",
      "--deal",
      DEAL,
      "--dry-run",
    );
    const price = BigInt(dry.priceCents);
    expect(price <= BigInt(dry.thresholdCents), "the pool is at or below the clean-up threshold").to.equal(true);
    await as(
      "custodian",
      "cash",
      "mint",
      "--to",
      "servicer",
      "--amount",
      formatCents(price),
      "--bank-ref",
      `CLEANUP-${DEAL}`,
    );
    const exercised = await as<{ priceCents: string }>("servicer", "deal", "clean-up-call", "--deal", DEAL);
    expect(BigInt(exercised.priceCents)).to.equal(price);
    const again = await attempt("servicer", "deal", "clean-up-call", "--deal", DEAL);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.contain("already exercised");
    cleanUpPrices.push(price);
  }

  /** eth_call of a no-argument uint256 view by selector. */
  async function rpcCall(to: string, selector: string): Promise<string> {
    return rpc<string>("eth_call", [{ to, data: selector }, "latest"]);
  }
});

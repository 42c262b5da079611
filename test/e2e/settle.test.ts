/**
 * End-to-end: `abs settle` against a real Hardhat node process (random port), on the waterfall test deal set up
 * by scripts/settle-fixture.ts: the period is run, verified to the cent and reported; running it again fails with
 * the contract's error and exit code 1; bad options are usage errors (exit 2); `abs settle close-out` is refused
 * before the pool is Redeemed (exit 1, `DealNotRedeemed`) and, once it is, closes the deal out (cash = payables); an
 * interest-rate cap's provider pays its period's payment with `abs cap remit` before the trustee settles.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { expect } from "chai";
import { JsonRpcProvider, Contract, Wallet } from "ethers";
import { hardhatDevWallet } from "../../packages/core/src/dev-keys";
import { formatCents } from "../../packages/core/src/money";
import { main } from "../../packages/cli/src/main";
import { startChain, type ChainProcess } from "../../scripts/lib/chain-process";
import { absWithEnv } from "./abs-process";

const ROOT = path.resolve(__dirname, "..", "..");
const PORT = 19545 + Math.floor(Math.random() * 1000);

function io(env: Record<string, string>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  return { io: { stdout, stderr, env, now: () => performance.now() }, text: () => ({ out, err }) };
}

describe("abs settle (against a real chain process)", function () {
  this.timeout(180_000);
  let chain: ChainProcess;
  let waterfall = "";
  let pool = "";
  let pacWaterfall = "";
  let capWaterfall = "";
  let capProvider = "";
  let ioWaterfall = "";
  let swapWaterfall = "";
  const outDir = mkdtempSync(path.join(tmpdir(), "abs-settle-"));

  before(async () => {
    chain = await startChain({ host: "127.0.0.1", port: PORT, cwd: ROOT, readyTimeoutMs: 60_000 });
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn("npx", ["hardhat", "run", "--network", "localhost", "scripts/settle-fixture.ts"], {
        cwd: ROOT,
        env: { ...process.env, ABS_RPC_URL: chain.rpcUrl },
      });
      let text = "";
      child.stdout.on("data", (c: Buffer) => (text += c.toString()));
      child.stderr.on("data", (c: Buffer) => (text += c.toString()));
      child.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`fixture failed:\n${text}`))));
    });
    const last = output.trim().split("\n").pop() ?? "";
    const parsed = JSON.parse(last) as {
      waterfall: string;
      pool: string;
      pacWaterfall: string;
      capWaterfall: string;
      capProvider: string;
      ioWaterfall: string;
      swapWaterfall: string;
    };
    waterfall = parsed.waterfall;
    pool = parsed.pool;
    pacWaterfall = parsed.pacWaterfall;
    capWaterfall = parsed.capWaterfall;
    capProvider = parsed.capProvider;
    ioWaterfall = parsed.ioWaterfall;
    swapWaterfall = parsed.swapWaterfall;
  });

  after(async () => {
    await chain.stop();
  });

  it("settles period 1, verifies it to the cent and writes the report (by default under ~/.abs, not the working tree)", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "abs-home-"));
    const t = io({ ABS_TRUSTEE_KEY: hardhatDevWallet(3).privateKey, HOME: home });
    const code = await main(["settle", "--rpc-url", chain.rpcUrl, "--waterfall", waterfall, "--period", "1"], t.io);
    expect(code, t.text().err).to.equal(0);
    expect(t.text().out).to.contain("verified");
    expect(existsSync(path.join(ROOT, "settlement-reports"))).to.equal(false);
    const base = path.join(home, ".abs", "settlement-reports", `settlement-${waterfall.toLowerCase()}-period-1`);
    const report = JSON.parse(readFileSync(`${base}.json`, "utf8")) as { verified: boolean; period: number };
    expect(report.verified).to.equal(true);
    expect(report.period).to.equal(1);
    expect(readFileSync(`${base}.txt`, "utf8")).to.contain("Period 1");
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true });
    const p = new Contract(pool, ["function isDistributed(uint32) view returns (bool)"], provider);
    expect(await p.getFunction("isDistributed").staticCall(1)).to.equal(true);
    provider.destroy();
  });

  it("settles a PAC/support/Z deal's period from its own process: A to its schedule, D accreted, engine = chain", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "abs-home-"));
    const env = { ABS_TRUSTEE_KEY: hardhatDevWallet(3).privateKey, HOME: home };
    const args = ["settle", "--rpc-url", chain.rpcUrl, "--waterfall", pacWaterfall, "--period", "1"];
    // The schedule is the deal's, fixed at structuring: the trustee gives no targets, and a dry run shows the plan.
    const dry = await absWithEnv(env, ...args, "--dry-run");
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.contain("principal scheduled").and.contain("accreted to its balance");
    const run = await absWithEnv(env, ...args);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("verified: the chain's result equals the engine's to the cent");
    const base = path.join(home, ".abs", "settlement-reports", `settlement-${pacWaterfall.toLowerCase()}-period-1`);
    const report = JSON.parse(readFileSync(`${base}.json`, "utf8")) as {
      verified: boolean;
      inputs: { targetBalancesCents: string[] };
      expected: {
        principalMode: string;
        accretedCents: string[];
        tranches: { interestDueCents: string; interestPaidCents: string; principalPaidCents: string }[];
        next: { tranches: { balanceCents: string }[] };
      };
    };
    expect(report.verified).to.equal(true);
    expect(report.expected.principalMode).to.equal("scheduled");
    // A (70M) is scheduled down by 1.5M a period: its first target, read from the schedule's data contract.
    expect(report.inputs.targetBalancesCents).to.deep.equal(["6850000000", "0", "0", "0", "0"]);
    expect(report.expected.next.tranches[0]?.balanceCents).to.equal("6850000000");
    // D (the Z class) is paid no interest: its coupon is added to its balance and paid out as principal.
    const d = report.expected.tranches[3];
    expect(d?.interestPaidCents).to.equal("0");
    expect(report.expected.accretedCents[3]).to.equal(d?.interestDueCents);
    const dBalance = BigInt(report.expected.next.tranches[3]?.balanceCents ?? "0");
    expect(dBalance, "D above its 4M face").to.equal(4_000_000_00n + BigInt(d?.interestDueCents ?? "0"));
    expect(dBalance > 4_000_000_00n).to.equal(true);
  });

  it("settles a deal with an interest-only strip of A from its own process: AIO paid on A's balance, no principal", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "abs-home-"));
    const env = { ABS_TRUSTEE_KEY: hardhatDevWallet(3).privateKey, HOME: home };
    const args = ["settle", "--rpc-url", chain.rpcUrl, "--waterfall", ioWaterfall, "--period", "1"];
    const dry = await absWithEnv(env, ...args, "--dry-run");
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.contain("interest only, on tranche 1's balance");
    const run = await absWithEnv(env, ...args);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("verified: the chain's result equals the engine's to the cent");
    const base = path.join(home, ".abs", "settlement-reports", `settlement-${ioWaterfall.toLowerCase()}-period-1`);
    const report = JSON.parse(readFileSync(`${base}.json`, "utf8")) as {
      verified: boolean;
      inputs: { accrualDays: number };
      expected: {
        tranches: { interestDueCents: string; interestPaidCents: string; principalPaidCents: string }[];
        next: { tranches: { balanceCents: string }[] };
      };
    };
    expect(report.verified).to.equal(true);
    // AIO: 0.50% a year on A's opening balance (its 70M face) for the period's days, ACT/360, rounded down.
    const aio = report.expected.tranches[1];
    const due = (70_000_000_00n * 5n * 10n ** 15n * BigInt(report.inputs.accrualDays)) / (10n ** 18n * 360n);
    expect(aio?.interestDueCents).to.equal(due.toString());
    expect(aio?.interestPaidCents).to.equal(due.toString());
    expect(aio?.principalPaidCents).to.equal("0");
    expect(report.expected.next.tranches[1]?.balanceCents).to.equal("0");
    // A took the principal; AIO's token factor follows A's (its notional outstanding).
    expect(BigInt(report.expected.tranches[0]?.principalPaidCents ?? "0") > 0n).to.equal(true);
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true });
    const w = new Contract(ioWaterfall, ["function pool() view returns (address)"], provider);
    const p = new Contract(
      String(await w.getFunction("pool").staticCall()),
      ["function tranches() view returns (address[])"],
      provider,
    );
    const [a = "", strip = ""] = (await p.getFunction("tranches").staticCall()) as string[];
    const factor = async (token: string) =>
      (await new Contract(token, ["function factorRay() view returns (uint256)"], provider)
        .getFunction("factorRay")
        .staticCall()) as bigint;
    expect(await factor(strip)).to.equal(await factor(a));
    expect((await factor(a)) < 10n ** 27n).to.equal(true);
    provider.destroy();
  });

  it("refuses to settle the same period twice, or one too far ahead: exit 1, nothing sent", async () => {
    const t = io({ ABS_TRUSTEE_KEY: hardhatDevWallet(3).privateKey });
    const code = await main(
      ["settle", "--rpc-url", chain.rpcUrl, "--waterfall", waterfall, "--period", "1", "--out", outDir],
      t.io,
    );
    expect(code).to.equal(1);
    expect(t.text().err).to.contain("period 1 was already distributed").and.contain("the next is 2");
    expect(t.text().err).to.contain("SETTLEMENT_PERIOD_INVALID");
    const ahead = io({ ABS_TRUSTEE_KEY: hardhatDevWallet(3).privateKey });
    expect(
      await main(
        ["settle", "--rpc-url", chain.rpcUrl, "--waterfall", waterfall, "--period", "3", "--out", outDir],
        ahead.io,
      ),
    ).to.equal(1);
    expect(ahead.text().err).to.contain("period 3 cannot run before period 2");
  });

  it("--dry-run of a period already distributed invents nothing: exit 1, no report written", async () => {
    const dir = path.join(outDir, "dry-run");
    const t = io({});
    const code = await main(
      ["settle", "--rpc-url", chain.rpcUrl, "--waterfall", waterfall, "--period", "1", "--dry-run", "--out", dir],
      t.io,
    );
    expect(code).to.equal(1);
    expect(t.text().out).to.not.contain("ACCELERATED").and.not.contain("BREACHED");
    expect(t.text().err).to.contain("SETTLEMENT_PERIOD_INVALID");
    expect(existsSync(dir)).to.equal(false);
  });

  it("scripts/settle.ts --help shows abs settle's help (it died with a TypeError)", () => {
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/settle.ts", "--help"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("--waterfall").and.contain("--dry-run");
  });

  it("settle close-out: refused before Redeemed (exit 1), then releases the reserve and the guarantee, cash = payables", async () => {
    const key = hardhatDevWallet(3).privateKey;
    const early = io({ ABS_TRUSTEE_KEY: key });
    expect(await main(["settle", "close-out", "--rpc-url", chain.rpcUrl, "--waterfall", waterfall], early.io)).to.equal(
      1,
    );
    expect(early.text().err).to.contain("DealNotRedeemed");
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { batchMaxCount: 1, staticNetwork: true });
    const trustee = new Wallet(key, provider);
    const p = new Contract(pool, ["function startAmortization()", "function redeem()"], trustee);
    // Nonces kept here: ethers may answer a second nonce read from its cache.
    const nonce = await provider.getTransactionCount(trustee.address, "latest");
    await (await p.getFunction("startAmortization").send({ nonce })).wait();
    await (await p.getFunction("redeem").send({ nonce: nonce + 1 })).wait();
    provider.destroy();
    const t = io({ ABS_TRUSTEE_KEY: key });
    const code = await main(
      ["settle", "close-out", "--rpc-url", chain.rpcUrl, "--waterfall", waterfall, "--json"],
      t.io,
    );
    expect(code, t.text().err).to.equal(0);
    const report = JSON.parse(t.text().out) as {
      verified: boolean;
      lastPeriod: number;
      cashHeldCents: string;
      payablesCents: string;
    };
    expect(report.verified).to.equal(true);
    expect(report.lastPeriod).to.equal(1);
    expect(report.cashHeldCents).to.equal(report.payablesCents);
    const again = io({ ABS_TRUSTEE_KEY: key });
    expect(await main(["settle", "close-out", "--rpc-url", chain.rpcUrl, "--waterfall", waterfall], again.io)).to.equal(
      1,
    );
    expect(again.text().err).to.contain("WaterfallClosedOut");
  });

  it("an interest-rate cap: the provider pays its period's payment with `abs cap remit`, then the period settles", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "abs-home-"));
    // The fixture's cap provider is one of the chain's dev accounts: its key, found by its address.
    const providerKey = Array.from({ length: 20 }, (_, i) => hardhatDevWallet(i)).find(
      (w) => w.address === capProvider,
    );
    if (providerKey === undefined) throw new Error(`no dev key for the cap provider ${capProvider}`);
    const trustee = { ABS_TRUSTEE_KEY: hardhatDevWallet(3).privateKey, HOME: home };
    const provider = { ABS_CAP_PROVIDER_KEY: providerKey.privateKey, HOME: home };
    const at = ["--rpc-url", chain.rpcUrl, "--waterfall", capWaterfall, "--period", "1", "--index-bps", "500"];

    // Before the provider pays, the trustee's dry run shows the cap's payment and warns that a real run is refused.
    const dry = await absWithEnv(trustee, "settle", ...at, "--dry-run");
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.contain("interest-rate cap paid in");
    expect(dry.stderr).to.contain("CollectionsShort").and.contain("the cap provider");
    expect((await absWithEnv(trustee, "settle", ...at)).code).to.equal(1);

    // The provider: a dry run, then the payment (5% - 3% on A's 80M for the period), then nothing more is due.
    const plan = await absWithEnv(provider, "cap", "remit", ...at, "--dry-run", "--json");
    expect(plan.code, plan.stderr).to.equal(0);
    const due = JSON.parse(plan.stdout) as { receiptCents: string; dueCents: string; transactionHash?: string };
    expect(BigInt(due.receiptCents) > 0n).to.equal(true);
    expect(due.dueCents).to.equal(due.receiptCents);
    expect(due.transactionHash).to.equal(undefined);
    const paid = await absWithEnv(provider, "cap", "remit", ...at);
    expect(paid.code, paid.stderr).to.equal(0);
    expect(paid.stdout).to.contain("the cap pays").and.contain("strike 3.0000%").and.contain("paid");
    const again = await absWithEnv(provider, "cap", "remit", ...at);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain("nothing due");

    // The trustee settles the period: verified, the cap's payment among the sources.
    const run = await absWithEnv(trustee, "settle", ...at);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("verified: the chain's result equals the engine's to the cent");
    const base = path.join(home, ".abs", "settlement-reports", `settlement-${capWaterfall.toLowerCase()}-period-1`);
    const report = JSON.parse(readFileSync(`${base}.json`, "utf8")) as { expected: { capReceiptCents: string } };
    expect(report.expected.capReceiptCents).to.equal(due.receiptCents);

    // A deal without a cap, a bad index: refused with the reason.
    const none = await absWithEnv(
      provider,
      "cap",
      "remit",
      ...at.slice(0, 2),
      "--waterfall",
      pacWaterfall,
      "--period",
      "2",
      "--index-bps",
      "500",
    );
    expect(none.code).to.equal(1);
    expect(none.stderr).to.contain("no interest-rate cap");
    const bad = await absWithEnv(provider, "cap", "remit", ...at.slice(0, 6), "--index-bps", "-5");
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("index");
  });

  it("an interest-rate swap below its fixed rate: nothing to remit, and the trustee's settle pays the counterparty first", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "abs-home-"));
    const counterparty = Array.from({ length: 20 }, (_, i) => hardhatDevWallet(i)).find(
      (w) => w.address === capProvider,
    );
    if (counterparty === undefined) throw new Error(`no dev key for the counterparty ${capProvider}`);
    const trustee = { ABS_TRUSTEE_KEY: hardhatDevWallet(3).privateKey, HOME: home };
    const at = ["--rpc-url", chain.rpcUrl, "--waterfall", swapWaterfall, "--period", "1", "--index-bps", "100"];

    // Index 1% against the 4% fixed rate: the counterparty owes nothing and is told what the deal owes it.
    const remit = await absWithEnv(
      { ABS_CAP_PROVIDER_KEY: counterparty.privateKey, HOME: home },
      "cap",
      "remit",
      ...at,
    );
    expect(remit.code, remit.stderr).to.equal(0);
    expect(remit.stdout).to.contain("the swap's counterparty pays 0.00").and.contain("fixed rate 4.0000%");
    expect(remit.stdout).to.contain("nothing due").and.contain("the deal owes the counterparty");

    const dry = await absWithEnv(trustee, "settle", ...at, "--dry-run");
    expect(dry.code, dry.stderr).to.equal(0);
    expect(dry.stdout).to.contain("the swap's net payment to its counterparty");
    const run = await absWithEnv(trustee, "settle", ...at);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("verified: the chain's result equals the engine's to the cent");
    const base = path.join(home, ".abs", "settlement-reports", `settlement-${swapWaterfall.toLowerCase()}-period-1`);
    const report = JSON.parse(readFileSync(`${base}.json`, "utf8")) as {
      inputs: { accrualDays: number };
      expected: { capReceiptCents: string; fees: { dueCents: string; paidCents: string }[] };
    };
    // The pay leg (the fourth fee): 4% - 1% a year on A's 70M opening balance, ACT/360, paid in full, first.
    const owed = (70_000_000_00n * 3n * BigInt(report.inputs.accrualDays)) / 36_000n;
    expect(report.expected.fees[3]).to.deep.equal({ dueCents: owed.toString(), paidCents: owed.toString() });
    expect(report.expected.capReceiptCents).to.equal("0");
    expect(remit.stdout).to.contain(formatCents(owed));
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true });
    const w = new Contract(swapWaterfall, ["function owedCents(address) view returns (uint256)"], provider);
    // Credited to the counterparty (beside the guarantee fee it earns as the deal's guarantor).
    expect((await w.getFunction("owedCents").staticCall(capProvider)) >= owed).to.equal(true);
    provider.destroy();
  });

  it("bad options and a missing key are usage errors (exit 2)", async () => {
    const bad = io({});
    expect(await main(["settle", "--rpc-url", chain.rpcUrl, "--waterfall", "0x12", "--period", "1"], bad.io)).to.equal(
      2,
    );
    expect(bad.text().err).to.contain("--waterfall");
    const noKey = io({});
    expect(
      await main(["settle", "--rpc-url", chain.rpcUrl, "--waterfall", waterfall, "--period", "2"], noKey.io),
    ).to.equal(2);
    expect(noKey.text().err).to.contain("ABS_TRUSTEE_KEY");
  });
});

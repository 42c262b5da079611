/**
 * The chain bridge against a real Hardhat chain, reached through a real HTTP proxy that can be told to
 * fail: retries with backoff over transport faults, permanent reverts decoded (no retry), its own nonces
 * for concurrent actions, idempotent actions (same key = one transaction), and resuming a journalled
 * transaction that never reached the chain (same signed bytes, same nonce).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Interface, JsonRpcProvider, encodeBytes32String } from "ethers";
import { Level } from "level";
import pino from "pino";
import { hardhatDevWallet } from "@abs/core";
import { ASSET_POOL_FACTORY_ABI } from "../src/chain/abi";
import { ChainBridge, type BridgeOptions } from "../src/chain/bridge";
import { type NodeError } from "../src/errors";
import { startConsortiumChain, type ConsortiumChain } from "./consortium-chain";
import { FlakyProxy } from "./flaky-proxy";

const FACTORY = new Interface(ASSET_POOL_FACTORY_ABI);
const fast = { attempts: 5, baseDelayMs: 300, maxDelayMs: 400 };

describe("chain bridge (real chain behind a flaky proxy)", function () {
  this.timeout(60_000);
  let consortium: ConsortiumChain;
  let proxy: FlakyProxy;
  let provider: JsonRpcProvider;
  let db: Level<string, string>;
  let dir: string;
  const trustee = hardhatDevWallet(3);
  let deal = 0;

  const createPoolCall = () => {
    deal += 1;
    const data = FACTORY.encodeFunctionData("createPool", [
      {
        dealId: encodeBytes32String(`BRIDGE-${deal}`),
        name: `Bridge deal ${deal}`,
        originator: hardhatDevWallet(1).address,
        servicer: hardhatDevWallet(2).address,
        trustee: trustee.address,
        cashToken: consortium.deployment.cashToken,
      },
    ]);
    return { to: consortium.deployment.poolFactory, data, label: `createPool(BRIDGE-${deal})` };
  };
  const newBridge = (options: BridgeOptions = {}) =>
    new ChainBridge(
      { wallet: trustee, provider, db, logger: pino({ level: "silent" }) },
      { retry: fast, pollMs: 20, ...options },
    );

  before(async () => {
    consortium = await startConsortiumChain({ withSampleDeal: false });
    proxy = new FlakyProxy(consortium.chain.rpcUrl);
    await proxy.start();
    provider = new JsonRpcProvider(proxy.url, undefined, { batchMaxCount: 1, staticNetwork: true });
    await provider.getNetwork(); // detected once (staticNetwork) before any failure is injected
    dir = mkdtempSync(path.join(tmpdir(), "abs-bridge-"));
    db = new Level<string, string>(dir);
    await db.open();
  });

  after(async () => {
    await db.close();
    provider.destroy();
    await proxy.stop();
    await consortium.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("retries transport failures with backoff and confirms the action", async () => {
    const bridge = newBridge();
    proxy.failures = 0;
    proxy.failNext = 3;
    const done = await bridge.execute("pool-a", createPoolCall());
    expect(proxy.failures).to.equal(3);
    expect(done.receipt.status).to.equal(1);
    expect((await bridge.entry("pool-a"))?.state).to.equal("confirmed");
  });

  it("gives up with CHAIN_UNAVAILABLE (retryable) when the RPC stays down", async () => {
    const bridge = newBridge();
    proxy.failNext = 1_000;
    try {
      await bridge.execute("pool-down", createPoolCall());
      expect.fail("expected a rejection");
    } catch (error) {
      expect((error as NodeError).code).to.equal("CHAIN_UNAVAILABLE");
      expect((error as NodeError).retryable).to.equal(true);
    } finally {
      proxy.failNext = 0;
    }
    expect(await bridge.entry("pool-down")).to.equal(undefined);
  });

  it("does not retry a revert: CHAIN_REVERTED with the decoded custom error, nothing journalled", async () => {
    const bridge = newBridge();
    const call = createPoolCall();
    await bridge.execute("dup-1", call);
    proxy.failures = 0;
    try {
      await bridge.execute("dup-2", call); // the same deal id again
      expect.fail("expected a rejection");
    } catch (error) {
      expect((error as NodeError).code).to.equal("CHAIN_REVERTED");
      expect((error as NodeError).retryable).to.equal(false);
      expect((error as Error).message).to.match(/DealIdTaken\(dealId=0x[0-9a-f]{64}, pool=0x[0-9a-fA-F]{40}\)/);
    }
    expect(proxy.failures).to.equal(0);
    expect(await bridge.entry("dup-2")).to.equal(undefined);
  });

  it("counts its own nonces for concurrent actions, and the same key twice sends once", async () => {
    const bridge = newBridge();
    const before = Number(await provider.send("eth_getTransactionCount", [trustee.address, "latest"]));
    const call = createPoolCall();
    const [a, b, again] = await Promise.all([
      bridge.execute("c-1", call),
      bridge.execute("c-2", createPoolCall()),
      bridge.execute("c-1", call),
    ]);
    expect([a.nonce, b.nonce].sort()).to.deep.equal([before, before + 1]);
    expect(again.txHash).to.equal(a.txHash);
    const later = await newBridge().execute("c-1", call);
    expect(later).to.include({ txHash: a.txHash, reused: true });
    expect(Number(await provider.send("eth_getTransactionCount", [trustee.address, "latest"]))).to.equal(before + 2);
  });

  it("sends again with a fresh nonce when another sender with the same key (the member's CLI) took the counted one", async () => {
    const bridge = newBridge();
    await bridge.execute("shared-1", createPoolCall()); // the bridge now counts its next nonce itself
    // The member's own tool sends with the same key, behind the bridge's back.
    const sent = await trustee.connect(provider).sendTransaction({ to: trustee.address, value: 0n });
    await sent.wait();
    const after = await bridge.execute("shared-2", createPoolCall());
    expect(after.nonce).to.equal(sent.nonce + 1);
    expect(after.reused).to.equal(false);
  });

  it("resumes a journalled transaction that never reached the chain by re-sending the same bytes", async () => {
    const crashed = newBridge();
    proxy.dropSends = true; // the broadcast is lost, like a node killed right after journalling
    const call = createPoolCall();
    try {
      await crashed.execute("lost", call);
      expect.fail("expected a rejection");
    } catch (error) {
      expect((error as NodeError).code).to.equal("CHAIN_UNAVAILABLE");
    } finally {
      proxy.dropSends = false;
    }
    const journalled = await crashed.entry("lost");
    expect(journalled?.state).to.equal("submitted");
    expect(await crashed.unconfirmed()).to.include("lost");
    const resumed = await newBridge().resume("lost");
    expect(resumed?.txHash).to.equal(journalled?.txHash);
    expect(resumed?.nonce).to.equal(journalled?.nonce);
    expect((await crashed.entry("lost"))?.state).to.equal("confirmed");
  });

  it("broadcasts a transaction the chain forgot again while waiting for it (a chain node restarted with an empty mempool)", async () => {
    const bridge = newBridge({ rebroadcastCheckMs: 300 });
    proxy.swallowSends = true; // the node answers the send, then forgets it
    const swallowedBefore = proxy.swallowed;
    const waiting = bridge.execute("forgotten", createPoolCall());
    while (proxy.swallowed === swallowedBefore) await new Promise((r) => setTimeout(r, 50));
    proxy.swallowSends = false;
    const confirmed = await waiting;
    expect(confirmed.reused).to.equal(false);
    expect((await bridge.entry("forgotten"))?.state).to.equal("confirmed");
    expect((await provider.getTransactionReceipt(confirmed.txHash))?.status).to.equal(1);
  });

  it("with the caller's gas limit: simulates once at that limit, sends with it, and refuses a revert just the same", async () => {
    const bridge = newBridge();
    const call = { ...createPoolCall(), gasLimit: 20_000_000n };
    const sent = await bridge.execute("fixed-gas", call);
    expect((await provider.getTransaction(sent.txHash))?.gasLimit).to.equal(20_000_000n);
    try {
      await bridge.execute("fixed-gas-again", call); // the same deal id: the simulation reverts
      expect.fail("expected a rejection");
    } catch (error) {
      expect((error as NodeError).code).to.equal("CHAIN_REVERTED");
      expect((error as Error).message).to.match(/DealIdTaken\(dealId=0x[0-9a-f]{64}/);
    }
    expect(await bridge.entry("fixed-gas-again")).to.equal(undefined);
    // Too low a limit fails the simulation: nothing is sent.
    try {
      await bridge.execute("too-little-gas", { ...createPoolCall(), gasLimit: 30_000n });
      expect.fail("expected a rejection");
    } catch (error) {
      expect((error as NodeError).code).to.equal("CHAIN_REVERTED");
    }
    expect(await bridge.entry("too-little-gas")).to.equal(undefined);
  });

  it("without a simulation: sends at once; a refused call is mined as failed and its revert decoded by a replay", async () => {
    const bridge = newBridge();
    const call = { ...createPoolCall(), gasLimit: 20_000_000n, simulate: false };
    const sent = await bridge.execute("unsimulated", call);
    expect((await provider.getTransactionReceipt(sent.txHash))?.status).to.equal(1);
    const nonceBefore = Number(await provider.send("eth_getTransactionCount", [trustee.address, "latest"]));
    try {
      await bridge.execute("unsimulated-again", call); // the same deal id: the contract refuses it on chain
      expect.fail("expected a rejection");
    } catch (error) {
      expect((error as NodeError).code).to.equal("CHAIN_REVERTED");
      expect((error as Error).message).to.match(
        /reverted on chain: DealIdTaken\(dealId=0x[0-9a-f]{64}, pool=0x[0-9a-fA-F]{40}\)/,
      );
    }
    // It was sent and mined (failed: nothing changed but its nonce), and its journal entry is gone.
    expect(Number(await provider.send("eth_getTransactionCount", [trustee.address, "latest"]))).to.equal(
      nonceBefore + 1,
    );
    expect(await bridge.entry("unsimulated-again")).to.equal(undefined);
    const next = await bridge.execute("after-failed", { ...createPoolCall(), gasLimit: 20_000_000n, simulate: false });
    expect((await provider.getTransactionReceipt(next.txHash))?.status).to.equal(1);
    // The caller's checks still run first, and without a gas limit nothing is sent.
    const sentBefore = Number(await provider.send("eth_getTransactionCount", [trustee.address, "latest"]));
    const refused = bridge.execute(
      "checked",
      { ...createPoolCall(), gasLimit: 20_000_000n, simulate: false },
      {
        before: () => Promise.reject(new Error("the caller's check refused it")),
      },
    );
    await refused.then(
      () => expect.fail("expected a rejection"),
      (error: Error) => expect(error.message).to.equal("the caller's check refused it"),
    );
    await bridge.execute("no-limit", { ...createPoolCall(), simulate: false }).then(
      () => expect.fail("expected a rejection"),
      (error: Error) => expect(error.message).to.contain("needs a gas limit"),
    );
    expect(Number(await provider.send("eth_getTransactionCount", [trustee.address, "latest"]))).to.equal(sentBefore);
  });
});

import { expect } from "chai";
import path from "node:path";
import { abis, dealActions, model, openIndexer, silentLogger, startTestChain, type TestChain } from "./chain";
import {
  DEFAULT_ALERT_RULES,
  DEFAULT_HANDLERS,
  Indexer,
  IndexerError,
  IndexerStore,
  JsonRpcClient,
  sourcesFromAddressBook,
  type HandlerTable,
} from "../src";

/**
 * Index `chain` from scratch up to block `upTo` into a new LevelDB and return its dump. The block is the other
 * indexing's checkpoint: on Anvil, empty blocks keep coming between the two.
 */
async function freshDump(chain: TestChain, name: string, upTo: number): Promise<[string, string][]> {
  const ix = await openIndexer(chain, name);
  expect(await ix.indexer.syncOnce(upTo)).to.equal(upTo);
  const dump = await ix.store.dump();
  await ix.close();
  return dump;
}

describe("Indexer against a real Hardhat chain", function () {
  let chain: TestChain;
  let actions: ReturnType<typeof dealActions>;
  before(async () => {
    chain = await startTestChain({ withSampleDeal: true });
    actions = dealActions(chain);
  });
  after(async () => chain?.stop());

  it("indexes the sample deal: pool, tranches, positions, tape, documents, one AuditEvent per log", async () => {
    const ix = await openIndexer(chain, "first");
    const headBefore = Number(await chain.rpc<string>("eth_blockNumber"));
    const head = await ix.indexer.syncOnce();
    // On Anvil an empty block may come between the two reads.
    expect(head).to.be.within(headBefore, Number(await chain.rpc<string>("eth_blockNumber")));
    const pool = await ix.store.get("Pool", actions.deal.pool.toLowerCase());
    expect(pool?.["state"]).to.equal("Active");
    expect(pool?.["trancheCount"]).to.equal(actions.deal.tranches.length);
    const tape = await ix.store.get("Tape", actions.deal.pool.toLowerCase() + "00000001");
    expect(tape?.["loanCount"]).to.equal(String(actions.deal.tape.loanCount));
    expect(tape?.["merkleRoot"]).to.equal(actions.deal.tape.root.toLowerCase());
    for (const t of actions.deal.tranches) {
      const tranche = await ix.store.get("Tranche", t.address.toLowerCase());
      expect(tranche?.["totalSupply"], t.symbol).to.equal(t.faceCents.toString());
    }
    // Governance: the deployment authorised both factories by k-of-n proposals.
    const proposal = await ix.store.get("Proposal", "1");
    expect(proposal).to.deep.include({ kind: "SetFactory", status: "Executed" });
    expect(proposal?.["approvals"]).to.be.a("number").and.greaterThan(0);
    const approvals = await ix.store.idsByRef("ProposalApproval", "proposal", "1");
    expect(approvals).to.have.length(Number(proposal?.["approvals"]));
    const logs = await chain.rpc<unknown[]>("eth_getLogs", [{ fromBlock: "0x0", toBlock: `0x${head.toString(16)}` }]);
    let audits = 0;
    for await (const _ of ix.store.all("AuditEvent")) audits++;
    expect(audits).to.equal(logs.length);
    await ix.close();
  });

  it("cuts ranges at a tiny request limit (keeping the rest of each answer) to the same bytes", async () => {
    const small = await openIndexer(chain, "small-requests", { maxLogsPerRequest: 3 });
    const checkpoint = await small.indexer.syncOnce();
    const cut = await small.store.dump();
    await small.close();
    expect(cut).to.deep.equal(await freshDump(chain, "small-requests-fresh", checkpoint));
  });

  it("resumes after a restart to the same bytes as a fresh re-index", async () => {
    const ix = await openIndexer(chain, "restart");
    await ix.indexer.syncOnce();
    await ix.close();
    await actions.transfer("investor-1", "investor-2", 0, 1_000n);
    await actions.report(1);
    const reopened = await openIndexer(chain, "restart");
    const checkpoint = await reopened.indexer.syncOnce();
    const resumed = await reopened.store.dump();
    await reopened.close();
    const fresh = await freshDump(chain, "restart-fresh", checkpoint);
    expect(resumed.length).to.be.greaterThan(100);
    expect(resumed).to.deep.equal(fresh);
  });

  it("rolls a reorg back to the common ancestor and re-applies: the same bytes as a fresh re-index", async () => {
    const ix = await openIndexer(chain, "reorg");
    await ix.indexer.syncOnce();
    const snapshot = await chain.rpc<string>("evm_snapshot", []);
    // The branch that will be dropped: transfers, a report and an empty block.
    await actions.transfer("investor-1", "investor-3", 0, 7_000n);
    await actions.transfer("investor-2", "investor-3", 0, 3_000n);
    await actions.report(2, 3);
    await ix.indexer.syncOnce();
    const onDroppedBranch = await ix.store.get(
      "Position",
      (actions.deal.tranches[0]?.address ?? "").toLowerCase() +
        (await actions.signerOf("investor-3").getAddress()).slice(2).toLowerCase(),
    );
    expect(onDroppedBranch?.["balance"]).to.be.a("string");
    expect(await chain.rpc<boolean>("evm_revert", [snapshot])).to.equal(true);
    // The canonical branch: different transactions and more blocks than the dropped one.
    await actions.transfer("investor-2", "investor-1", 0, 500n);
    await actions.report(2, 1);
    for (let i = 0; i < 5; i++) await chain.rpc("evm_mine", []);
    const checkpoint = await ix.indexer.syncOnce();
    const afterReorg = await ix.store.dump();
    await ix.close();
    const fresh = await freshDump(chain, "reorg-fresh", checkpoint);
    expect(afterReorg).to.deep.equal(fresh);
    expect(afterReorg.some(([k]) => k.startsWith("!e.PeriodMetrics!"))).to.equal(true);
  });

  it("stops at a failing handler with every range before it committed and nothing of its own", async () => {
    // Small ranges: the range before the failing one is still being written when its handler runs.
    let failedAt = -1;
    let transfers = 0;
    const handlers: HandlerTable = {
      ...DEFAULT_HANDLERS,
      TrancheToken: {
        ...DEFAULT_HANDLERS["TrancheToken"],
        Transfer: async (ctx) => {
          if (++transfers === 4) {
            failedAt = ctx.log.blockNumber;
            throw new Error("boom");
          }
          await DEFAULT_HANDLERS["TrancheToken"]?.["Transfer"]?.(ctx);
        },
      },
    };
    const store = await IndexerStore.open(path.join(chain.dir, "failing"), model);
    const indexer = new Indexer({
      rpc: new JsonRpcClient(chain.chain.rpcUrl),
      store,
      abis,
      handlers,
      logger: silentLogger,
      sources: sourcesFromAddressBook(chain.addressBook, abis),
      options: {
        confirmations: 0,
        reorgWindow: 64,
        startBlock: 0,
        maxLogsPerRequest: 3,
        alertRules: DEFAULT_ALERT_RULES,
      },
    });
    await indexer.init();
    const error = await indexer.syncOnce().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as IndexerError).code).to.equal("HANDLER_FAILED");
    expect(indexer.hasIndexingErrors).to.equal(true);
    const checkpoint = (await store.checkpoint())?.number ?? -1;
    expect(checkpoint).to.be.greaterThan(0).and.lessThan(failedAt);
    const logs = await chain.rpc<unknown[]>("eth_getLogs", [
      { fromBlock: "0x0", toBlock: "0x" + checkpoint.toString(16) },
    ]);
    const stored: number[] = [];
    for await (const e of store.all("AuditEvent")) stored.push(Number(e["blockNumber"]));
    expect(stored).to.have.length(logs.length);
    expect(Math.max(...stored)).to.be.at.most(checkpoint);
    await store.close();
  });

  it("stays `confirmations` blocks behind the head", async () => {
    const ix = await openIndexer(chain, "confirmations", { confirmations: 3 });
    const head = Number(await chain.rpc<string>("eth_blockNumber"));
    expect(await ix.indexer.syncOnce()).to.equal(head - 3);
    await ix.close();
  });

  it("refuses a reorg deeper than the window with REORG_TOO_DEEP", async () => {
    const ix = await openIndexer(chain, "deep", { reorgWindow: 1 });
    const snapshot = await chain.rpc<string>("evm_snapshot", []);
    await actions.transfer("investor-1", "investor-2", 0, 11n);
    await chain.rpc("evm_mine", []);
    await chain.rpc("evm_mine", []);
    await ix.indexer.syncOnce();
    await chain.rpc("evm_revert", [snapshot]);
    await actions.transfer("investor-1", "investor-3", 0, 13n);
    for (let i = 0; i < 4; i++) await chain.rpc("evm_mine", []);
    const error = await ix.indexer.syncOnce().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(IndexerError);
    expect((error as IndexerError).code).to.equal("REORG_TOO_DEEP");
    await ix.close();
  });
});

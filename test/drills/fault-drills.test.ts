/**
 * Fault drills: the processes of a running consortium die mid-deal and come back, and nothing is lost or done twice.
 *
 * A chain (Anvil, interval mining, its state in a file), the sample deal deployed on it, the investors' and the
 * custodian's member nodes and the indexer, each its own process. The scripted deal is a run of tranche transfers that
 * investors send through their own nodes and cash credits the custodian sends through its node (`POST
 * /v1/transactions`, each with its idempotency key, as `abs` sends them). At random points,
 * drawn from a seed, the drill SIGKILLs the sending node while the transfer is in flight, SIGKILLs the indexer, or
 * stops the chain and restarts it from its saved state; the sender retries with the same key until the node answers,
 * as an operator's tool does. Then:
 *
 * - nothing lost: every transfer and credit is on chain, and each investor's note and cash balances are the opening
 *   ones plus the drill's transfers and credits, to the unit;
 * - nothing done twice: the note logged exactly one Transfer per transfer step between the investors and the cash
 *   token one Minted per credit step, each in its own transaction;
 * - the indexer, killed and restarted along the way, holds the same bytes as a fresh re-index of the same chain at
 *   the same block;
 * - with the chain unreachable, a node retries a bounded number of times with a log line per retry and answers
 *   503 CHAIN_UNAVAILABLE; the indexer logs each failed round and keeps polling; both carry on when it returns.
 *
 * The chain is stopped with SIGTERM (Anvil writes its state on the way out): a development chain killed with SIGKILL
 * loses the blocks since its last start, which a BFT network of validators does not (see README "Running a real
 * consortium"). DRILL_STEPS (default 12) and DRILL_SEED (default: the time) size and replay a run; `npm run drills`
 * runs a longer one.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Interface, JsonRpcProvider, id as eventTopic, zeroPadValue } from "ethers";
import pino from "pino";
import {
  AbiRegistry,
  DEFAULT_HANDLERS,
  Indexer,
  IndexerStore,
  JsonRpcClient,
  loadSchemaModel,
  parseIndexerConfig,
  sourcesFromAddressBook,
} from "@abs/indexer";
import { generatePerformance, mulberry32, performanceCsvBytes } from "@abs/core";
import { sampleDealLoans } from "../../deploy/config";
import { deployLocalConsortium } from "../../deploy/local-consortium";
import { AssetPool__factory } from "../../typechain-types";
import { startChain, type ChainProcess } from "../../scripts/lib/chain-process";
import { freeBasePort, startMemberNodes, type MemberNodes } from "../../scripts/lib/member-nodes";
import {
  indexerEnv,
  startIndexerProcess,
  type IndexerProcess,
  type IndexerProcessOptions,
} from "../../scripts/lib/indexer-process";

const ROOT = path.resolve(__dirname, "..", "..");
const HOST = "127.0.0.1";
const STEPS = Number(process.env["DRILL_STEPS"] ?? 12);
const SEED = Number(process.env["DRILL_SEED"] ?? Date.now() % 1_000_000);
const BLOCK_SECONDS = 0.5;
const INVESTORS = ["investor-1", "investor-2", "investor-3"] as const;
const CUSTODIAN = "custodian";
const SERVICER = "servicer";
const FAULTS = ["none", "kill-sender", "kill-indexer", "restart-chain"] as const;
type Fault = (typeof FAULTS)[number];
const TRANSFER_TOPIC = eventTopic("Transfer(address,address,uint256)");
const MINTED_TOPIC = eventTopic("Minted(address,uint256,bytes32,uint256)");
const erc20 = new Interface([
  "function transfer(address to, uint256 amount) returns (bool)",
  "function balanceOf(address owner) view returns (uint256)",
  "function mint(address to, uint256 amountCents, bytes32 bankRef)",
]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`fault drills: nodes, the indexer and the chain killed mid-deal (Anvil, DRILL_SEED=${SEED}, ${STEPS} steps)`, function () {
  this.timeout(1_800_000);
  // Seeded, so a failing run replays with its DRILL_SEED.
  const rng = mulberry32(SEED);
  const random = () => rng.next();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const dir = mkdtempSync(path.join(tmpdir(), "abs-drills-"));
  const stateFile = path.join(dir, "chain-state.json");
  const logs = new Map<string, string[]>();
  const logOf = (name: string) => logs.get(name) ?? [];
  const record = (name: string, line: string) => logs.set(name, [...logOf(name), line]);
  let chainPort: number;
  let chain: ChainProcess;
  let provider: JsonRpcProvider;
  let nodes: MemberNodes;
  let indexer: IndexerProcess;
  let indexerOptions: IndexerProcessOptions;
  let token: string;
  let tranche: string;
  let cashToken: string;
  let poolAddress: string;
  let sampleDeal: { loans: number; seed: number; cutoffDate: string };
  let firstBlock: number;
  const address = new Map<string, string>();
  const expected = new Map<string, bigint>();
  const expectedCash = new Map<string, bigint>();
  const sentHashes = { transfer: [] as string[], mint: [] as string[] };
  const faultsSeen = new Map<Fault, number>();

  const startAnvil = () =>
    startChain({ client: "anvil", blockSeconds: BLOCK_SECONDS, host: HOST, port: chainPort, cwd: ROOT, stateFile });
  const balanceOf = async (member: string, token = tranche): Promise<bigint> =>
    BigInt(
      await provider.call({
        to: token,
        data: erc20.encodeFunctionData("balanceOf", [address.get(member)]),
      }),
    );
  const nodeUrl = (member: string) => nodes.nodes.find((n) => n.name === member)?.url ?? "";

  /** One POST to a node's operator API; a node that is down (or dies mid-request) answers as `undefined`. */
  async function postToNode(
    url: string,
    contentType: string,
    body: string | Uint8Array<ArrayBuffer>,
  ): Promise<{ status: number; json: Record<string, unknown> } | undefined> {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": contentType },
        body,
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    } catch {
      return undefined;
    }
  }

  /** One POST /v1/transactions. */
  const post = (member: string, body: Record<string, string>) =>
    postToNode(`${nodeUrl(member)}/v1/transactions`, "application/json", JSON.stringify(body));

  /** Send until the node answers 200/201, retrying with the same key through crashes and outages (bounded). */
  async function sendUntilConfirmed(member: string, body: Record<string, string>): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 180_000;
    let last: unknown;
    while (Date.now() < deadline) {
      const answer = await post(member, body);
      if (answer && (answer.status === 200 || answer.status === 201)) return answer.json;
      if (answer && answer.status !== 503) {
        throw new Error(`${member} refused ${body["key"]}: ${answer.status} ${JSON.stringify(answer.json)}`);
      }
      last = answer?.json ?? "node not answering";
      await sleep(500);
    }
    throw new Error(`${member} never confirmed ${body["key"]}: last answer ${JSON.stringify(last)}`);
  }

  before(async () => {
    chainPort = await freeBasePort(1);
    chain = await startAnvil();
    provider = new JsonRpcProvider(chain.rpcUrl, undefined, {
      batchMaxCount: 1,
      staticNetwork: true,
      pollingInterval: 250,
    });
    const addressBook = path.join(dir, "addresses.json");
    const { config, deployment } = await deployLocalConsortium(provider, {
      bookFile: addressBook,
      withSampleDeal: true,
    });
    const deal = deployment.sampleDeal;
    if (!deal?.tranches[0]) throw new Error("the drill needs the sample deal");
    tranche = deal.tranches[0].address;
    cashToken = deployment.cashToken;
    poolAddress = deal.pool;
    if (!config.sampleDeal) throw new Error("the drill needs the sample deal's config");
    sampleDeal = config.sampleDeal;
    for (const name of INVESTORS) {
      const member = config.members.find((m) => m.name === name);
      if (!member || !("hardhatAccount" in member.signer)) throw new Error(`${name} needs a development account`);
      const wallet = (await provider.listAccounts())[member.signer.hardhatAccount];
      address.set(name, (await wallet?.getAddress()) ?? "");
    }
    nodes = await startMemberNodes({
      config,
      rpcUrl: chain.rpcUrl,
      registry: deployment.registry,
      members: [...INVESTORS, CUSTODIAN, SERVICER],
      host: HOST,
      basePort: await freeBasePort(INVESTORS.length + 2),
      dataDir: path.join(dir, "nodes"),
      logLevel: "info",
      onOutput: (line) => record(line.slice(1, line.indexOf("]")), line),
    });
    token = readFileSync(nodes.operatorTokenFile, "utf8").trim();
    indexerOptions = {
      rpcUrl: chain.rpcUrl,
      addressBook,
      dataDir: path.join(dir, "indexer"),
      host: HOST,
      port: await freeBasePort(1),
      onOutput: (line) => record("indexer", line),
    };
    indexer = await startIndexerProcess(indexerOptions);
    for (const name of INVESTORS) {
      expected.set(name, await balanceOf(name));
      expectedCash.set(name, await balanceOf(name, cashToken));
    }
    firstBlock = await provider.getBlockNumber();
  });

  after(async () => {
    await indexer?.stop();
    await nodes?.stop();
    await chain?.stop();
    provider?.destroy();
    rmSync(dir, { recursive: true, force: true });
    console.log(`      faults: ${[...faultsSeen].map(([f, n]) => `${f} ×${n}`).join(", ")} (DRILL_SEED=${SEED})`);
  });

  it("every transfer and credit sent through the members' nodes lands exactly once while processes are killed", async () => {
    for (let step = 1; step <= STEPS; step++) {
      const to = pick(INVESTORS);
      const amount = BigInt(1 + Math.floor(random() * 100_000));
      // Every fourth step is the custodian's credit of an investor's cash against a bank movement.
      const credit = step % 4 === 0;
      const from = credit ? CUSTODIAN : pick(INVESTORS.filter((n) => n !== to));
      // Every fault comes up at least once in a run of FAULTS.length steps or more.
      const fault = step <= FAULTS.length ? (FAULTS[step - 1] as Fault) : pick(FAULTS);
      const delayMs = Math.floor(random() * 800);
      faultsSeen.set(fault, (faultsSeen.get(fault) ?? 0) + 1);
      const body = credit
        ? {
            key: `drill-${SEED}-${step}`,
            to: cashToken,
            data: erc20.encodeFunctionData("mint", [address.get(to), amount, eventTopic(`drill-${SEED}-bank-${step}`)]),
            label: `drill step ${step}: credit ${to} ${amount}`,
          }
        : {
            key: `drill-${SEED}-${step}`,
            to: tranche,
            data: erc20.encodeFunctionData("transfer", [address.get(to), amount]),
            label: `drill step ${step}: ${from} pays ${to} ${amount}`,
          };
      const stepStarted = Date.now();
      const inFlight = post(from, body);
      await sleep(delayMs);
      if (fault === "kill-sender") {
        await nodes.kill(from, "SIGKILL");
        await nodes.restart(from);
      } else if (fault === "kill-indexer") {
        await indexer.kill("SIGKILL");
        await indexer.restart();
      } else if (fault === "restart-chain") {
        await chain.stop();
        await sleep(500 + Math.floor(random() * 1_500));
        chain = await startAnvil();
      }
      const faulted = Date.now();
      const first = await inFlight;
      const confirmed = await sendUntilConfirmed(from, body);
      const tookMs = Date.now() - stepStarted;
      if (tookMs > 10_000) {
        console.log(
          `      step ${step} (${fault} after ${delayMs} ms): the request in flight answered ${String(first?.status)} ` +
            `${Date.now() - faulted} ms after the fault; confirmed ${tookMs} ms after it was sent`,
        );
      }
      expect(confirmed["txHash"], `step ${step} (${fault})`).to.match(/^0x[0-9a-f]{64}$/);
      if (credit) {
        sentHashes.mint.push(String(confirmed["txHash"]));
        expectedCash.set(to, (expectedCash.get(to) ?? 0n) + amount);
      } else {
        sentHashes.transfer.push(String(confirmed["txHash"]));
        expected.set(from, (expected.get(from) ?? 0n) - amount);
        expected.set(to, (expected.get(to) ?? 0n) + amount);
      }
    }
    // Nothing lost: the balances are the opening ones plus the drill's transfers and credits, to the unit.
    for (const name of INVESTORS) {
      expect(await balanceOf(name), `${name} notes`).to.equal(expected.get(name));
      expect(await balanceOf(name, cashToken), `${name} cash`).to.equal(expectedCash.get(name));
    }
    // Nothing done twice: one Transfer between investors per transfer step, one Minted per credit, each its own
    // transaction.
    const investorTopics = INVESTORS.map((n) => zeroPadValue(address.get(n) ?? "", 32).toLowerCase());
    const transfers = (
      await provider.getLogs({ address: tranche, fromBlock: firstBlock, toBlock: "latest", topics: [TRANSFER_TOPIC] })
    ).filter((log) => investorTopics.includes(String(log.topics[1])) && investorTopics.includes(String(log.topics[2])));
    const mints = await provider.getLogs({
      address: cashToken,
      fromBlock: firstBlock,
      toBlock: "latest",
      topics: [MINTED_TOPIC],
    });
    for (const [what, logs, hashes] of [
      ["transfers", transfers, sentHashes.transfer],
      ["credits", mints, sentHashes.mint],
    ] as const) {
      expect(logs, what).to.have.length(hashes.length);
      expect(new Set(logs.map((l) => l.transactionHash)), what).to.deep.equal(new Set(hashes));
    }
    expect(sentHashes.transfer.length + sentHashes.mint.length).to.equal(STEPS);
  });

  it("the servicer's period report lands once, its node killed at a random point of the upload", async () => {
    // Period 1 of the sample deal (its cut-off is months back: the period has ended on chain).
    const loans = [...sampleDealLoans(sampleDeal)];
    const rows = [...generatePerformance(loans, 1, sampleDeal.seed, { asOfDate: sampleDeal.cutoffDate })];
    const file = await performanceCsvBytes(rows);
    const end = rows[0]?.periodEndDate ?? "";
    // The node keeps its port across a restart.
    const url = `${nodeUrl(SERVICER)}/v1/pools/${poolAddress}/periods/1/report?start=${sampleDeal.cutoffDate}&end=${end}`;
    const postReport = () => postToNode(url, "text/csv", new Uint8Array(file));
    const inFlight = postReport();
    const killAfterMs = Math.floor(random() * 400);
    await sleep(killAfterMs);
    await nodes.kill(SERVICER, "SIGKILL");
    await nodes.restart(SERVICER);
    const first = await inFlight;
    console.log(
      `      servicer killed ${killAfterMs} ms into its report: the request in flight ${first ? `answered ${first.status}` : "was cut off"}`,
    );
    let answer: { status: number; json: Record<string, unknown> } | undefined;
    const deadline = Date.now() + 120_000;
    do {
      answer = await postReport();
      if (answer && answer.status !== 503 && answer.status !== 409) break;
      await sleep(500);
    } while (Date.now() < deadline);
    expect(answer?.status, JSON.stringify(answer?.json)).to.be.oneOf([200, 201]);
    // On chain once, with the root the node serves the period's loan states under.
    const pool = AssetPool__factory.createInterface();
    const last = pool.decodeFunctionResult(
      "lastPeriod",
      await provider.call({ to: poolAddress, data: pool.encodeFunctionData("lastPeriod") }),
    )[0] as bigint;
    expect(last).to.equal(1n);
    const submitted = await provider.getLogs({
      address: poolAddress,
      fromBlock: 0,
      toBlock: "latest",
      topics: [pool.getEvent("ReportSubmitted").topicHash],
    });
    expect(submitted, "one ReportSubmitted").to.have.length(1);
    const parsed = pool.parseLog(submitted[0] ?? { topics: [], data: "0x" });
    expect(String(parsed?.args.getValue("report").loanStateRoot).toLowerCase()).to.equal(
      String(answer?.json["root"]).toLowerCase(),
    );
    expect(answer?.json["loanCount"]).to.be.greaterThan(0);
  });

  it("with the chain unreachable a node retries a bounded number of times, answers 503, and lands the same key after", async () => {
    const before = logOf("investor-1").length;
    const indexerBefore = logOf("indexer").length;
    await chain.stop();
    try {
      await outage(before, indexerBefore);
    } finally {
      if ((await provider.getBlockNumber().catch(() => undefined)) === undefined) chain = await startAnvil();
    }
  });

  /** The node's and the indexer's behaviour while the chain is down, then the same key once it is back. */
  async function outage(before: number, indexerBefore: number): Promise<void> {
    const body = {
      key: `drill-${SEED}-outage`,
      to: tranche,
      data: erc20.encodeFunctionData("transfer", [address.get("investor-2"), 1n]),
      label: "drill: a transfer while the chain is down",
    };
    const started = Date.now();
    const answer = await post("investor-1", body);
    const waitedMs = Date.now() - started;
    const nodeLines = logOf("investor-1").slice(before);
    expect(answer?.status, nodeLines.join("\n")).to.equal(503);
    expect(answer?.json).to.have.nested.property("error.code", "CHAIN_UNAVAILABLE");
    expect(waitedMs, "bounded retries").to.be.below(30_000);
    const retries = nodeLines.filter((l) => l.includes("rpc failed, retrying"));
    expect(retries.length, `a log line per retry:\n${nodeLines.join("\n")}`).to.be.within(1, 10);
    await sleep(1_000);
    expect(
      logOf("indexer")
        .slice(indexerBefore)
        .some((l) => l.includes("indexing failed")),
      "the indexer logs its failed rounds",
    ).to.equal(true);
    chain = await startAnvil();
    const confirmed = await sendUntilConfirmed("investor-1", body);
    expect(confirmed["reused"]).to.equal(false);
    expected.set("investor-1", (expected.get("investor-1") ?? 0n) - 1n);
    expected.set("investor-2", (expected.get("investor-2") ?? 0n) + 1n);
    for (const name of INVESTORS) expect(await balanceOf(name), name).to.equal(expected.get(name));
  }

  it("the indexer, killed along the way, holds the same bytes as a fresh re-index at the same block", async () => {
    const head = await provider.getBlockNumber();
    await indexer.waitFor(head, 60_000);
    await indexer.stop();
    const model = loadSchemaModel();
    const survivor = await IndexerStore.open(indexerOptions.dataDir, model);
    const checkpoint = (await survivor.checkpoint())?.number ?? -1;
    const survived = await survivor.dump();
    await survivor.close();
    expect(checkpoint).to.be.at.least(head);

    const config = parseIndexerConfig(indexerEnv(indexerOptions));
    const abis = AbiRegistry.fromArtifacts(path.join(ROOT, "artifacts"));
    const fresh = await IndexerStore.open(path.join(dir, "indexer-fresh"), model);
    const reindex = new Indexer({
      rpc: new JsonRpcClient(chain.rpcUrl),
      store: fresh,
      abis,
      handlers: DEFAULT_HANDLERS,
      logger: pino({ level: "silent" }),
      sources: sourcesFromAddressBook(config.addressBook, abis),
      options: config,
    });
    await reindex.init();
    expect(await reindex.syncOnce(checkpoint)).to.equal(checkpoint);
    const reindexed = await fresh.dump();
    await fresh.close();
    expect(survived.length).to.be.greaterThan(100);
    expect(survived).to.deep.equal(reindexed);
  });
});

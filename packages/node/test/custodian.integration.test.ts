/**
 * The custodian's node on a real chain: a bank credit mints the cash token through the node's bridge,
 * once per bank reference (duplicates, restarts and crashes between the record and the chain action);
 * payouts are confirmed (burned) or rejected with their bank reference; and after a random sequence of
 * credits and payouts the cash token's total supply equals the node's recorded bank balance (REC-2).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import fc from "fast-check";
import { Contract, type ContractTransactionResponse, Wallet, id as keccakText } from "ethers";
import { Level } from "level";
import pino from "pino";
import { hardhatDevWallet } from "@abs/core";
import { CASH_TOKEN_ABI } from "../src/chain/abi";
import { ChainBridge } from "../src/chain/bridge";
import { LevelBankLedger } from "../src/custodian/bank-ledger";
import { startNode, type RunningNode } from "../src/node";
import { startConsortiumChain, type ConsortiumChain } from "./consortium-chain";
import { errorCode } from "./helpers";

const TOKEN = "custodian-operator-token-0123456789";

describe("custodian node: bank ledger and cash token (real chain)", function () {
  this.timeout(120_000);
  let consortium: ConsortiumChain;
  let node: RunningNode;
  let cash: Contract;
  let holder: string;
  let dbDir: string;
  let refs = 0;
  const ref = () => `BK-${process.pid}-${++refs}`;

  const start = () =>
    startNode(
      consortium.originatorConfig({
        ABS_NODE_ROLE: "CUSTODIAN",
        ABS_NODE_MEMBER_ID: "CUST-CITY-BANK",
        ABS_NODE_HARDHAT_ACCOUNT: "4",
        ABS_NODE_CASH_TOKEN: consortium.deployment.cashToken,
        ABS_NODE_DATA_DIR: dbDir,
        ABS_NODE_OPERATOR_TOKEN_FILE: path.join(consortium.dataDir, "token"),
      }),
      { logger: pino({ level: "silent" }), env: {} },
    );
  const post = async (route: string, body: unknown, token = TOKEN) => {
    const res = await fetch(node.url + route, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const get = async (route: string) => {
    const res = await fetch(node.url + route, { headers: { authorization: `Bearer ${TOKEN}` } });
    return (await res.json()) as Record<string, unknown>;
  };
  const supply = async () => (await cash.getFunction("totalSupply").staticCall()) as bigint;
  const nodeBalance = async () => BigInt(String((await get("/v1/custodian/balance"))["recordedBankBalanceCents"]));
  const credit = (amountCents: bigint, bankRef = ref()) =>
    post("/v1/custodian/credits", {
      bankRef,
      amountCents: amountCents.toString(),
      valueDate: "2026-11-24",
      beneficiary: holder,
    });
  /** The holder asks for a payout (its own transaction); returns the payout id. */
  const requestPayout = async (amountCents: bigint): Promise<bigint> => {
    const signer = consortium.signerOf("investor-1");
    const token = new Contract(consortium.deployment.cashToken, CASH_TOKEN_ABI, signer);
    const tx = (await token.getFunction("requestPayout")(
      amountCents,
      keccakText("acct"),
    )) as ContractTransactionResponse;
    await tx.wait();
    const count = (await new Contract(
      consortium.deployment.cashToken,
      ["function payoutCount() view returns (uint256)"],
      consortium.provider,
    )
      .getFunction("payoutCount")
      .staticCall()) as bigint;
    return count;
  };

  before(async () => {
    consortium = await startConsortiumChain({ withSampleDeal: false });
    writeFileSync(path.join(consortium.dataDir, "token"), TOKEN);
    dbDir = path.join(consortium.dataDir, "custodian-db");
    holder = await consortium.signerOf("investor-1").getAddress();
    cash = new Contract(consortium.deployment.cashToken, CASH_TOKEN_ABI, consortium.provider);
    node = await start();
  });

  after(async () => {
    await node.stop();
    await consortium.stop();
  });

  it("mints a credit on chain, once per bank reference", async () => {
    const before = await supply();
    const bankRef = ref();
    const first = await credit(1_234_56n, bankRef);
    expect(first.status).to.equal(201);
    expect(first.body["status"]).to.equal("recorded");
    expect(await supply()).to.equal(before + 1_234_56n);
    expect(await cash.getFunction("isBankReferenceUsed").staticCall(keccakText(bankRef))).to.equal(true);

    const again = await credit(1_234_56n, bankRef);
    expect(again.status).to.equal(200);
    expect(again.body["status"]).to.equal("already-recorded");
    const both = await Promise.all([credit(5_00n, "BK-SAME"), credit(5_00n, "BK-SAME")]);
    expect(both.map((r) => r.status).sort()).to.deep.equal([200, 201]);
    expect(await supply()).to.equal(before + 1_234_56n + 5_00n);

    const conflict = await credit(9_99n, bankRef);
    expect(conflict.status).to.equal(409);
    expect(errorCode(conflict.body)).to.equal("BANK_REF_CONFLICT");
    expect(await supply()).to.equal(before + 1_239_56n);
  });

  it("refuses bad bodies, missing tokens and contract refusals with codes, recording nothing", async () => {
    const bad = await post("/v1/custodian/credits", { bankRef: "X 1", amountCents: "-5", valueDate: "24/11/2026" });
    expect(bad.status).to.equal(400);
    expect(errorCode(bad.body)).to.equal("BANK_MOVEMENT_INVALID");
    const noToken = await post("/v1/custodian/credits", {}, "wrong-token-0123456789");
    expect(errorCode(noToken.body)).to.equal("OPERATOR_UNAUTHORIZED");
    const stranger = Wallet.createRandom().address;
    const refused = await post("/v1/custodian/credits", {
      bankRef: "BK-STRANGER",
      amountCents: "100",
      valueDate: "2026-11-24",
      beneficiary: stranger,
    });
    expect(refused.status).to.equal(409);
    expect(errorCode(refused.body)).to.equal("CHAIN_REVERTED");
    expect(String((refused.body["error"] as { message: string }).message)).to.match(
      /NotCashHolder|CashTransferRestricted/,
    );
    const entries = (await get("/v1/custodian/bank-ledger"))["entries"] as { bankRef: string }[];
    expect(entries.map((e) => e.bankRef)).to.not.include("BK-STRANGER");
    const unknown = await post("/v1/custodian/payouts/999/confirm", { bankRef: "BK-NOPE", valueDate: "2026-11-24" });
    expect(errorCode(unknown.body)).to.equal("CHAIN_REVERTED");
  });

  it("resumes a movement interrupted between its record and its chain action, without a second mint", async () => {
    await node.stop();
    const before = await supply();
    const db = new Level<string, string>(dbDir);
    await db.open();
    const ledger = new LevelBankLedger(db);
    const entry = (bankRef: string) => ({
      kind: "credit" as const,
      bankRef,
      amountCents: "700",
      valueDate: "2026-11-24",
      beneficiary: holder.toLowerCase(),
      state: "recorded" as const,
      recordedAt: new Date().toISOString(),
    });
    // Crash 1: recorded, nothing sent. Crash 2: recorded and the mint confirmed, the ledger not updated.
    await ledger.put(entry("BK-CRASH-1"));
    await ledger.put(entry("BK-CRASH-2"));
    const custodian = hardhatDevWallet(4);
    const bridge = new ChainBridge({
      wallet: custodian,
      provider: consortium.provider,
      db,
      logger: pino({ level: "silent" }),
    });
    const data = cash.interface.encodeFunctionData("mint", [holder, 700n, keccakText("BK-CRASH-2")]);
    await bridge.execute("bank:BK-CRASH-2", { to: consortium.deployment.cashToken, data, label: "cash mint" });
    expect(await supply()).to.equal(before + 700n);
    await db.close();

    node = await start();
    expect(await supply()).to.equal(before + 1_400n);
    const entries = (await get("/v1/custodian/bank-ledger"))["entries"] as { bankRef: string; state: string }[];
    expect(entries.filter((e) => e.bankRef.startsWith("BK-CRASH")).map((e) => e.state)).to.deep.equal([
      "settled",
      "settled",
    ]);
    expect((await credit(700n, "BK-CRASH-1")).body["status"]).to.equal("already-recorded");
    expect(await supply()).to.equal(before + 1_400n);
  });

  it("keeps cash supply equal to the recorded bank balance over random credits and payouts (REC-2)", async () => {
    const action = fc.oneof(
      fc.record({ kind: fc.constant("credit" as const), cents: fc.bigInt({ min: 1n, max: 10_000_00n }) }),
      fc.record({
        kind: fc.constant("payout" as const),
        share: fc.integer({ min: 1, max: 100 }),
        confirm: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 5 }), async (actions) => {
        for (const a of actions) {
          if (a.kind === "credit") {
            expect((await credit(a.cents)).status).to.equal(201);
            continue;
          }
          const held = (await cash.getFunction("balanceOf").staticCall(holder)) as bigint;
          const amount = (held * BigInt(a.share)) / 100n;
          if (amount === 0n) continue;
          const payoutId = await requestPayout(amount);
          const decided = await post(`/v1/custodian/payouts/${payoutId}/${a.confirm ? "confirm" : "reject"}`, {
            bankRef: ref(),
            valueDate: "2026-11-24",
          });
          expect(decided.status, JSON.stringify(decided.body)).to.equal(201);
        }
        const balances = await get("/v1/custodian/balance");
        const chain = balances["chain"] as Record<string, string>;
        expect(await nodeBalance()).to.equal(await supply());
        expect(BigInt(String(chain["recordedBankBalanceCents"]))).to.equal(await supply());
      }),
      { numRuns: 4 },
    );
  });
});

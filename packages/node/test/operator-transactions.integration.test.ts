/**
 * The member's own transactions through its node (`POST /v1/transactions`, operator token) on a real chain: a call
 * is sent once per idempotency key and answered with its confirmed block; the operator token is required; a
 * malformed body, a target without code and oversized calldata are refused before anything is sent; a call the
 * contract refuses answers CHAIN_REVERTED and sends nothing.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Contract, Interface, id as keccakText } from "ethers";
import pino from "pino";
import { CASH_TOKEN_ABI } from "../src/chain/abi";
import { startNode, type RunningNode } from "../src/node";
import { MAX_CALLDATA_BYTES } from "../src/operator/transaction-router";
import { startConsortiumChain, type ConsortiumChain } from "./consortium-chain";
import { errorCode } from "./helpers";

const TOKEN = "investor-operator-token-0123456789";
const CASH = new Interface(CASH_TOKEN_ABI);
const SPENDER = "0x00000000000000000000000000000000000000a1";

describe("the member's transactions through its node (real chain)", function () {
  this.timeout(120_000);
  let consortium: ConsortiumChain;
  let node: RunningNode;
  let cashToken: string;

  /** POST as the operator (`token`), or with no authorization header at all (`null`). */
  const post = async (body: unknown, token: string | null = TOKEN) => {
    const res = await fetch(node.url + "/v1/transactions", {
      method: "POST",
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const approve = (amount: bigint) => CASH.encodeFunctionData("approve", [SPENDER, amount]);
  const allowance = async () =>
    (await new Contract(cashToken, CASH_TOKEN_ABI, consortium.provider)
      .getFunction("allowance")
      .staticCall(node.address, SPENDER)) as bigint;
  const sentCount = () => consortium.provider.getTransactionCount(node.address);

  before(async () => {
    consortium = await startConsortiumChain({ withSampleDeal: false });
    cashToken = consortium.deployment.cashToken;
    writeFileSync(path.join(consortium.dataDir, "token"), TOKEN);
    node = await startNode(
      consortium.originatorConfig({
        ABS_NODE_ROLE: "INVESTOR",
        ABS_NODE_MEMBER_ID: "INV-PENSION-01",
        ABS_NODE_HARDHAT_ACCOUNT: "6",
        ABS_NODE_DATA_DIR: path.join(consortium.dataDir, "investor-db"),
        ABS_NODE_OPERATOR_TOKEN_FILE: path.join(consortium.dataDir, "token"),
        ABS_NODE_RECEIPT_POLL_MS: "20",
      }),
      { logger: pino({ level: "silent" }), env: {} },
    );
  });

  after(async () => {
    await node.stop();
    await consortium.stop();
  });

  it("sends a call from the member's key once per key, answering its confirmed block", async () => {
    const body = { key: "approve-1", to: cashToken, data: approve(123n), label: "approve 1.23" };
    const first = await post(body);
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body["from"]).to.equal(node.address);
    const receipt = await consortium.provider.getTransactionReceipt(String(first.body["txHash"]));
    expect(receipt?.status).to.equal(1);
    expect(receipt?.from).to.equal(node.address);
    expect(receipt?.blockNumber).to.equal(first.body["blockNumber"]);
    expect(await allowance()).to.equal(123n);

    const count = await sentCount();
    const again = await post(body);
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ txHash: first.body["txHash"], reused: true });
    expect(await sentCount()).to.equal(count);

    // The same key with other data is another call.
    const other = await post({ ...body, data: approve(456n) });
    expect(other.status).to.equal(201);
    expect(other.body["txHash"]).to.not.equal(first.body["txHash"]);
    expect(await allowance()).to.equal(456n);
  });

  it("answers 401 without the operator token or with another", async () => {
    const body = { key: "k", to: cashToken, data: approve(1n), label: "approve" };
    const count = await sentCount();
    for (const token of [null, "wrong-token-0123456789"]) {
      const refused = await post(body, token);
      expect(refused.status).to.equal(401);
      expect(errorCode(refused.body)).to.equal("OPERATOR_UNAUTHORIZED");
    }
    expect(await sentCount()).to.equal(count);
  });

  it("refuses a malformed body, a target without code and oversized calldata, sending nothing", async () => {
    const count = await sentCount();
    const valid = { key: "bad", to: cashToken, data: approve(1n), label: "approve" };
    const cases: [unknown, RegExp][] = [
      ["{not json", /JSON body/],
      [{ ...valid, key: undefined }, /key/],
      [{ ...valid, to: "0x1234" }, /to: expected a 0x-prefixed address/],
      [{ ...valid, data: "0xabc" }, /data: expected 0x-prefixed hex calldata/],
      [{ ...valid, data: `0x${"00".repeat(MAX_CALLDATA_BYTES + 1)}` }, /at most 65536 bytes/],
      [{ ...valid, label: "" }, /label/],
      [{ ...valid, value: "1" }, /value/],
      [{ ...valid, to: SPENDER }, /to: expected a contract, found no code/],
    ];
    for (const [body, message] of cases) {
      const refused = await post(body);
      expect(refused.status, JSON.stringify(body).slice(0, 80)).to.equal(400);
      expect(errorCode(refused.body)).to.equal("REQUEST_INVALID");
      expect((refused.body["error"] as { message: string }).message).to.match(message);
    }
    expect(await sentCount()).to.equal(count);
  });

  it("answers a call the contract refuses with CHAIN_REVERTED, sending nothing", async () => {
    const count = await sentCount();
    // Only the custodian mints.
    const data = CASH.encodeFunctionData("mint", [node.address, 1n, keccakText("operator-test")]);
    const refused = await post({ key: "mint", to: cashToken, data, label: "mint" });
    expect(refused.status).to.equal(409);
    expect(errorCode(refused.body)).to.equal("CHAIN_REVERTED");
    expect(await sentCount()).to.equal(count);
  });
});

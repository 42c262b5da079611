/**
 * DvP through the exchange member's node on a real chain (the sample deal, issued): a matched pair of
 * signed orders settles atomically and answers with its final block; the same trade id settles once;
 * tampered, expired and malformed pairs are refused before anything is sent; a trade the tranche
 * restricts answers with the decoded `TradeRestricted` error, and nothing moves.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Contract, type ContractTransactionResponse, type Signer, id as keccakText } from "ethers";
import pino from "pino";
import { DVP_ORDER_TYPES } from "@abs/core";
import { CASH_TOKEN_ABI } from "../src/chain/abi";
import { startNode, type RunningNode } from "../src/node";
import { startConsortiumChain, type ConsortiumChain } from "./consortium-chain";
import { errorCode } from "./helpers";

const TOKEN = "exchange-operator-token-0123456789";
const ERC20 = [
  "function approve(address spender, uint256 amount) returns (bool)",
  "function balanceOf(address account) view returns (uint256)",
];
const ZERO = "0x" + "00".repeat(20);

describe("DvP through the exchange member's node (real chain)", function () {
  this.timeout(120_000);
  let consortium: ConsortiumChain;
  let node: RunningNode;
  let classA: string;
  let classB: string;
  let nonce = 0n;

  const send = async (tx: Promise<unknown>) => {
    await ((await tx) as ContractTransactionResponse).wait();
  };
  const signed = async (maker: Signer, fields: { isSell: boolean; tranche: string; expiry?: bigint }) => {
    const { chainId } = await consortium.provider.getNetwork();
    const domain = { name: "ABS DvP Settlement", version: "1", chainId, verifyingContract: consortium.deployment.dvp };
    nonce += 1n;
    const order = {
      maker: await maker.getAddress(),
      isSell: fields.isSell,
      tranche: fields.tranche,
      amountCents: 1_000_00n,
      priceBps: fields.isSell ? 9_900n : 10_000n,
      cashToken: consortium.deployment.cashToken,
      counterparty: ZERO,
      expiry: fields.expiry ?? BigInt(Math.floor(Date.parse("2030-01-01") / 1000)),
      nonce,
    };
    const signature = await maker.signTypedData(domain, DVP_ORDER_TYPES, order);
    const json = Object.fromEntries(Object.entries(order).map(([k, v]) => [k, typeof v === "bigint" ? String(v) : v]));
    return { order: json, signature };
  };
  const trade = async (tradeId: string, seller: string, buyer: string, tranche: string, expiry?: bigint) => {
    const sell = await signed(consortium.signerOf(seller), { isSell: true, tranche });
    const buy = await signed(consortium.signerOf(buyer), {
      isSell: false,
      tranche,
      ...(expiry === undefined ? {} : { expiry }),
    });
    return {
      tradeId,
      sell: sell.order,
      sellSignature: sell.signature,
      buy: buy.order,
      buySignature: buy.signature,
      fillCents: "50000",
    };
  };
  const submit = async (body: unknown) => {
    const res = await fetch(node.url + "/v1/dvp/trades", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const balanceOf = async (token: string, member: string) =>
    (await new Contract(token, ERC20, consortium.provider)
      .getFunction("balanceOf")
      .staticCall(await consortium.signerOf(member).getAddress())) as bigint;

  before(async () => {
    consortium = await startConsortiumChain({ withSampleDeal: true });
    const deal = consortium.deployment.sampleDeal;
    const [a, b] = deal?.tranches ?? [];
    if (!a || !b) throw new Error("the sample deal has no tranches");
    classA = a.address;
    classB = b.address;
    const { dvp, cashToken } = consortium.deployment;
    for (const seller of ["investor-1"]) {
      for (const t of [classA, classB])
        await send(new Contract(t, ERC20, consortium.signerOf(seller)).getFunction("approve")(dvp, 2n ** 255n));
    }
    const custodian = new Contract(cashToken, CASH_TOKEN_ABI, consortium.signerOf("custodian"));
    for (const buyer of ["investor-2", "investor-3"]) {
      const who = await consortium.signerOf(buyer).getAddress();
      await send(custodian.getFunction("mint")(who, 100_000_00n, keccakText(`dvp-test:${buyer}`)));
      await send(new Contract(cashToken, ERC20, consortium.signerOf(buyer)).getFunction("approve")(dvp, 2n ** 255n));
    }
    writeFileSync(path.join(consortium.dataDir, "token"), TOKEN);
    node = await startNode(
      consortium.originatorConfig({
        ABS_NODE_ROLE: "EXCHANGE",
        ABS_NODE_MEMBER_ID: "EXCH-SZ-ABS",
        ABS_NODE_HARDHAT_ACCOUNT: "10",
        ABS_NODE_DVP: dvp,
        ABS_NODE_DATA_DIR: path.join(consortium.dataDir, "exchange-db"),
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

  it("settles a matched pair atomically, answers with the final block, and settles a trade id once", async () => {
    const sellerBefore = await balanceOf(classA, "investor-1");
    const cashBefore = await balanceOf(consortium.deployment.cashToken, "investor-2");
    const body = await trade("T-1", "investor-1", "investor-2", classA);
    const first = await submit(body);
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    const receipt = await consortium.provider.getTransactionReceipt(String(first.body["txHash"]));
    expect(receipt?.status).to.equal(1);
    expect(receipt?.blockNumber).to.equal(first.body["blockNumber"]);
    expect(await balanceOf(classA, "investor-1")).to.equal(sellerBefore - 500_00n);
    expect((await balanceOf(classA, "investor-2")) > 0n).to.equal(true);
    expect((await balanceOf(consortium.deployment.cashToken, "investor-2")) < cashBefore).to.equal(true);

    const again = await submit(body);
    expect(again.status).to.equal(200);
    expect(again.body["txHash"]).to.equal(first.body["txHash"]);
    expect(await balanceOf(classA, "investor-1")).to.equal(sellerBefore - 500_00n);
  });

  it("answers a restricted trade with the tranche's decoded TradeRestricted error, moving nothing", async () => {
    // Class B admits investor class 0 only; investor-3 is class 1.
    const before = await balanceOf(classB, "investor-1");
    const sent = await consortium.provider.getTransactionCount(node.address);
    const refused = await submit(await trade("T-RESTRICTED", "investor-1", "investor-3", classB));
    expect(refused.status).to.equal(409);
    expect(errorCode(refused.body)).to.equal("CHAIN_REVERTED");
    expect((refused.body["error"] as { message: string }).message).to.match(/TradeRestricted\(tranche=.*message=.+\)/);
    expect(await balanceOf(classB, "investor-1")).to.equal(before);
    // Sent unsimulated, the refused settlement was mined as a failed transaction (its error decoded by a replay).
    expect(await consortium.provider.getTransactionCount(node.address)).to.equal(sent + 1);
  });

  it("refuses tampered, expired and malformed pairs before sending anything", async () => {
    const sent = await consortium.provider.getTransactionCount(node.address);
    const tampered = await trade("T-TAMPERED", "investor-1", "investor-2", classA);
    const forged = await submit({ ...tampered, buy: { ...tampered.buy, amountCents: "999999999" } });
    expect(forged.status).to.equal(422);
    expect(errorCode(forged.body)).to.equal("DVP_SIGNATURE_INVALID");

    const expired = await submit(await trade("T-EXPIRED", "investor-1", "investor-2", classA, 1_000n));
    expect(expired.status).to.equal(422);
    expect(errorCode(expired.body)).to.equal("DVP_ORDER_EXPIRED");

    const malformed = await submit({ tradeId: "T-BAD", sell: {}, fillCents: "-1" });
    expect(malformed.status).to.equal(400);
    expect(errorCode(malformed.body)).to.equal("DVP_ORDERS_INVALID");

    const swapped = await trade("T-SWAPPED", "investor-1", "investor-2", classA);
    const sides = await submit({ ...swapped, sell: swapped.buy, buy: swapped.sell });
    expect(errorCode(sides.body)).to.equal("DVP_ORDERS_INVALID");
    expect(await consortium.provider.getTransactionCount(node.address)).to.equal(sent);
  });
});

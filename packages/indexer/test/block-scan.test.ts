import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { expect } from "chai";
import { rpc, startChain, type ChainProcess } from "../../../scripts/lib/chain-process";
import { scanBlockBatch } from "../src/block-scan";
import { JsonRpcClient, RpcError } from "../src";
import { ROOT } from "./chain";

/** What the full parse takes from a batch answer: the reference for the scan. */
function fullParse(text: string): Map<number, unknown> {
  const answers = JSON.parse(text) as { id: number; result: Record<string, unknown> }[];
  return new Map(
    answers.map((a) => {
      const b = a.result;
      const txs = (b["transactions"] as (string | Record<string, string>)[]).filter((t) => typeof t === "object");
      return [
        a.id,
        {
          number: Number(b["number"]),
          hash: String(b["hash"]).toLowerCase(),
          parentHash: String(b["parentHash"]).toLowerCase(),
          timestamp: Number(b["timestamp"]),
          txFrom: new Map(txs.map((t) => [String(t["hash"]).toLowerCase(), String(t["from"]).toLowerCase()])),
        },
      ];
    }),
  );
}

describe("scanning eth_getBlockByNumber answers (block-scan.ts)", function () {
  let chain: ChainProcess;
  let withTxs: string;
  let withoutTxs: string;

  before(async () => {
    chain = await startChain({ host: "127.0.0.1", port: 20_000 + Math.floor(Math.random() * 20_000), cwd: ROOT });
    const accounts = await rpc<string[]>(chain.rpcUrl, "eth_accounts");
    await rpc(chain.rpcUrl, "evm_setAutomine", [false]);
    for (const [i, from] of accounts.slice(0, 3).entries()) {
      await rpc(chain.rpcUrl, "eth_sendTransaction", [{ from, to: accounts[i + 1], value: "0x1" }]);
    }
    await rpc(chain.rpcUrl, "evm_mine");
    await rpc(chain.rpcUrl, "evm_mine"); // an empty block
    const post = async (full: boolean): Promise<string> => {
      const body = [1, 2].map((n, i) => ({
        jsonrpc: "2.0",
        id: 7 + i,
        method: "eth_getBlockByNumber",
        params: ["0x" + n.toString(16), full],
      }));
      const res = await fetch(chain.rpcUrl, { method: "POST", body: JSON.stringify(body) });
      return res.text();
    };
    withTxs = await post(true);
    withoutTxs = await post(false);
  });

  after(async () => {
    await chain.stop();
  });

  it("takes the same blocks and senders from Hardhat's answer as the full parse", () => {
    const scanned = scanBlockBatch(withTxs);
    expect(scanned).to.deep.equal(fullParse(withTxs));
    expect(scanned?.get(7)?.txFrom.size).to.equal(3);
    expect(scanned?.get(8)?.txFrom.size).to.equal(0);
    const headers = scanBlockBatch(withoutTxs);
    expect([...(headers?.values() ?? [])].map((b) => b.hash)).to.deep.equal(
      [...(scanned?.values() ?? [])].map((b) => b.hash),
    );
    expect(scanBlockBatch(JSON.stringify(JSON.parse(withTxs), null, 2))).to.deep.equal(scanned);
  });

  it("gives up (undefined) on anything unexpected, so the full parse reports it", () => {
    const answers = JSON.parse(withTxs) as { id: number; result: Record<string, unknown> }[];
    const first = answers[0];
    if (!first) throw new Error("no answer");
    const tx = (first.result["transactions"] as Record<string, unknown>[])[0] ?? {};
    const variants: [string, string][] = [
      ["truncated", withTxs.slice(0, -1)],
      ["cut in a string", withTxs.slice(0, withTxs.length / 2)],
      ["trailing garbage", withTxs + "x"],
      ["a second batch", withTxs + withTxs],
      ["a trailing comma", withTxs.replace(/\]\s*$/, ",]")],
      ["a missing value", withTxs.replace(/"number":"0x[0-9a-f]+"/, '"number":')],
      ["a missing colon", withTxs.replace('"number":', '"number"')],
      ["an escaped quote", withTxs.replace('"jsonrpc":"2.0"', '"jsonrpc":"2.\\"0"')],
      ["an error answer", JSON.stringify([{ jsonrpc: "2.0", id: 1, error: { code: -32000, message: "boom" } }])],
      ["a null result", JSON.stringify([{ jsonrpc: "2.0", id: 1, result: null }])],
      ["not a batch", JSON.stringify(first)],
      ["no id", JSON.stringify([{ ...first, id: undefined }])],
      ["a string id", JSON.stringify([{ ...first, id: "1" }])],
      ["a duplicate id", JSON.stringify([first, first])],
      ["a short hash", JSON.stringify([{ ...first, result: { ...first.result, hash: "0x12" } }])],
      ["no timestamp", JSON.stringify([{ ...first, result: { ...first.result, timestamp: undefined } }])],
      ["a numeric number", JSON.stringify([{ ...first, result: { ...first.result, number: 1 } }])],
      [
        "a sender that is no address",
        JSON.stringify([{ ...first, result: { ...first.result, transactions: [{ ...tx, from: "0xzz" }] } }]),
      ],
      [
        "a transaction without sender",
        JSON.stringify([{ ...first, result: { ...first.result, transactions: [{ ...tx, from: undefined }] } }]),
      ],
      ["a bad literal", withTxs.replace('"id":7', '"id":7x')],
      ["empty", ""],
    ];
    for (const [name, text] of variants) expect(scanBlockBatch(text), name).to.equal(undefined);
  });

  describe("JsonRpcClient.getBlocks", () => {
    let server: Server;
    let answer = "";
    let url = "";
    before(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on("end", () => res.end(answer));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    it("reads blocks from the real node", async () => {
      const client = new JsonRpcClient(chain.rpcUrl);
      const [b1, b2] = await client.getBlocks([1, 2], true);
      expect(b1?.txFrom.size).to.equal(3);
      expect(b2?.parentHash).to.equal(b1?.hash);
    });

    it("raises RPC_RESPONSE_INVALID on a malformed answer, and reads one the scan leaves to the full parse", async () => {
      const client = new JsonRpcClient(url);
      for (const bad of ["{", withTxs.slice(0, -1), JSON.stringify([{ jsonrpc: "2.0", id: 1, result: { hash: 1 } }])]) {
        answer = bad;
        const error = await client.getBlocks([1], true).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(RpcError);
        expect((error as RpcError).code).to.equal("RPC_RESPONSE_INVALID");
      }
      // ids 4 and 5 are this client's next two; an escaped string makes the scan give up.
      const answers = JSON.parse(withTxs) as { id: number; jsonrpc: string }[];
      answer = JSON.stringify(answers.map((a, i) => ({ ...a, id: 4 + i, jsonrpc: '2.0"' })));
      const blocks = await client.getBlocks([1, 2], true);
      expect(blocks.map((b) => b.txFrom.size)).to.deep.equal([3, 0]);
    });
  });
});

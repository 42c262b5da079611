/**
 * Transaction senders from block receipts where the node serves `eth_getBlockReceipts` (Anvil), from full blocks
 * where it does not (Hardhat's node refuses the method): both real nodes, the same senders either way.
 */
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { startChain, type ChainClient, type ChainProcess } from "../../../scripts/lib/chain-process";
import { JsonRpcClient, RpcError, isMethodUnsupported } from "../src";
import { ROOT } from "./chain";

/** Hardhat's (and Anvil's, same mnemonic) development accounts 0 and 1. */
const KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const KEY_1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("senders from block receipts, or from full blocks where the node has no eth_getBlockReceipts", function () {
  this.timeout(120_000);

  for (const [client, expected] of [
    ["anvil", "receipts"],
    ["hardhat", "blocks"],
  ] as [ChainClient, string][]) {
    it(`${client}: takes each transaction's sender from ${expected}`, async () => {
      const port = 30_000 + Math.floor(Math.random() * 2_000);
      let chain: ChainProcess | undefined;
      const provider = () =>
        new JsonRpcProvider(chain?.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 100 });
      try {
        chain = await startChain({ client, blockSeconds: 0.25, host: "127.0.0.1", port, cwd: ROOT });
        const p = provider();
        const senders = [new Wallet(KEY_0, p), new Wallet(KEY_1, p)];
        const receipts = [];
        for (const s of senders) {
          const tx = await s.sendTransaction({ to: "0x00000000000000000000000000000000000000a1", value: 1n });
          receipts.push(await tx.wait());
        }
        p.destroy();
        const rpc = new JsonRpcClient(chain.rpcUrl);
        expect(rpc.senderSource).to.equal("unknown");
        const numbers = [...new Set(receipts.map((r) => r?.blockNumber ?? -1))];
        const blocks = await rpc.getBlocks(numbers, true);
        expect(rpc.senderSource).to.equal(expected);
        const txFrom = new Map(blocks.flatMap((b) => [...b.txFrom]));
        for (const [i, r] of receipts.entries()) {
          expect(txFrom.get(r?.hash.toLowerCase() ?? "")).to.equal(senders[i]?.address.toLowerCase());
        }
        // Headers alone carry no senders, either way.
        expect((await rpc.getBlocks(numbers, false)).every((b) => b.txFrom.size === 0)).to.equal(true);
      } finally {
        await chain?.stop();
      }
    });
  }

  it("only a refusal of the method switches to full blocks, never a transport fault", () => {
    const notFound = new RpcError("RPC_FAILED", "eth_getBlockReceipts: the method does not exist", { rpcCode: -32601 });
    const hardhat = new RpcError("RPC_FAILED", "eth_getBlockReceipts: Method eth_getBlockReceipts is not supported", {
      rpcCode: -32004,
    });
    const down = new RpcError("RPC_FAILED", "JSON-RPC eth_getBlockByNumber failed: ECONNREFUSED", { retryable: true });
    const other = new RpcError("RPC_FAILED", "eth_getBlockReceipts: header not found", { rpcCode: -32000 });
    expect(isMethodUnsupported(notFound, "eth_getBlockReceipts")).to.equal(true);
    expect(isMethodUnsupported(hardhat, "eth_getBlockReceipts")).to.equal(true);
    expect(isMethodUnsupported(down, "eth_getBlockReceipts")).to.equal(false);
    // "header not found": the block is not there yet, the method is: retried, never switched off.
    expect(isMethodUnsupported(other, "eth_getBlockReceipts")).to.equal(false);
  });
});

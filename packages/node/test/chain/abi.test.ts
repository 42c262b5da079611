import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Interface, type InterfaceAbi } from "ethers";
import { ASSET_POOL_ABI, ASSET_POOL_FACTORY_ABI, TRANCHE_TOKEN_ABI } from "../../src/chain/abi";
import { decodeRevert } from "../../src/chain/revert";

const ARTIFACTS = path.resolve(__dirname, "..", "..", "..", "..", "artifacts", "contracts");
const artifact = (file: string) =>
  new Interface((JSON.parse(readFileSync(path.join(ARTIFACTS, file), "utf8")) as { abi: InterfaceAbi }).abi);

describe("chain/abi: the hand-kept ABI slices match the compiled contracts", () => {
  const cases: [string, readonly string[], string][] = [
    ["AssetPool", ASSET_POOL_ABI, "pool/AssetPool.sol/AssetPool.json"],
    ["AssetPoolFactory", ASSET_POOL_FACTORY_ABI, "pool/AssetPoolFactory.sol/AssetPoolFactory.json"],
    ["TrancheToken", TRANCHE_TOKEN_ABI, "tokens/TrancheToken.sol/TrancheToken.json"],
  ];
  for (const [name, slice, file] of cases) {
    it(`${name}: every fragment used exists with the same signature, and every custom error is known`, () => {
      const compiled = artifact(file);
      const ours = new Interface(slice);
      ours.forEachFunction((f) =>
        expect(compiled.getFunction(f.selector)?.format("full"), f.name).to.equal(f.format("full")),
      );
      ours.forEachEvent((e) =>
        expect(compiled.getEvent(e.topicHash)?.format("full"), e.name).to.equal(e.format("full")),
      );
      if (name !== "TrancheToken") {
        compiled.forEachError((e) =>
          expect(ours.getError(e.selector)?.format("full"), e.name).to.equal(e.format("full")),
        );
      }
    });
  }

  it("decodes a revert into the custom error's name and named arguments", () => {
    const pool = new Interface(ASSET_POOL_ABI);
    const data = pool.encodeErrorResult("TapeCutoffInFuture", [4070908800n, 1764000000n]);
    const error = Object.assign(new Error("execution reverted"), { code: "CALL_EXCEPTION", data });
    expect(decodeRevert(error)).to.equal("TapeCutoffInFuture(cutoffDate=4070908800, blockTime=1764000000)");
    expect(decodeRevert(Object.assign(new Error("x"), { code: "CALL_EXCEPTION", data: "0xdeadbeef" }))).to.equal(
      "unknown custom error 0xdeadbeef",
    );
  });
});

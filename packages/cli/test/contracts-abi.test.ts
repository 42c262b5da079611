import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Interface, type InterfaceAbi } from "ethers";
import { CONTRACT_ABIS } from "../src/contracts/abi.generated";
import { decodeContractError } from "../src/contracts/chain-calls";
import { CLI_CONTRACTS } from "../../../scripts/gen-cli-abi";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("contracts/abi.generated: the CLI's ABIs are the compiled contracts'", () => {
  for (const [name, file] of Object.entries(CLI_CONTRACTS)) {
    it(`${name}: every fragment, no more, no fewer (regenerate with scripts/gen-cli-abi.ts)`, () => {
      const artifact = JSON.parse(readFileSync(path.join(ROOT, "artifacts", "contracts", file), "utf8")) as {
        abi: InterfaceAbi;
      };
      const compiled = [...(new Interface(artifact.abi).format(false) as string[])].sort();
      expect([...CONTRACT_ABIS[name as keyof typeof CONTRACT_ABIS]]).to.deep.equal(compiled);
    });
  }

  it("decodes any consortium contract's custom error with enum values by name", () => {
    const pool = new Interface(CONTRACT_ABIS.AssetPool);
    const data = pool.encodeErrorResult("InvalidTransition", [0, 3]);
    const error = Object.assign(new Error("reverted"), { code: "CALL_EXCEPTION", data });
    expect(decodeContractError(error)).to.equal("InvalidTransition(current=Draft, requested=Active)");
    const cash = new Interface(CONTRACT_ABIS.CashToken);
    const short = Object.assign(new Error("reverted"), {
      code: "CALL_EXCEPTION",
      data: cash.encodeErrorResult("NotCashHolder", ["0x00000000000000000000000000000000000000aa"]),
    });
    expect(decodeContractError(short)?.toLowerCase()).to.equal(
      "notcashholder(account=0x00000000000000000000000000000000000000aa)",
    );
  });
});

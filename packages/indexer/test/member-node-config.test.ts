import { expect } from "chai";
import { ConfigError, parseIndexerConfig } from "../src";
import { resolveMemberKey } from "../src/member-node-sync";

const base = {
  ABS_INDEXER_RPC_URL: "http://127.0.0.1:8545",
  ABS_INDEXER_ADDRESS_BOOK: "book.json",
  ABS_INDEXER_DATA_DIR: "data",
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof ConfigError ? error.code : "not a ConfigError";
  }
}

describe("member node configuration", () => {
  it("is off without a node URL, and complete with one; the loan ids file is an optional override", () => {
    expect(parseIndexerConfig(base).memberNode).to.equal(undefined);
    const node = {
      ...base,
      ABS_INDEXER_MEMBER_NODE_URL: "http://127.0.0.1:8705",
      ABS_INDEXER_MEMBER_NODE_ID: "ORIG-HUAXIA-CF",
      ABS_INDEXER_MEMBER_KEY_ENV: "REGULATOR_KEY",
    };
    const expected = {
      baseUrl: "http://127.0.0.1:8705",
      memberId: "ORIG-HUAXIA-CF",
      key: { privateKeyEnv: "REGULATOR_KEY" },
      refreshMs: 60_000,
    };
    // Loan ids discovered from the node: no file needed.
    expect(parseIndexerConfig(node).memberNode).to.deep.equal(expected);
    expect(parseIndexerConfig({ ...node, ABS_INDEXER_LOAN_IDS_FILE: "ids.json" }).memberNode).to.deep.equal({
      ...expected,
      loanIdsFile: "ids.json",
    });
  });

  it("refuses a node URL without its id or exactly one key source (CONFIG_INVALID), naming what is missing", () => {
    const url = { ...base, ABS_INDEXER_MEMBER_NODE_URL: "http://127.0.0.1:8705" };
    expect(codeOf(() => parseIndexerConfig(url))).to.equal("CONFIG_INVALID");
    expect(() => parseIndexerConfig(url)).to.throw(
      /needed too: ABS_INDEXER_MEMBER_NODE_ID, exactly one of ABS_INDEXER_MEMBER_KEY_ENV, ABS_INDEXER_MEMBER_HARDHAT_ACCOUNT$/,
    );
    const both = {
      ...url,
      ABS_INDEXER_MEMBER_NODE_ID: "X",
      ABS_INDEXER_MEMBER_KEY_ENV: "K",
      ABS_INDEXER_MEMBER_HARDHAT_ACCOUNT: "5",
    };
    expect(codeOf(() => parseIndexerConfig(both))).to.equal("CONFIG_INVALID");
  });

  it("reads the key from the named variable, and refuses a malformed one without echoing it", () => {
    const key = "11".repeat(32);
    expect(resolveMemberKey({ privateKeyEnv: "K" }, { K: key }).address).to.match(/^0x[0-9a-fA-F]{40}$/);
    try {
      resolveMemberKey({ privateKeyEnv: "K" }, { K: "0xdeadbeef" });
      expect.fail("expected CONFIG_INVALID");
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).message).not.to.include("deadbeef");
    }
  });
});

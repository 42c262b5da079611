/** The export's signature survives the trip through JSON and a file, and breaks with any change. */
import { expect } from "chai";
import { Wallet, verifyMessage } from "ethers";
import { auditDigest, parseAuditExport, signAuditExport, type SignedAuditExport } from "../src";

const EXPORT = {
  range: { fromBlock: 0, toBlock: 12 },
  checkpoint: { number: 12, hash: "0x" + "ab".repeat(32) },
  blocks: [{ number: 7, hash: "0x" + "cd".repeat(32) }],
  events: [
    {
      contract: "0x" + "11".repeat(20),
      contractKind: "AssetPool",
      name: "TapeAnchored",
      blockNumber: "7",
      blockHash: "0x" + "cd".repeat(32),
      transactionHash: "0x" + "ef".repeat(32),
      logIndex: "3",
      args: '{"version":"1"}',
      pool: null,
    },
  ],
};

describe("audit export signature", () => {
  it("holds after JSON and parsing, and any changed field changes the digest", async () => {
    const wallet = Wallet.createRandom();
    const signed = await signAuditExport(EXPORT, wallet);
    const read = parseAuditExport(JSON.parse(JSON.stringify(signed)));
    expect(auditDigest(read)).to.equal(signed.signature?.digest);
    expect(verifyMessage(auditDigest(read), read.signature?.signature ?? "")).to.equal(wallet.address);
    const changed = structuredClone(read) as SignedAuditExport;
    const [event] = changed.events;
    if (event) event["args"] = '{"version":"2"}';
    expect(auditDigest(changed)).to.not.equal(signed.signature?.digest);
  });

  it("refuses a file that is no export, naming the path", () => {
    expect(() => parseAuditExport({ hello: 1 })).to.throw(/not an audit export: range/);
    expect(() => parseAuditExport({ ...EXPORT, events: [{ name: 5 }] })).to.throw(/events\.0/);
  });
});

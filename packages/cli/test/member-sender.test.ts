/**
 * Who sends `abs --as <member>`'s transactions: the member's node when the consortium file names it and the
 * operator token is at hand, else the key here; an explicit signer flag always signs here. Through a node the CLI
 * signs no transaction, only messages and typed data. (A real node answering: packages/node's
 * operator-transactions test and the lifecycle e2e.)
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { writeConsortiumFile, type ConsortiumFile } from "../src/consortium/consortium-file";
import { CliError } from "../src/errors";
import { type CliIo } from "../src/io";
import { senderOf } from "../src/member-sender";
import { NodeSender, callLabel } from "../src/node-sender";
import { CapturedStream, temporaryDirectory } from "./helpers";

describe("senderOf: the acting member's transactions go through its node", () => {
  const dir = temporaryDirectory();
  after(() => dir.remove());
  const wallet = Wallet.createRandom();
  const keyFile = path.join(dir.path, "trustee.key");
  const tokenFile = path.join(dir.path, "operator-token");
  // Nothing listens on port 9: a send must fail at the node, never reach a chain.
  const provider = new JsonRpcProvider("http://127.0.0.1:9", 31337, { staticNetwork: true });
  after(() => provider.destroy());
  const consortium = (nodeUrl: string | undefined, operatorTokenFile: string | undefined): ConsortiumFile => ({
    version: 1,
    network: "localhost",
    chainId: 31337,
    rpcUrl: "http://127.0.0.1:9",
    currency: "CNY",
    contracts: {},
    ...(operatorTokenFile === undefined ? {} : { operatorTokenFile }),
    members: [
      {
        name: "trustee",
        memberId: "TRUS-X",
        legalEntity: "Trust Co.",
        roles: ["TRUSTEE"],
        address: wallet.address,
        keyFile,
        ...(nodeUrl === undefined ? {} : { nodeUrl }),
      },
    ],
  });
  const ioFor = (file: ConsortiumFile): CliIo => {
    const at = path.join(dir.path, `consortium-${Math.random().toString(36).slice(2)}.json`);
    writeConsortiumFile(at, file);
    return {
      stdout: new CapturedStream(),
      stderr: new CapturedStream(),
      env: { ABS_CONSORTIUM_FILE: at },
      now: () => 0,
      selection: { member: "trustee" },
    };
  };
  /** The message of the CliError `pending` rejects with. */
  async function refusal(pending: Promise<unknown>): Promise<string> {
    try {
      await pending;
    } catch (error) {
      expect(error).to.be.instanceOf(CliError);
      return (error as CliError).message;
    }
    throw new Error("expected a refusal");
  }
  before(() => {
    writeFileSync(keyFile, `${wallet.privateKey}\n`, { mode: 0o600 });
    writeFileSync(tokenFile, "operator-token-0123456789\n", { mode: 0o600 });
  });

  it("sends through the member's node when the file names it and the operator token", async () => {
    const member = await senderOf({}, ioFor(consortium("http://127.0.0.1:9", tokenFile)), provider);
    expect(member.via).to.equal("http://127.0.0.1:9");
    expect(member.sender).to.be.instanceOf(NodeSender);
    expect(member.address).to.equal(wallet.address);
    expect(await member.sender.getAddress()).to.equal(wallet.address);
  });

  it("signs here without a node, without a token, or with an explicit signer flag", async () => {
    for (const [file, options] of [
      [consortium(undefined, tokenFile), {}],
      [consortium("http://127.0.0.1:9", undefined), {}],
      [consortium("http://127.0.0.1:9", path.join(dir.path, "missing-token")), {}],
      [consortium("http://127.0.0.1:9", tokenFile), { hardhatAccount: 3 }],
    ] as const) {
      const member = await senderOf(options, ioFor(file), provider);
      expect(member.via).to.equal("local");
      expect(member.sender).to.be.instanceOf(NonceManager);
    }
  });

  it("through a node signs typed data here and never a transaction; an unreachable node sends nothing", async () => {
    const member = await senderOf({}, ioFor(consortium("http://127.0.0.1:9", tokenFile)), provider);
    const domain = { name: "t", version: "1", chainId: 31337 };
    const types = { M: [{ name: "x", type: "uint256" }] };
    expect(await member.sender.signTypedData(domain, types, { x: 1n })).to.equal(
      await wallet.signTypedData(domain, types, { x: 1n }),
    );
    const sender = member.sender as NodeSender;
    const to = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    expect(await refusal(sender.signTransaction())).to.contain("signed by the member's node");
    expect(await refusal(sender.sendTransaction({ to, data: "0x095ea7b3" + "00".repeat(64) }))).to.equal(
      `The member's node at http://127.0.0.1:9 cannot be reached to send approve on ${to}`,
    );
    expect(await refusal(sender.sendTransaction({ to, data: "0x", value: 1n }))).to.contain("no value transfers");
  });

  it("names a call by the consortium function its selector is, else by the selector", () => {
    expect(callLabel("0xabc", "0x095ea7b3" + "00".repeat(64))).to.equal("approve on 0xabc");
    expect(callLabel("0xabc", "0xdeadbeef")).to.equal("0xdeadbeef on 0xabc");
  });
});

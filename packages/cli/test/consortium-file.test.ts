import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { writeConsortiumFile, type ConsortiumFile } from "../src/consortium/consortium-file";
import { runInProcess, temporaryDirectory } from "./helpers";

describe("abs --as: acting as a member of the consortium file", () => {
  const dir = temporaryDirectory();
  after(() => dir.remove());
  const wallet = Wallet.createRandom();
  const keyFile = path.join(dir.path, "trustee.key");
  const file = path.join(dir.path, "consortium.json");
  const consortium: ConsortiumFile = {
    version: 1,
    network: "localhost",
    chainId: 31337,
    // Nothing listens here: the commands below must fail before they reach the chain.
    rpcUrl: "http://127.0.0.1:9",
    currency: "CNY",
    contracts: { AssetPoolFactory: "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
    members: [
      {
        name: "trustee",
        memberId: "TRUS-X",
        legalEntity: "Trust Co.",
        roles: ["TRUSTEE"],
        address: wallet.address,
        keyFile,
      },
    ],
  };
  before(() => {
    writeFileSync(keyFile, `${wallet.privateKey}\n`, { mode: 0o600 });
    writeConsortiumFile(file, consortium);
  });

  it("names the members there are when --as names another", async () => {
    const run = await runInProcess(["--as", "trustees", "deal", "show", "--deal", "X"], {
      env: { ABS_CONSORTIUM_FILE: file },
    });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('Unknown member "trustees": expected one of trustee');
  });

  it("says how to get a consortium file when there is none", async () => {
    const run = await runInProcess(["--as", "trustee", "deal", "show", "--deal", "X"], {
      env: { ABS_CONSORTIUM_FILE: path.join(dir.path, "missing.json") },
    });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("Cannot read the consortium file");
    const home = await runInProcess(["--as", "trustee", "deal", "show", "--deal", "X"], { env: { HOME: dir.path } });
    expect(home.stderr).to.contain("npm start");
  });

  it("refuses a malformed consortium file field by field", async () => {
    const bad = path.join(dir.path, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...consortium, rpcUrl: "ftp://x", members: [{ name: "Trustee!" }] }));
    const run = await runInProcess(["--as", "trustee", "members"], { env: { ABS_CONSORTIUM_FILE: bad } });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("malformed").and.contain("rpcUrl").and.contain("members.0.name");
  });

  it("refuses a key file others can read, without printing the key", async () => {
    chmodSync(keyFile, 0o644);
    try {
      const run = await runInProcess(
        [
          "--as",
          "trustee",
          "pool",
          "create",
          "--deal-id",
          "X-1",
          "--name",
          "X",
          "--originator",
          "trustee",
          "--servicer",
          "trustee",
        ],
        { env: { ABS_CONSORTIUM_FILE: file } },
      );
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain("readable by others").and.contain("0644");
      expect(run.stderr + run.stdout).to.not.contain(wallet.privateKey.slice(2));
    } finally {
      chmodSync(keyFile, 0o600);
    }
  });

  it("a lifecycle command without --deal, or with a bad amount, is a usage error naming the flag", async () => {
    const noDeal = await runInProcess(["--as", "trustee", "offering", "close"], { env: { ABS_CONSORTIUM_FILE: file } });
    expect(noDeal.code).to.equal(2);
    expect(noDeal.stderr).to.contain("--deal");
    const amount = await runInProcess(
      ["--as", "trustee", "cash", "mint", "--to", "trustee", "--amount", "1.005", "--bank-ref", "R"],
      {
        env: { ABS_CONSORTIUM_FILE: file },
      },
    );
    expect(amount.code).to.equal(2);
    expect(amount.stderr).to.contain("--amount").and.contain("at most 2 decimals");
  });
});

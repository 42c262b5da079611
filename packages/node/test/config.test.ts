import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet, encryptKeystoreJsonSync } from "ethers";
import { parseNodeConfig } from "../src/config";
import { resolveKey } from "../src/node";
import { ConfigError } from "../src/errors";

const base = {
  ABS_NODE_ROLE: "ORIGINATOR",
  ABS_NODE_MEMBER_ID: "ORIG-HUAXIA-CF",
  ABS_NODE_RPC_URL: "http://127.0.0.1:8545",
  ABS_NODE_REGISTRY: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  ABS_NODE_DATA_DIR: "/var/lib/abs-node",
  ABS_NODE_KEY_ENV: "ORIGINATOR_KEY",
};

function issuesOf(env: Record<string, string | undefined>): string[] {
  try {
    parseNodeConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).code).to.equal("NODE_CONFIG_INVALID");
    return [...(error as ConfigError).issues];
  }
  throw new Error("expected a ConfigError");
}

describe("parseNodeConfig", () => {
  it("parses a minimal config and fills the defaults", () => {
    const config = parseNodeConfig({ ...base, UNRELATED: "x" });
    expect(config).to.deep.include({
      role: "ORIGINATOR",
      memberId: "ORIG-HUAXIA-CF",
      listen: { host: "127.0.0.1", port: 8700 },
      key: { privateKeyEnv: "ORIGINATOR_KEY" },
      windowMs: 60_000,
      logLevel: "info",
    });
    expect(config.policy).to.deep.equal({ loanLevelRoles: ["TRUSTEE", "REGULATOR"], aggregateRoles: ["INVESTOR"] });
  });

  it("parses configurable entitlement roles, listen address and a dev key", () => {
    const config = parseNodeConfig({
      ...base,
      ABS_NODE_KEY_ENV: undefined,
      ABS_NODE_HARDHAT_ACCOUNT: "1",
      ABS_NODE_LISTEN: "0.0.0.0:9000",
      ABS_NODE_LOAN_LEVEL_ROLES: "TRUSTEE, REGULATOR,SERVICER",
      ABS_NODE_AGGREGATE_ROLES: "",
    });
    expect(config.key).to.deep.equal({ hardhatAccount: 1 });
    expect(config.listen).to.deep.equal({ host: "0.0.0.0", port: 9000 });
    expect(config.policy.loanLevelRoles).to.deep.equal(["TRUSTEE", "REGULATOR", "SERVICER"]);
    expect(config.policy.aggregateRoles).to.deep.equal(["INVESTOR"]); // empty = default
  });

  it("lists every bad variable with what was expected and what was found", () => {
    const issues = issuesOf({
      ...base,
      ABS_NODE_ROLE: "BANKER",
      ABS_NODE_RPC_URL: "ftp://x",
      ABS_NODE_REGISTRY: "0x1234",
      ABS_NODE_LISTEN: "localhost",
      ABS_NODE_LOAN_LEVEL_ROLES: "TRUSTEE,JUDGE",
      ABS_NODE_DATA_DIR: undefined,
    });
    const text = issues.join("\n");
    expect(text).to.include("ABS_NODE_ROLE: expected one of ORIGINATOR").and.include('found "BANKER"');
    expect(text).to.include("ABS_NODE_RPC_URL: expected an http(s) URL");
    expect(text).to.include('ABS_NODE_REGISTRY: expected a 0x-prefixed contract address, found "0x1234"');
    expect(text).to.include("ABS_NODE_LISTEN: expected host:port");
    expect(text).to.include("ABS_NODE_LOAN_LEVEL_ROLES");
    expect(text).to.include("ABS_NODE_DATA_DIR: is required");
  });

  it("requires exactly one key source", () => {
    expect(issuesOf({ ...base, ABS_NODE_KEY_ENV: undefined }).join()).to.include("exactly one key source");
    expect(issuesOf({ ...base, ABS_NODE_HARDHAT_ACCOUNT: "2" }).join()).to.include("found 2");
  });

  it("reads the chain bridge settings with their defaults", () => {
    expect(parseNodeConfig(base).chain).to.deep.equal({
      confirmations: 1,
      txTimeoutMs: 120_000,
      receiptPollMs: 250,
      rpcAttempts: 6,
    });
    const config = parseNodeConfig({ ...base, ABS_NODE_CONFIRMATIONS: "3", ABS_NODE_RPC_ATTEMPTS: "2" });
    expect(config.chain).to.include({ confirmations: 3, rpcAttempts: 2 });
    expect(issuesOf({ ...base, ABS_NODE_CONFIRMATIONS: "0" }).join()).to.include("ABS_NODE_CONFIRMATIONS");
  });

  it("reads the upload's row workers: absent means the upload's default; 0 to 64 only", () => {
    expect(parseNodeConfig(base)).not.to.have.property("uploadRowWorkers");
    expect(parseNodeConfig({ ...base, ABS_NODE_UPLOAD_ROW_WORKERS: "0" }).uploadRowWorkers).to.equal(0);
    expect(parseNodeConfig({ ...base, ABS_NODE_UPLOAD_ROW_WORKERS: "3" }).uploadRowWorkers).to.equal(3);
    for (const bad of ["-1", "65", "1.5", "many"]) {
      expect(issuesOf({ ...base, ABS_NODE_UPLOAD_ROW_WORKERS: bad }).join(), bad).to.include(
        "ABS_NODE_UPLOAD_ROW_WORKERS",
      );
    }
  });

  describe("the member key from a key file (ABS_NODE_KEY_FILE)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "abs-key-file-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const wallet = Wallet.createRandom();

    it("reads the key from a file only its owner can read", async () => {
      const file = path.join(dir, "member.key");
      writeFileSync(file, `${wallet.privateKey}\n`, { mode: 0o600 });
      const config = parseNodeConfig({ ...base, ABS_NODE_KEY_ENV: undefined, ABS_NODE_KEY_FILE: file });
      expect(config.key).to.deep.equal({ privateKeyFile: file });
      expect((await resolveKey(config.key, {})).address).to.equal(wallet.address);
    });

    it("refuses a key file others may read, and a file that holds no key, without showing its content", async () => {
      const open = path.join(dir, "open.key");
      writeFileSync(open, wallet.privateKey, { mode: 0o644 });
      const refused = await resolveKey({ privateKeyFile: open }, {}).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(ConfigError);
      expect((refused as ConfigError).issues.join())
        .to.contain("mode 0600")
        .and.contain("found mode 0644");
      const junk = path.join(dir, "junk.key");
      writeFileSync(junk, "not a key", { mode: 0o600 });
      const bad = await resolveKey({ privateKeyFile: junk }, {}).catch((e: unknown) => e);
      expect((bad as ConfigError).issues.join())
        .to.contain("0x-prefixed 32-byte")
        .and.not.contain("not a key");
    });

    it("counts as one key source: with another it is refused", () => {
      expect(issuesOf({ ...base, ABS_NODE_KEY_FILE: "/k" }).join()).to.contain("exactly one key source");
    });
  });

  describe("the member key from an encrypted keystore", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "abs-keystore-"));
    const wallet = Wallet.createRandom();
    const keystore = path.join(dir, "key.json");
    const passwordFile = path.join(dir, "password");
    // A cheap scrypt cost for the test; real keystores use the default.
    writeFileSync(
      keystore,
      encryptKeystoreJsonSync({ address: wallet.address, privateKey: wallet.privateKey }, "s3cret pass", {
        scrypt: { N: 1 << 10 },
      }),
    );
    writeFileSync(passwordFile, "s3cret pass\n");
    after(() => rmSync(dir, { recursive: true, force: true }));
    const keystoreEnv = { ...base, ABS_NODE_KEY_ENV: undefined, ABS_NODE_KEYSTORE_FILE: keystore };

    it("opens it with the password from a file or from a named variable", async () => {
      const fromFile = parseNodeConfig({ ...keystoreEnv, ABS_NODE_KEYSTORE_PASSWORD_FILE: passwordFile });
      expect((await resolveKey(fromFile.key, {})).address).to.equal(wallet.address);
      const fromEnv = parseNodeConfig({ ...keystoreEnv, ABS_NODE_KEYSTORE_PASSWORD_ENV: "NODE_PASS" });
      expect((await resolveKey(fromEnv.key, { NODE_PASS: "s3cret pass" })).address).to.equal(wallet.address);
    });

    it("refuses a wrong password without showing it, and needs exactly one password source", async () => {
      const config = parseNodeConfig({ ...keystoreEnv, ABS_NODE_KEYSTORE_PASSWORD_ENV: "NODE_PASS" });
      try {
        await resolveKey(config.key, { NODE_PASS: "wrong-password-value" });
        expect.fail("expected a ConfigError");
      } catch (error) {
        expect((error as ConfigError).code).to.equal("NODE_CONFIG_INVALID");
        expect((error as Error).message)
          .to.include("ABS_NODE_KEYSTORE_FILE")
          .and.not.include("wrong-password-value");
      }
      expect(issuesOf(keystoreEnv).join()).to.include("exactly one keystore password source");
    });
  });
});

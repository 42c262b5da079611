/**
 * The Besu QBFT kit (scripts/besu-kit.ts, deploy/besu/): extraData byte for byte against Besu's published genesis
 * examples, the genesis a consortium needs, and the generated kit — keys, static nodes, allowlists, compose file,
 * the members' and the indexer's configuration — from the same member list. The compose file is validated by
 * `docker-compose config` (Debian's docker-compose; .ci/run installs it).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Wallet, decodeRlp, getAddress } from "ethers";
import { parse } from "yaml";
import { INDEXER_NODE_FLAGS } from "@abs/indexer";
import { loadNetworkConfig } from "../../deploy/config";
import {
  BFT_MIX_HASH,
  CONTRACT_SIZE_LIMIT,
  nodeIdentity,
  qbftExtraData,
  qbftGenesis,
  qbftValidatorsOf,
} from "../../deploy/besu/qbft";
import { generateKit } from "../../scripts/besu-kit";

/**
 * Besu's documentation, "Configure QBFT consensus" (hyperledger/besu-docs,
 * docs/private-networks/how-to/configure/consensus/qbft.md): the genesis of a 4-validator network with block-header
 * validator selection, and of one with contract validator selection (no validator in the header).
 */
const BESU_DOCS_HEADER_VALIDATORS = [
  "0x64a702e6263b7297a96638cac6ae65e6541f4169",
  "0x3923390ad55e90c237593b3b0e401f3b08a03185",
  "0xaefdb9a738c9f433e5b6b212a6d62f6370c2f692",
  "0xc7eeb9a4e00ce683cf93039b212648e01c6c6b78",
];
const BESU_DOCS_HEADER_EXTRA_DATA =
  "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f4169943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b212648e01c6c6b78c080c0";
const BESU_DOCS_CONTRACT_EXTRA_DATA = "0xe5a00000000000000000000000000000000000000000000000000000000000000000c0c080c0";

describe("Besu QBFT kit", function () {
  this.timeout(60_000);

  it("encodes extraData byte for byte as Besu's published genesis examples", () => {
    expect(qbftExtraData(BESU_DOCS_HEADER_VALIDATORS)).to.equal(BESU_DOCS_HEADER_EXTRA_DATA);
    expect(qbftExtraData([])).to.equal(BESU_DOCS_CONTRACT_EXTRA_DATA);
  });

  it("writes a QBFT genesis: BFT mixHash, difficulty 1, Cancun from genesis, zero base fee, EIP-170, validators ascending", () => {
    const genesis = qbftGenesis({
      chainId: 20261,
      validators: BESU_DOCS_HEADER_VALIDATORS,
      blockPeriodSeconds: 2,
      epochLength: 30000,
      requestTimeoutSeconds: 10,
      timestamp: 0,
      gasLimit: 0x1fffffffffffffn,
    }) as { config: Record<string, unknown>; [k: string]: unknown };
    expect(genesis["mixHash"]).to.equal(BFT_MIX_HASH);
    expect(genesis["difficulty"]).to.equal("0x1");
    expect(genesis.config).to.include({
      chainId: 20261,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      zeroBaseFee: true,
      contractSizeLimit: CONTRACT_SIZE_LIMIT,
    });
    expect(genesis.config["qbft"]).to.deep.equal({
      blockperiodseconds: 2,
      epochlength: 30000,
      requesttimeoutseconds: 10,
    });
    const [vanity, validators, vote, round, seals] = decodeRlp(String(genesis["extraData"])) as [
      string,
      string[],
      unknown[],
      string,
      unknown[],
    ];
    expect(vanity).to.equal(`0x${"00".repeat(32)}`);
    expect(validators).to.deep.equal([...BESU_DOCS_HEADER_VALIDATORS].sort());
    expect([vote, round, seals]).to.deep.equal([[], "0x", []]);
    expect(() =>
      qbftGenesis({
        chainId: 1,
        validators: [],
        blockPeriodSeconds: 2,
        epochLength: 1,
        requestTimeoutSeconds: 10,
        timestamp: 0,
        gasLimit: 1n,
      }),
    ).to.throw("at least one validator");
    expect(() =>
      qbftGenesis({
        chainId: 1,
        validators: BESU_DOCS_HEADER_VALIDATORS,
        blockPeriodSeconds: 5,
        epochLength: 1,
        requestTimeoutSeconds: 5,
        timestamp: 0,
        gasLimit: 1n,
      }),
    ).to.throw("requesttimeoutseconds must exceed blockperiodseconds");
  });

  describe("the generated kit (deploy/networks/besu.json)", () => {
    const out = mkdtempSync(path.join(tmpdir(), "besu-kit-"));
    const config = loadNetworkConfig("besu");
    const keys = new Map<string, string>();
    const saved: Record<string, string | undefined> = {};
    const envs = [config.deployer, ...config.members.map((m) => m.signer)].map((s) =>
      "privateKeyEnv" in s ? s.privateKeyEnv : "",
    );
    let kit: ReturnType<typeof generateKit>;
    const read = (file: string) => readFileSync(path.join(out, file), "utf8");
    before(() => {
      for (const env of envs) {
        saved[env] = process.env[env];
        const key = Wallet.createRandom().privateKey;
        keys.set(env, key);
        process.env[env] = key;
      }
      kit = generateKit(config, out);
    });
    after(() => {
      for (const env of envs) {
        if (saved[env] === undefined) delete process.env[env];
        else process.env[env] = saved[env];
      }
      rmSync(out, { recursive: true, force: true });
    });

    it("one validator key per voting member (mode 0600), the genesis naming exactly them, ascending", () => {
      const voting = config.members.filter((m) => m.voting);
      expect(voting).to.have.length(4);
      const addresses = voting.map((m) => {
        const file = path.join(out, "validators", m.name, "key");
        expect(statSync(file).mode & 0o777, m.name).to.equal(0o600);
        return nodeIdentity(readFileSync(file, "utf8").trim()).address;
      });
      const genesis = JSON.parse(read("genesis.json")) as { extraData: string };
      const [, inHeader] = decodeRlp(genesis.extraData) as [string, string[]];
      expect(inHeader.map((a) => getAddress(a))).to.deep.equal(
        [...addresses].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
      );
      expect(kit.validators).to.deep.equal(inHeader.map((a) => getAddress(a)));
    });

    it("static nodes and the nodes allowlist name every validator and the RPC node; accounts are the members' only", () => {
      const enodes = JSON.parse(read("static-nodes.json")) as string[];
      expect(enodes).to.have.length(5);
      expect(enodes).to.deep.equal(kit.enodes);
      const publicKey = nodeIdentity(read("rpc/key").trim()).publicKey;
      expect(enodes).to.include(`enode://${publicKey}@172.28.0.5:30303`);
      const toml = read("permissions_config.toml");
      for (const e of enodes) expect(toml).to.contain(`"${e}"`);
      const accounts = [...toml.matchAll(/"(0x[0-9a-fA-F]{40})"/g)].map((m) => m[1]);
      const expected = envs.map((env) => new Wallet(keys.get(env) ?? "").address);
      expect(accounts).to.deep.equal(expected);
    });

    it("configures the members' nodes and the indexer from the same source: the RPC node, each member's id and role", () => {
      const compose = parse(read("docker-compose.yml")) as {
        services: Record<string, { environment?: Record<string, string>; image?: string; command?: string[] }>;
      };
      const services = compose.services;
      expect(Object.keys(services)).to.include.members([
        "validator-originator",
        "validator-servicer",
        "validator-trustee",
        "validator-custodian",
        "rpc-node",
        "indexer",
        "graph-node",
        ...config.members.map((m) => `node-${m.name}`),
      ]);
      expect(services["rpc-node"]?.image).to.equal(`hyperledger/besu:${config.besu?.version}`);
      for (const m of config.members) {
        const env = services[`node-${m.name}`]?.environment ?? {};
        expect(env).to.include({
          ABS_NODE_MEMBER_ID: m.memberId,
          ABS_NODE_ROLE: m.roles[0],
          ABS_NODE_RPC_URL: "http://172.28.0.5:8545",
        });
      }
      // The regulator's node is the pledge key service; every originator's node fingerprints through it.
      const regulatorIndex = config.members.findIndex((m) => m.roles[0] === "REGULATOR");
      const regulator = config.members[regulatorIndex];
      expect(services[`node-${regulator?.name ?? ""}`]?.environment).to.include({
        ABS_NODE_PLEDGE_KEY_FILE: "/run/secrets/pledge-key",
      });
      for (const m of config.members.filter((x) => x.roles[0] === "ORIGINATOR")) {
        expect(services[`node-${m.name}`]?.environment).to.include({
          ABS_NODE_PLEDGE_SERVICE_URL: `http://172.28.0.${100 + regulatorIndex}:8700`,
          ABS_NODE_PLEDGE_SERVICE_MEMBER: regulator?.memberId,
        });
      }
      expect(services["indexer"]?.environment).to.include({
        ABS_INDEXER_RPC_URL: "http://172.28.0.5:8545",
        ABS_INDEXER_MEMBER_NODE_URL: "http://172.28.0.100:8700",
        ABS_INDEXER_ADDRESS_BOOK: "/app/deploy/addresses/besu.json",
      });
      // The indexer runs with the memory flags npm start gives it (packages/indexer/src/node-flags.ts).
      expect(services["indexer"]?.command).to.deep.equal([
        "node",
        ...INDEXER_NODE_FLAGS,
        "packages/indexer/dist/main.js",
      ]);
    });

    it("keeps the keys on a second run (the network's identity) and writes the same files", () => {
      const before = ["genesis.json", "static-nodes.json", "permissions_config.toml", "docker-compose.yml"].map(read);
      generateKit(config, out);
      expect(
        ["genesis.json", "static-nodes.json", "permissions_config.toml", "docker-compose.yml"].map(read),
      ).to.deep.equal(before);
    });

    it("serves PERM (allowlist reloads) and QBFT votes only on each validator's private address, never on the RPC node", () => {
      const services = (parse(read("docker-compose.yml")) as { services: Record<string, { command?: string[] }> })
        .services;
      const flag = (service: string, name: string) =>
        services[service]?.command?.find((c) => c.startsWith(`--${name}=`))?.split("=")[1];
      expect(flag("rpc-node", "rpc-http-api")).to.not.contain("PERM");
      const validators = Object.keys(services).filter((s) => s.startsWith("validator-"));
      expect(validators).to.have.length(kit.validators.length);
      for (const v of validators) {
        expect(flag(v, "rpc-http-api"), v).to.equal("ETH,NET,QBFT,PERM");
        expect(flag(v, "rpc-http-host"), v).to.equal(flag(v, "p2p-host"));
        expect(flag(v, "host-allowlist"), v).to.equal(flag(v, "p2p-host"));
      }
    });

    it("keeps a running network's genesis when a voting member joins, and lists the validator vote it needs", () => {
      const genesisBefore = read("genesis.json");
      const joining = config.members.find((m) => !m.voting);
      if (!joining) throw new Error("the besu config needs a non-voting member");
      const grown = {
        ...config,
        members: config.members.map((m) => (m.name === joining.name ? { ...m, voting: true } : m)),
      };
      const again = generateKit(grown, out);
      expect(again.genesisKept).to.equal(true);
      expect(read("genesis.json")).to.equal(genesisBefore);
      const newValidator = nodeIdentity(
        readFileSync(path.join(out, "validators", joining.name, "key"), "utf8").trim(),
      ).address;
      expect(again.voteIn).to.deep.equal([getAddress(newValidator)]);
      expect(again.voteOut).to.deep.equal([]);
      expect(again.validators).to.have.length(kit.validators.length + 1);
      expect(read("README.md")).to.contain(`"qbft_proposeValidatorVote","params":["${getAddress(newValidator)}",true]`);
      expect(read("docker-compose.yml")).to.contain(`validator-${joining.name}`);
      expect(qbftValidatorsOf(JSON.parse(genesisBefore).extraData)).to.deep.equal(kit.validators);
      // Back to the original members: nothing to vote, the same genesis.
      const back = generateKit(config, out);
      expect([back.voteIn, back.voteOut]).to.deep.equal([[], []]);
    });

    it("refuses to run without a member's key in its environment variable, naming it", () => {
      const env = config.members[2]?.signer;
      const name = env !== undefined && "privateKeyEnv" in env ? env.privateKeyEnv : "";
      const key = process.env[name];
      delete process.env[name];
      try {
        expect(() => generateKit(config, out)).to.throw(
          `member trustee: expected ${name} to hold its 0x-prefixed 32-byte key`,
        );
      } finally {
        process.env[name] = key;
      }
    });

    it("the compose file validates (docker-compose config)", function () {
      const which = spawnSync("sh", ["-c", "command -v docker-compose"], { encoding: "utf8" });
      if (which.status !== 0) {
        // .ci/run installs Debian's docker-compose; a machine without it cannot check the file.
        console.log("      (docker-compose is not installed: apt-get install docker-compose)");
        this.skip();
      }
      const env = {
        ...process.env,
        ABS_REGISTRY: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        ABS_PLEDGE_REGISTRY: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
        ABS_REGULATOR_KEY: "0x01",
        ABS_GRAPH_DB_PASSWORD: "x",
      };
      for (const profile of [[], ["--profile", "graph"]]) {
        execFileSync("docker-compose", [...profile, "-f", path.join(out, "docker-compose.yml"), "config", "-q"], {
          env,
          stdio: ["ignore", "pipe", "pipe"],
        });
      }
      // Without the registry's address the file says what to do.
      const missing = spawnSync("docker-compose", ["-f", path.join(out, "docker-compose.yml"), "config", "-q"], {
        env: {
          ...process.env,
          ABS_REGISTRY: "",
          ABS_PLEDGE_REGISTRY: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
          ABS_REGULATOR_KEY: "0x01",
        },
        encoding: "utf8",
      });
      expect(missing.status).to.not.equal(0);
      expect(missing.stderr).to.contain("deploy the contracts first");
    });
  });
});

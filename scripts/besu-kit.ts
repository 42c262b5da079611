/**
 * Generates a Besu QBFT consortium kit from deploy/networks/<network>.json (default "besu"): one validator key per
 * voting member and one for the RPC node, the genesis (QBFT extraData over the validators in ascending order), the
 * static nodes, the permissions allowlists (those nodes; only the members' and the deployer's accounts), the
 * docker-compose file (validators, RPC node, a node per member, the indexer; a `graph` profile) and a README of
 * how to bring it up. Re-running keeps the keys already generated and the genesis (the network's identity) and
 * rewrites the rest; a voting member added or removed since the genesis is listed as a validator to vote in or out
 * (`qbft_proposeValidatorVote` on the running validators, each of which serves the QBFT API on its private address).
 *
 *   npx ts-node --transpile-only scripts/besu-kit.ts [--network besu] [--out deploy/besu/generated/<network>]
 *
 * The members' account addresses come from their keys' environment variables (the same ones the deployment
 * reads: ABS_KEY_<NAME>); the keys themselves are not written anywhere.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Wallet, computeAddress, getAddress } from "ethers";
import { stringify } from "yaml";
import { loadNetworkConfig, type NetworkConfig, type SignerSource } from "../deploy/config";
import { composeFile, hostAddress, ADDRESSES, type ComposeInput } from "../deploy/besu/compose";
import {
  enodeUrl,
  nodeIdentity,
  permissionsToml,
  qbftGenesis,
  qbftValidatorsOf,
  sortValidators,
} from "../deploy/besu/qbft";

const ROOT = path.resolve(__dirname, "..");

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? String(process.argv[i + 1]) : fallback;
}

/** The node key in `dir/key` (0x hex), generated once and kept (mode 0600). */
function nodeKey(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "key");
  if (!existsSync(file)) writeFileSync(file, Wallet.createRandom().privateKey, { mode: 0o600 });
  chmodSync(file, 0o600);
  const key = readFileSync(file, "utf8").trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new Error(`${file}: expected a 0x-prefixed 32-byte hex key`);
  const { publicKey, address } = nodeIdentity(key);
  writeFileSync(path.join(dir, "key.pub"), `0x${publicKey}\n`);
  writeFileSync(path.join(dir, "address"), `${address}\n`);
  return key;
}

/** An account address from its signer source: the key in its environment variable (never printed). */
function accountOf(source: SignerSource, who: string): string {
  if (!("privateKeyEnv" in source)) throw new Error(`${who}: a Besu network takes keys from environment variables`);
  const key = process.env[source.privateKeyEnv];
  if (key === undefined || !/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new Error(`${who}: expected ${source.privateKeyEnv} to hold its 0x-prefixed 32-byte key`);
  }
  return computeAddress(key);
}

/** What a kit run produced, and the validator votes a running network still needs. */
export interface Kit {
  readonly validators: string[];
  readonly enodes: string[];
  /** The genesis was there already and was kept (a running network's genesis never changes). */
  readonly genesisKept: boolean;
  /** Voting members whose validators the kept genesis lacks: the running validators vote them in. */
  readonly voteIn: string[];
  /** Validators of the kept genesis that no voting member runs any more: voted out. */
  readonly voteOut: string[];
}

/** The QBFT vote an operator sends to each running validator's RPC (a majority of them must). */
function voteCommand(validator: string, add: boolean): string {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "qbft_proposeValidatorVote", params: [validator, add] });
  return `curl -s -X POST -H 'content-type: application/json' --data '${body}' http://<validator>:8545`;
}

export function generateKit(config: NetworkConfig, out: string): Kit {
  const besu = config.besu;
  if (besu === undefined) throw new Error(`deploy/networks/${config.network}.json has no "besu" section`);
  const voting = config.members.filter((m) => m.voting);
  const validatorKeys = voting.map((m) => nodeKey(path.join(out, "validators", m.name)));
  const rpcKey = nodeKey(path.join(out, "rpc"));
  const validators = validatorKeys.map((k) => nodeIdentity(k).address);
  const enodes = [
    ...validatorKeys.map((k, i) =>
      enodeUrl(nodeIdentity(k).publicKey, hostAddress(besu.subnet, ADDRESSES.validator(i))),
    ),
    enodeUrl(nodeIdentity(rpcKey).publicKey, hostAddress(besu.subnet, ADDRESSES.rpcNode)),
  ];
  const accounts = [
    accountOf(config.deployer, "deployer"),
    ...config.members.map((m) => accountOf(m.signer, `member ${m.name}`)),
  ];
  const genesis = qbftGenesis({
    chainId: besu.chainId,
    validators,
    blockPeriodSeconds: besu.blockPeriodSeconds,
    epochLength: besu.epochLength,
    requestTimeoutSeconds: besu.requestTimeoutSeconds,
    timestamp: 0,
    gasLimit: BigInt(besu.gasLimit),
  });
  const genesisFile = path.join(out, "genesis.json");
  const genesisKept = existsSync(genesisFile);
  if (!genesisKept) writeFileSync(genesisFile, `${JSON.stringify(genesis, null, 2)}\n`);
  const genesisValidators = genesisKept
    ? qbftValidatorsOf(String((JSON.parse(readFileSync(genesisFile, "utf8")) as { extraData: unknown }).extraData))
    : validators.map((v) => getAddress(v));
  const current = new Set(validators.map((v) => getAddress(v)));
  const voteIn = sortValidators([...current].filter((v) => !genesisValidators.includes(v)));
  const voteOut = sortValidators(genesisValidators.filter((v) => !current.has(v)));
  writeFileSync(path.join(out, "static-nodes.json"), `${JSON.stringify(enodes, null, 2)}\n`);
  writeFileSync(path.join(out, "permissions_config.toml"), permissionsToml(enodes, accounts));
  const input: ComposeInput = {
    network: config.network,
    besuVersion: besu.version,
    subnet: besu.subnet,
    repoRoot: path.relative(out, ROOT) || ".",
    validators: voting.map((m) => m.name),
    members: config.members,
  };
  writeFileSync(
    path.join(out, "docker-compose.yml"),
    `# Generated by scripts/besu-kit.ts from deploy/networks/${config.network}.json: do not edit by hand.\n` +
      stringify(composeFile(input), { lineWidth: 0 }),
  );
  writeFileSync(
    path.join(out, "README.md"),
    [
      `# Besu QBFT kit: ${config.network}`,
      "",
      `Generated by \`scripts/besu-kit.ts\` from \`deploy/networks/${config.network}.json\`. Validators (ascending):`,
      ...sortValidators(validators).map((v) => `- ${v}`),
      "",
      "1. `docker-compose up -d rpc-node` (starts the validators it depends on).",
      `2. Deploy the contracts: \`npx hardhat run deploy/deploy-consortium.ts --network ${config.network}\` with every`,
      "   ABS_KEY_* set; then `export ABS_REGISTRY=<ConsortiumRegistry>` and `ABS_PLEDGE_REGISTRY=<PledgeRegistry>`",
      "   (both from the address book).",
      "3. Put each member's key at `secrets/<member>.key` (0600), the operator token at `secrets/operator-token` and",
      "   the regulator's pledge key (64 hex digits, `openssl rand -hex 32`) at `secrets/pledge.key` (0600),",
      "   export ABS_REGULATOR_KEY, then `docker-compose up -d` (member nodes and the indexer).",
      "4. Optionally `ABS_GRAPH_DB_PASSWORD=... docker-compose --profile graph up -d` (graph-node + subgraph).",
      "",
      ...(voteIn.length + voteOut.length === 0
        ? []
        : [
            "## Validator votes this network still needs",
            "",
            "The genesis was kept (a running network's genesis never changes). Send each vote to more than half of",
            "the running validators' RPC (their QBFT API), then check `qbft_getValidatorsByBlockNumber` at `latest`:",
            "",
            ...voteIn.map((v) => `- vote in ${v}: \`${voteCommand(v, true)}\``),
            ...voteOut.map((v) => `- vote out ${v}: \`${voteCommand(v, false)}\``),
            "",
          ]),
    ].join("\n"),
  );
  return { validators: sortValidators(validators), enodes, genesisKept, voteIn, voteOut };
}

if (require.main === module) {
  const network = argument("network", "besu");
  const out = path.resolve(argument("out", path.join(ROOT, "deploy", "besu", "generated", network)));
  try {
    const kit = generateKit(loadNetworkConfig(network), out);
    console.log(`wrote the ${network} kit to ${out}: ${kit.validators.length} validators, ${kit.enodes.length} nodes`);
    if (kit.genesisKept) console.log("kept the existing genesis.json (a running network's genesis never changes)");
    for (const v of kit.voteIn) console.log(`validator to vote in:  ${v} (see ${path.join(out, "README.md")})`);
    for (const v of kit.voteOut) console.log(`validator to vote out: ${v} (see ${path.join(out, "README.md")})`);
  } catch (error) {
    console.error(`besu-kit: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

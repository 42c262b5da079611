/**
 * The docker-compose file of a Besu QBFT consortium, from the same member list as its genesis: one Besu validator
 * per voting member, one Besu RPC node (not a validator) that the members' nodes and the indexer use, a member node
 * per member and the regulator's indexer with its dashboard; a `graph` profile adds Postgres, IPFS and graph-node
 * with a job deploying `subgraph/`. Every container has a static address on a private /24: Besu's enode URLs and
 * allowlists name IP addresses, not host names.
 */
import { INDEXER_NODE_FLAGS } from "@abs/indexer";
import { type MemberConfig } from "../config";

export interface ComposeInput {
  readonly network: string;
  readonly besuVersion: string;
  /** e.g. "172.28.0.0/24". */
  readonly subnet: string;
  /** The repository root, relative to the compose file (the member nodes and the indexer run its built packages). */
  readonly repoRoot: string;
  /** Voting members, in the validators' order (their key directories are `validators/<name>`). */
  readonly validators: readonly string[];
  readonly members: readonly MemberConfig[];
}

/** The static address of host number `n` on the subnet ("172.28.0.0/24", 5 → "172.28.0.5"). */
export function hostAddress(subnet: string, n: number): string {
  if (n < 2 || n > 254) throw new Error(`host number ${n} is outside 2..254`);
  return subnet.replace(/\.0\/24$/, `.${n}`);
}

/** Address plan: the RPC node at .5, validators from .10, member nodes from .100, the indexer at .200. */
export const ADDRESSES = {
  rpcNode: 5,
  validator: (i: number) => 10 + i,
  memberNode: (i: number) => 100 + i,
  indexer: 200,
} as const;

export const MEMBER_NODE_PORT = 8700;
export const INDEXER_PORT = 4350;
const P2P_PORT = 30303;
const RPC_PORT = 8545;

/** The environment of member `member`'s node (the member's key is a compose secret, never in the environment). */
export function memberNodeEnvironment(input: ComposeInput, member: MemberConfig): Record<string, string> {
  return {
    ABS_NODE_ROLE: member.roles[0] ?? "INVESTOR",
    ABS_NODE_MEMBER_ID: member.memberId,
    ABS_NODE_LISTEN: `0.0.0.0:${MEMBER_NODE_PORT}`,
    ABS_NODE_RPC_URL: `http://${hostAddress(input.subnet, ADDRESSES.rpcNode)}:${RPC_PORT}`,
    ABS_NODE_REGISTRY:
      "${ABS_REGISTRY:?deploy the contracts first and set ABS_REGISTRY (deploy/addresses/" + input.network + ".json)}",
    ABS_NODE_DATA_DIR: "/data",
    ABS_NODE_KEY_FILE: `/run/secrets/${member.name}-key`,
    ABS_NODE_OPERATOR_TOKEN_FILE: "/run/secrets/operator-token",
    // QBFT blocks are final once sealed.
    ABS_NODE_CONFIRMATIONS: "1",
    ...pledgeEnvironment(input, member),
  };
}

/**
 * The pledge registry: the regulator's node is the key service (its secret `pledge-key`), every originator's node
 * fingerprints its tapes' loans through it.
 */
function pledgeEnvironment(input: ComposeInput, member: MemberConfig): Record<string, string> {
  const registry =
    "${ABS_PLEDGE_REGISTRY:?deploy the contracts first and set ABS_PLEDGE_REGISTRY (deploy/addresses/" +
    input.network +
    ".json)}";
  if (member.roles[0] === "REGULATOR")
    return { ABS_NODE_PLEDGE_REGISTRY: registry, ABS_NODE_PLEDGE_KEY_FILE: "/run/secrets/pledge-key" };
  const regulator = input.members.findIndex((m) => m.roles[0] === "REGULATOR");
  if (member.roles[0] !== "ORIGINATOR" || regulator < 0) return {};
  return {
    ABS_NODE_PLEDGE_REGISTRY: registry,
    ABS_NODE_PLEDGE_SERVICE_URL: `http://${hostAddress(input.subnet, ADDRESSES.memberNode(regulator))}:${MEMBER_NODE_PORT}`,
    ABS_NODE_PLEDGE_SERVICE_MEMBER: input.members[regulator]?.memberId ?? "",
  };
}

/** The regulator's indexer: the RPC node, the deployment's address book, the originator's node for loan tapes. */
export function indexerEnvironment(input: ComposeInput): Record<string, string> {
  const originator = input.members.findIndex((m) => m.roles.includes("ORIGINATOR"));
  const servicer = input.members.findIndex((m) => m.roles.includes("SERVICER"));
  const regulator = input.members.find((m) => m.roles.includes("REGULATOR"));
  const nodeUrl = (i: number) => `http://${hostAddress(input.subnet, ADDRESSES.memberNode(i))}:${MEMBER_NODE_PORT}`;
  return {
    ABS_INDEXER_RPC_URL: `http://${hostAddress(input.subnet, ADDRESSES.rpcNode)}:${RPC_PORT}`,
    ABS_INDEXER_ADDRESS_BOOK: `/app/deploy/addresses/${input.network}.json`,
    ABS_INDEXER_DATA_DIR: "/data",
    ABS_INDEXER_LISTEN: `0.0.0.0:${INDEXER_PORT}`,
    ABS_INDEXER_CONFIRMATIONS: "1",
    ...(originator < 0 ? {} : { ABS_INDEXER_MEMBER_NODE_URL: nodeUrl(originator) }),
    ...(originator < 0 ? {} : { ABS_INDEXER_MEMBER_NODE_ID: input.members[originator]?.memberId ?? "" }),
    ...(servicer < 0 ? {} : { ABS_INDEXER_SERVICER_NODE_URL: nodeUrl(servicer) }),
    ...(servicer < 0 ? {} : { ABS_INDEXER_SERVICER_NODE_ID: input.members[servicer]?.memberId ?? "" }),
    ...(regulator === undefined ? {} : { ABS_INDEXER_MEMBER_KEY_ENV: "ABS_REGULATOR_KEY" }),
    ABS_REGULATOR_KEY: "${ABS_REGULATOR_KEY:?the regulator's key signs the indexer's requests to member nodes}",
  };
}

/**
 * A Besu service. The RPC node serves the members (ETH, NET, WEB3, QBFT, TXPOOL; never PERM, which edits the
 * allowlists); a validator serves ETH, NET, QBFT and PERM on its private address only, for its operator: validator
 * votes (`qbft_proposeValidatorVote`) and reloading a changed allowlist (`perm_reloadPermissionsFromFile`).
 */
function besuService(input: ComposeInput, ip: string, keyDir: string, rpc: boolean): Record<string, unknown> {
  return {
    image: `hyperledger/besu:${input.besuVersion}`,
    restart: "unless-stopped",
    volumes: [
      "./genesis.json:/config/genesis.json:ro",
      "./static-nodes.json:/config/static-nodes.json:ro",
      "./permissions_config.toml:/config/permissions_config.toml:ro",
      `./${keyDir}:/keys:ro`,
    ],
    command: [
      "--genesis-file=/config/genesis.json",
      "--node-private-key-file=/keys/key",
      "--data-path=/data",
      `--p2p-host=${ip}`,
      `--p2p-port=${P2P_PORT}`,
      "--static-nodes-file=/config/static-nodes.json",
      "--discovery-enabled=false",
      "--permissions-nodes-config-file-enabled=true",
      "--permissions-nodes-config-file=/config/permissions_config.toml",
      "--permissions-accounts-config-file-enabled=true",
      "--permissions-accounts-config-file=/config/permissions_config.toml",
      "--min-gas-price=0",
      "--sync-mode=FULL",
      "--rpc-http-enabled=true",
      `--rpc-http-port=${RPC_PORT}`,
      ...(rpc
        ? ["--rpc-http-host=0.0.0.0", "--rpc-http-api=ETH,NET,WEB3,QBFT,TXPOOL", "--host-allowlist=*"]
        : [`--rpc-http-host=${ip}`, "--rpc-http-api=ETH,NET,QBFT,PERM", `--host-allowlist=${ip}`]),
    ],
    networks: { consortium: { ipv4_address: ip } },
  };
}

/** The compose document (serialise it with `yaml`). */
export function composeFile(input: ComposeInput): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  const volumes: Record<string, unknown> = {};
  input.validators.forEach((name, i) => {
    const service = `validator-${name}`;
    services[service] = {
      ...besuService(input, hostAddress(input.subnet, ADDRESSES.validator(i)), `validators/${name}`, false),
      volumes: [
        ...(besuService(input, "", `validators/${name}`, false)["volumes"] as string[]),
        `${service}-data:/data`,
      ],
    };
    volumes[`${service}-data`] = {};
  });
  const rpcIp = hostAddress(input.subnet, ADDRESSES.rpcNode);
  services["rpc-node"] = {
    ...besuService(input, rpcIp, "rpc", true),
    volumes: [...(besuService(input, rpcIp, "rpc", true)["volumes"] as string[]), "rpc-node-data:/data"],
    ports: [`127.0.0.1:${RPC_PORT}:${RPC_PORT}`],
    depends_on: input.validators.map((name) => `validator-${name}`),
  };
  volumes["rpc-node-data"] = {};
  const secrets: Record<string, unknown> = {
    "operator-token": { file: "${ABS_SECRETS_DIR:-./secrets}/operator-token" },
    "pledge-key": { file: "${ABS_SECRETS_DIR:-./secrets}/pledge.key" },
  };
  input.members.forEach((member, i) => {
    const service = `node-${member.name}`;
    secrets[`${member.name}-key`] = { file: `\${ABS_SECRETS_DIR:-./secrets}/${member.name}.key` };
    services[service] = {
      image: "node:20-bookworm-slim",
      restart: "unless-stopped",
      working_dir: "/app",
      command: ["node", "packages/node/dist/main.js"],
      environment: memberNodeEnvironment(input, member),
      secrets: [`${member.name}-key`, "operator-token", ...(member.roles[0] === "REGULATOR" ? ["pledge-key"] : [])],
      volumes: [`${input.repoRoot}:/app:ro`, `${service}-data:/data`],
      depends_on: ["rpc-node"],
      networks: { consortium: { ipv4_address: hostAddress(input.subnet, ADDRESSES.memberNode(i)) } },
    };
    volumes[`${service}-data`] = {};
  });
  services["indexer"] = {
    image: "node:20-bookworm-slim",
    restart: "unless-stopped",
    working_dir: "/app",
    command: ["node", ...INDEXER_NODE_FLAGS, "packages/indexer/dist/main.js"],
    environment: indexerEnvironment(input),
    volumes: [`${input.repoRoot}:/app:ro`, "indexer-data:/data"],
    ports: [`127.0.0.1:${INDEXER_PORT}:${INDEXER_PORT}`],
    depends_on: ["rpc-node"],
    networks: { consortium: { ipv4_address: hostAddress(input.subnet, ADDRESSES.indexer) } },
  };
  volumes["indexer-data"] = {};
  // The Graph, optional (`docker-compose --profile graph up`): graph-node indexing the same chain, fed subgraph/.
  services["postgres"] = {
    image: "postgres:16.4",
    profiles: ["graph"],
    environment: {
      POSTGRES_USER: "graph-node",
      POSTGRES_PASSWORD: "${ABS_GRAPH_DB_PASSWORD:?set a password for the graph-node database}",
      POSTGRES_DB: "graph-node",
      POSTGRES_INITDB_ARGS: "-E UTF8 --locale=C",
    },
    volumes: ["postgres-data:/var/lib/postgresql/data"],
    networks: { consortium: { ipv4_address: hostAddress(input.subnet, 210) } },
  };
  services["ipfs"] = {
    image: "ipfs/kubo:v0.29.0",
    profiles: ["graph"],
    volumes: ["ipfs-data:/data/ipfs"],
    networks: { consortium: { ipv4_address: hostAddress(input.subnet, 211) } },
  };
  services["graph-node"] = {
    image: "graphprotocol/graph-node:v0.35.1",
    profiles: ["graph"],
    depends_on: ["postgres", "ipfs", "rpc-node"],
    ports: ["127.0.0.1:8000:8000", "127.0.0.1:8020:8020"],
    environment: {
      postgres_host: hostAddress(input.subnet, 210),
      postgres_user: "graph-node",
      postgres_pass: "${ABS_GRAPH_DB_PASSWORD:?set a password for the graph-node database}",
      postgres_db: "graph-node",
      ipfs: `${hostAddress(input.subnet, 211)}:5001`,
      ethereum: `${input.network}:http://${rpcIp}:${RPC_PORT}`,
      GRAPH_LOG: "info",
    },
    networks: { consortium: { ipv4_address: hostAddress(input.subnet, 212) } },
  };
  services["subgraph-deploy"] = {
    image: "node:20-bookworm-slim",
    profiles: ["graph"],
    depends_on: ["graph-node"],
    working_dir: "/app/subgraph",
    command: [
      "sh",
      "-c",
      `npx graph create --node http://${hostAddress(input.subnet, 212)}:8020 abs/consortium && ` +
        `npx graph deploy --node http://${hostAddress(input.subnet, 212)}:8020 --ipfs http://${hostAddress(input.subnet, 211)}:5001 --network ${input.network} --version-label v1 abs/consortium`,
    ],
    volumes: [`${input.repoRoot}:/app`],
    networks: { consortium: { ipv4_address: hostAddress(input.subnet, 213) } },
  };
  volumes["postgres-data"] = {};
  volumes["ipfs-data"] = {};
  return {
    version: "3.8",
    services,
    networks: { consortium: { driver: "bridge", ipam: { config: [{ subnet: input.subnet }] } } },
    volumes,
    secrets,
  };
}

/**
 * The member node's configuration, read from environment variables and parsed with zod at the
 * boundary. Errors name the variable, what was expected and what was found (never a key's value).
 *
 * | variable                    | meaning                                              | default          |
 * |-----------------------------|------------------------------------------------------|------------------|
 * | ABS_NODE_ROLE               | this member's role (ORIGINATOR, TRUSTEE, ...)        | required         |
 * | ABS_NODE_MEMBER_ID          | this member's registered id, e.g. ORIG-HUAXIA-CF     | required         |
 * | ABS_NODE_LISTEN             | host:port to listen on                               | 127.0.0.1:8700   |
 * | ABS_NODE_RPC_URL            | JSON-RPC URL of a chain node                         | required         |
 * | ABS_NODE_REGISTRY           | ConsortiumRegistry address                           | required         |
 * | ABS_NODE_DATA_DIR           | LevelDB directory                                    | required         |
 * | ABS_NODE_KEY_ENV            | name of the env variable holding the member's key    | one of these     |
 * | ABS_NODE_KEY_FILE           | file holding the member's 0x key (mode 0600)         | four key         |
 * | ABS_NODE_KEYSTORE_FILE      | encrypted JSON keystore (ethers/geth format)         |                  |
 * | ABS_NODE_HARDHAT_ACCOUNT    | Hardhat dev account index (local chains only)        | sources          |
 * | ABS_NODE_KEYSTORE_PASSWORD_FILE | file holding the keystore's password             | with KEYSTORE    |
 * | ABS_NODE_KEYSTORE_PASSWORD_ENV  | or: name of the env variable holding it          |                  |
 * | ABS_NODE_CONFIRMATIONS      | blocks a transaction needs before it counts          | 1                |
 * | ABS_NODE_TX_TIMEOUT_MS      | wait for confirmations before answering "pending"    | 120000           |
 * | ABS_NODE_RECEIPT_POLL_MS    | receipt polling interval of the chain bridge, ms     | 250              |
 * | ABS_NODE_RPC_ATTEMPTS       | attempts per RPC call (exponential backoff)          | 6                |
 * | ABS_NODE_OPERATOR_TOKEN_FILE| file holding the operator API bearer token           | none: disabled   |
 * | ABS_NODE_TAPE_KEY_FILE      | master key (hex): the originator's pseudonyms and tape salts, the servicer's loan-state salts | none: no uploads, no reports |
 * | ABS_NODE_MAX_UPLOAD_ERRORS  | errors reported (and reading stopped) per bad upload | 1000             |
 * | ABS_NODE_UPLOAD_ROW_WORKERS | worker threads checking an upload's rows (0: none)   | cores, at most 4 |
 * | ABS_NODE_WINDOW_MS          | allowed clock distance of signed requests            | 60000            |
 * | ABS_NODE_LOAN_LEVEL_ROLES   | comma list of roles that read loan-level data        | TRUSTEE,REGULATOR|
 * | ABS_NODE_AGGREGATE_ROLES    | comma list of roles that read aggregates only        | INVESTOR         |
 * | ABS_NODE_CASH_TOKEN         | CashToken address: a CUSTODIAN node runs its bank ledger | none      |
 * | ABS_NODE_DVP                | DvPSettlement address: the node submits matched trades | none: no DvP |
 * | ABS_NODE_LOG_LEVEL          | pino level                                           | info             |
 */
import { z } from "zod";
import { ROLE_NAMES } from "@abs/core";
import { ConfigError } from "./errors";

const roleList = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((r) => r.trim())
      .filter((r) => r.length > 0),
  )
  .pipe(z.array(z.enum(ROLE_NAMES, { error: `expected role names from ${ROLE_NAMES.join(", ")}` })));

const listen = z
  .string()
  .regex(/^[^\s:]+:\d{1,5}$/, "expected host:port, e.g. 127.0.0.1:8700")
  .transform((s) => {
    const at = s.lastIndexOf(":");
    return { host: s.slice(0, at), port: Number(s.slice(at + 1)) };
  })
  .refine((l) => l.port <= 65_535, "expected a port between 0 and 65535");

const envSchema = z
  .object({
    ABS_NODE_ROLE: z.enum(ROLE_NAMES, { error: `expected one of ${ROLE_NAMES.join(", ")}` }),
    ABS_NODE_MEMBER_ID: z
      .string()
      .regex(/^[\x21-\x7e]{1,31}$/, "expected a member id of 1-31 printable ASCII characters"),
    ABS_NODE_LISTEN: listen.default({ host: "127.0.0.1", port: 8700 }),
    ABS_NODE_RPC_URL: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }),
    ABS_NODE_REGISTRY: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed contract address"),
    ABS_NODE_DATA_DIR: z.string().min(1, "expected a directory path"),
    ABS_NODE_KEY_ENV: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, "expected an environment variable name")
      .optional(),
    ABS_NODE_HARDHAT_ACCOUNT: z.coerce.number().int().min(0).max(19).optional(),
    ABS_NODE_KEY_FILE: z.string().min(1).optional(),
    ABS_NODE_KEYSTORE_FILE: z.string().min(1).optional(),
    ABS_NODE_KEYSTORE_PASSWORD_FILE: z.string().min(1).optional(),
    ABS_NODE_KEYSTORE_PASSWORD_ENV: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, "expected an environment variable name")
      .optional(),
    ABS_NODE_CONFIRMATIONS: z.coerce.number().int().min(1).max(64).default(1),
    ABS_NODE_TX_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
    ABS_NODE_RECEIPT_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(250),
    ABS_NODE_RPC_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    ABS_NODE_OPERATOR_TOKEN_FILE: z.string().min(1).optional(),
    ABS_NODE_TAPE_KEY_FILE: z.string().min(1).optional(),
    ABS_NODE_MAX_UPLOAD_ERRORS: z.coerce.number().int().min(1).max(100_000).default(1_000),
    ABS_NODE_UPLOAD_ROW_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
    ABS_NODE_WINDOW_MS: z.coerce.number().int().min(1_000).max(600_000).default(60_000),
    ABS_NODE_LOAN_LEVEL_ROLES: roleList.default(["TRUSTEE", "REGULATOR"]),
    ABS_NODE_AGGREGATE_ROLES: roleList.default(["INVESTOR"]),
    ABS_NODE_CASH_TOKEN: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed contract address")
      .optional(),
    ABS_NODE_PLEDGE_REGISTRY: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed contract address")
      .optional(),
    ABS_NODE_PLEDGE_KEY_FILE: z.string().min(1).optional(),
    ABS_NODE_PLEDGE_SERVICE_URL: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).optional(),
    ABS_NODE_PLEDGE_SERVICE_MEMBER: z.string().min(1).optional(),
    ABS_NODE_DVP: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed contract address")
      .optional(),
    ABS_NODE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    const sources = [
      env.ABS_NODE_KEY_ENV,
      env.ABS_NODE_HARDHAT_ACCOUNT,
      env.ABS_NODE_KEYSTORE_FILE,
      env.ABS_NODE_KEY_FILE,
    ].filter((s) => s !== undefined).length;
    if (sources !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["ABS_NODE_KEY_ENV"],
        message: `expected exactly one key source (ABS_NODE_KEY_ENV, ABS_NODE_KEY_FILE, ABS_NODE_KEYSTORE_FILE or ABS_NODE_HARDHAT_ACCOUNT), found ${sources}`,
      });
    }
    const passwords = [env.ABS_NODE_KEYSTORE_PASSWORD_FILE, env.ABS_NODE_KEYSTORE_PASSWORD_ENV].filter(
      (s) => s !== undefined,
    ).length;
    if ((env.ABS_NODE_PLEDGE_SERVICE_URL === undefined) !== (env.ABS_NODE_PLEDGE_SERVICE_MEMBER === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["ABS_NODE_PLEDGE_SERVICE_URL"],
        message: "expected the pledge key service's URL and member id together (ABS_NODE_PLEDGE_SERVICE_MEMBER)",
      });
    }
    if (env.ABS_NODE_KEYSTORE_FILE !== undefined && passwords !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["ABS_NODE_KEYSTORE_PASSWORD_FILE"],
        message: `expected exactly one keystore password source (ABS_NODE_KEYSTORE_PASSWORD_FILE or ABS_NODE_KEYSTORE_PASSWORD_ENV), found ${passwords}`,
      });
    }
  });

export type KeySource =
  | { readonly privateKeyEnv: string }
  /** A file holding the 0x-prefixed key; refused when group or others may read it. */
  | { readonly privateKeyFile: string }
  | { readonly hardhatAccount: number }
  | { readonly keystoreFile: string; readonly password: { readonly file: string } | { readonly env: string } };

export interface NodeConfig {
  readonly role: (typeof ROLE_NAMES)[number];
  readonly memberId: string;
  readonly listen: { readonly host: string; readonly port: number };
  readonly rpcUrl: string;
  readonly registry: string;
  readonly dataDir: string;
  readonly key: KeySource;
  readonly windowMs: number;
  readonly policy: {
    readonly loanLevelRoles: readonly (typeof ROLE_NAMES)[number][];
    readonly aggregateRoles: readonly (typeof ROLE_NAMES)[number][];
  };
  readonly logLevel: string;
  readonly chain: {
    readonly confirmations: number;
    readonly txTimeoutMs: number;
    readonly receiptPollMs: number;
    readonly rpcAttempts: number;
  };
  /** File holding the operator API's bearer token; without it the operator routes are off. */
  readonly operatorTokenFile?: string;
  /** The originator's master key file (hex): without it the node does not take tape uploads. */
  readonly tapeKeyFile?: string;
  readonly maxUploadErrors: number;
  /** Worker threads checking and hashing an upload's rows; default: the tape upload's (cores - 1, 1 to 4). */
  readonly uploadRowWorkers?: number;
  /** The cash token: a CUSTODIAN node with it records bank movements and mints/burns to match. */
  readonly cashToken?: string;
  /** The DvP settlement contract: with it the node submits matched order pairs (operator route). */
  readonly dvp?: string;
  /**
   * The consortium's pledge registry. An ORIGINATOR node registers its tapes' loans for pools that set a pledge
   * policy (through `pledgeService`); a REGULATOR node with `pledgeKeyFile` is the key service: it publishes its
   * key there at start (while none is) and evaluates originators' blinded loan identities.
   */
  readonly pledgeRegistry?: string;
  /** The key service's secret pledge key (64 hex digits, mode 0600): a REGULATOR node serves fingerprints with it. */
  readonly pledgeKeyFile?: string;
  /** The key service's node, for an ORIGINATOR node. */
  readonly pledgeService?: { readonly url: string; readonly memberId: string };
}

/** Parse the node configuration from `env`; throws ConfigError listing every bad variable. */
export function parseNodeConfig(env: Readonly<Record<string, string | undefined>>): NodeConfig {
  // Empty variables count as unset, so `FOO= node main.js` falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("ABS_NODE_") && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "environment");
        const found = name.startsWith("ABS_NODE_") ? present[name] : undefined;
        const shown = name === "ABS_NODE_KEY_ENV" || found === undefined ? "" : `, found "${found}"`;
        return `${name}: ${found === undefined && issue.code === "invalid_type" ? "is required" : issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    role: e.ABS_NODE_ROLE,
    memberId: e.ABS_NODE_MEMBER_ID,
    listen: e.ABS_NODE_LISTEN,
    rpcUrl: e.ABS_NODE_RPC_URL,
    registry: e.ABS_NODE_REGISTRY,
    dataDir: e.ABS_NODE_DATA_DIR,
    key:
      e.ABS_NODE_KEY_ENV !== undefined
        ? { privateKeyEnv: e.ABS_NODE_KEY_ENV }
        : e.ABS_NODE_KEY_FILE !== undefined
          ? { privateKeyFile: e.ABS_NODE_KEY_FILE }
          : e.ABS_NODE_KEYSTORE_FILE !== undefined
            ? {
                keystoreFile: e.ABS_NODE_KEYSTORE_FILE,
                password:
                  e.ABS_NODE_KEYSTORE_PASSWORD_FILE !== undefined
                    ? { file: e.ABS_NODE_KEYSTORE_PASSWORD_FILE }
                    : { env: e.ABS_NODE_KEYSTORE_PASSWORD_ENV ?? "" },
              }
            : { hardhatAccount: e.ABS_NODE_HARDHAT_ACCOUNT ?? 0 },
    windowMs: e.ABS_NODE_WINDOW_MS,
    policy: { loanLevelRoles: e.ABS_NODE_LOAN_LEVEL_ROLES, aggregateRoles: e.ABS_NODE_AGGREGATE_ROLES },
    logLevel: e.ABS_NODE_LOG_LEVEL,
    chain: {
      confirmations: e.ABS_NODE_CONFIRMATIONS,
      txTimeoutMs: e.ABS_NODE_TX_TIMEOUT_MS,
      receiptPollMs: e.ABS_NODE_RECEIPT_POLL_MS,
      rpcAttempts: e.ABS_NODE_RPC_ATTEMPTS,
    },
    ...(e.ABS_NODE_OPERATOR_TOKEN_FILE === undefined ? {} : { operatorTokenFile: e.ABS_NODE_OPERATOR_TOKEN_FILE }),
    ...(e.ABS_NODE_TAPE_KEY_FILE === undefined ? {} : { tapeKeyFile: e.ABS_NODE_TAPE_KEY_FILE }),
    maxUploadErrors: e.ABS_NODE_MAX_UPLOAD_ERRORS,
    ...(e.ABS_NODE_UPLOAD_ROW_WORKERS === undefined ? {} : { uploadRowWorkers: e.ABS_NODE_UPLOAD_ROW_WORKERS }),
    ...(e.ABS_NODE_CASH_TOKEN === undefined ? {} : { cashToken: e.ABS_NODE_CASH_TOKEN }),
    ...(e.ABS_NODE_DVP === undefined ? {} : { dvp: e.ABS_NODE_DVP }),
    ...(e.ABS_NODE_PLEDGE_REGISTRY === undefined ? {} : { pledgeRegistry: e.ABS_NODE_PLEDGE_REGISTRY }),
    ...(e.ABS_NODE_PLEDGE_KEY_FILE === undefined ? {} : { pledgeKeyFile: e.ABS_NODE_PLEDGE_KEY_FILE }),
    ...(e.ABS_NODE_PLEDGE_SERVICE_URL === undefined || e.ABS_NODE_PLEDGE_SERVICE_MEMBER === undefined
      ? {}
      : { pledgeService: { url: e.ABS_NODE_PLEDGE_SERVICE_URL, memberId: e.ABS_NODE_PLEDGE_SERVICE_MEMBER } }),
  };
}

import { z } from "zod";
import { type ForecastBook, loadForecasts } from "./forecasts";
import { ConfigError } from "./errors";

const metric = z.enum([
  "cprBps",
  "cdrBps",
  "delinquent30Bps",
  "delinquent60Bps",
  "delinquent90PlusBps",
  "cumulativeNetLossBps",
  "overcollateralizationBps",
]);
/** How urgent an alert is: what to look at first (a reconciliation break is always critical). */
export const ALERT_SEVERITIES = ["critical", "warning", "info"] as const;

export const alertRuleSchema = z
  .object({
    metric,
    direction: z.enum(["above", "below"]),
    threshold: z.number().int(),
    severity: z.enum(ALERT_SEVERITIES).default("warning"),
  })
  .strict();
export type AlertRule = z.infer<typeof alertRuleSchema>;

/** Default alert rules: thresholds a trustee would watch on a consumer-loan deal. */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  { metric: "delinquent90PlusBps", direction: "above", threshold: 300, severity: "warning" },
  { metric: "cdrBps", direction: "above", threshold: 500, severity: "warning" },
  // Losses eat the credit enhancement: the one default rule that is critical.
  { metric: "cumulativeNetLossBps", direction: "above", threshold: 200, severity: "critical" },
];

const envSchema = z.object({
  ABS_INDEXER_RPC_URL: z.string().url(),
  ABS_INDEXER_ADDRESS_BOOK: z.string().min(1),
  ABS_INDEXER_DATA_DIR: z.string().min(1),
  ABS_INDEXER_LISTEN: z
    .string()
    .regex(/^[^:]+:\d+$/, "expected host:port")
    .default("127.0.0.1:4350"),
  ABS_INDEXER_ARTIFACTS: z.string().min(1).optional(),
  ABS_INDEXER_CONFIRMATIONS: z.coerce.number().int().min(0).max(1000).default(0),
  ABS_INDEXER_REORG_WINDOW: z.coerce.number().int().min(1).max(100_000).default(256),
  ABS_INDEXER_START_BLOCK: z.coerce.number().int().min(0).default(0),
  ABS_INDEXER_POLL_MS: z.coerce.number().int().min(10).default(1000),
  ABS_INDEXER_MAX_LOGS: z.coerce.number().int().min(1).max(10_000).default(2000),
  ABS_INDEXER_ALERTS: z.string().optional(),
  /** JSON { "<pool address>": "<abs project --json output>" }: forecasts to compare reported periods against */
  ABS_INDEXER_FORECASTS: z.string().optional(),
  ABS_INDEXER_MEMBER_NODE_URL: z.string().url().optional(),
  ABS_INDEXER_MEMBER_NODE_ID: z.string().min(1).max(64).optional(),
  /** Name of the env variable holding the member's private key (the key itself is never in config). */
  ABS_INDEXER_MEMBER_KEY_ENV: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, "expected an env variable name")
    .optional(),
  /** Development only: a Hardhat dev account index as the member key. */
  ABS_INDEXER_MEMBER_HARDHAT_ACCOUNT: z.coerce.number().int().min(0).max(19).optional(),
  ABS_INDEXER_LOAN_IDS_FILE: z.string().min(1).optional(),
  ABS_INDEXER_SERVICER_NODE_URL: z.string().url().optional(),
  ABS_INDEXER_SERVICER_NODE_ID: z.string().min(1).max(64).optional(),
  ABS_INDEXER_LOAN_REFRESH_MS: z.coerce.number().int().min(1000).default(60_000),
  /** host[:port] that sign-in messages must name (default: the listen address) */
  ABS_INDEXER_AUTH_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "expected host or host:port")
    .optional(),
  ABS_INDEXER_SESSION_TTL_S: z.coerce.number().int().min(60).max(86_400).default(3_600),
  /** How long the registry's answer about a caller is reused (0: asked at every request) */
  ABS_INDEXER_MEMBER_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** Serve chain-derived data to callers without a session (never loan data); off unless "true" */
  ABS_INDEXER_OPEN_READ: z.enum(["true", "false"]).default("false"),
  ABS_INDEXER_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** Where the member's signing key comes from (never the key itself). */
export type MemberKeySource = { privateKeyEnv: string } | { hardhatAccount: number };

/** The entitled member node the loan book joins loan-level records from. */
export interface MemberNodeConfig {
  baseUrl: string;
  memberId: string;
  key: MemberKeySource;
  /**
   * Optional override: JSON file `{ "<pool>": { "<version>": ["loanId", ...] } }`, the only loans to join of
   * the tapes it lists (fetched one by one, each with its proof). Without it (and for tapes it does not
   * list) the whole tape is joined from the node page by page.
   */
  loanIdsFile?: string;
  /** How often anchored tapes are re-joined (new versions, records changed on the node). */
  refreshMs: number;
  /**
   * The servicer's node, which serves each reported period's loan states (asked with the same member key): every
   * period report on chain is joined from it, each state verified against the report's anchored loan-state root.
   */
  servicerNode?: { baseUrl: string; memberId: string };
}

/** Everything the indexer needs to run, parsed at start. */
export interface IndexerConfig {
  rpcUrl: string;
  addressBook: string;
  dataDir: string;
  listen: { host: string; port: number };
  artifactsDir: string | undefined;
  /** Blocks behind the head the indexer stays (0 = index the head). */
  confirmations: number;
  /** Blocks of undo records kept: the deepest reorg the indexer can undo. */
  reorgWindow: number;
  startBlock: number;
  pollMs: number;
  /** Most logs one eth_getLogs request may return (TOOLCHAIN.md: <= 2,000). */
  maxLogsPerRequest: number;
  alertRules: AlertRule[];
  /** Pool forecasts (ABS_INDEXER_FORECASTS), read at start */
  forecasts: ForecastBook;
  logLevel: string;
  /** Set when the indexer runs beside an entitled member's node (all of ABS_INDEXER_MEMBER_* given). */
  memberNode: MemberNodeConfig | undefined;
  auth: {
    /** What sign-in messages must name; undefined: the address the indexer listens on */
    domain: string | undefined;
    sessionTtlMs: number;
    /** How long the registry's answer about a caller is reused: a suspension takes effect within it */
    memberCacheMs: number;
    /** Chain-derived data without a session (never loan data) */
    openRead: boolean;
  };
}

/** Parse the environment; a bad value names the variable, what was expected and what was found. */
export function parseIndexerConfig(env: Record<string, string | undefined>): IndexerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.join(".")}: ${i.message} (found ${JSON.stringify(env[String(i.path[0])])})`)
      .join("; ");
    throw new ConfigError("CONFIG_INVALID", `invalid indexer configuration: ${detail}`);
  }
  const e = parsed.data;
  let alertRules: AlertRule[] = [...DEFAULT_ALERT_RULES];
  if (e.ABS_INDEXER_ALERTS !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(e.ABS_INDEXER_ALERTS);
    } catch (cause) {
      throw new ConfigError("CONFIG_INVALID", "ABS_INDEXER_ALERTS: expected a JSON array of rules", { cause });
    }
    const rules = z.array(alertRuleSchema).safeParse(json);
    if (!rules.success) {
      throw new ConfigError(
        "CONFIG_INVALID",
        `ABS_INDEXER_ALERTS: ${rules.error.issues.map((i) => `[${i.path.join(".")}] ${i.message}`).join("; ")}`,
      );
    }
    alertRules = rules.data;
  }
  const memberNode = parseMemberNode(e);
  const [host = "127.0.0.1", port = "0"] = e.ABS_INDEXER_LISTEN.split(":");
  return {
    rpcUrl: e.ABS_INDEXER_RPC_URL,
    addressBook: e.ABS_INDEXER_ADDRESS_BOOK,
    dataDir: e.ABS_INDEXER_DATA_DIR,
    listen: { host, port: Number(port) },
    artifactsDir: e.ABS_INDEXER_ARTIFACTS,
    confirmations: e.ABS_INDEXER_CONFIRMATIONS,
    reorgWindow: e.ABS_INDEXER_REORG_WINDOW,
    startBlock: e.ABS_INDEXER_START_BLOCK,
    pollMs: e.ABS_INDEXER_POLL_MS,
    maxLogsPerRequest: e.ABS_INDEXER_MAX_LOGS,
    alertRules,
    forecasts: loadForecasts(e.ABS_INDEXER_FORECASTS),
    logLevel: e.ABS_INDEXER_LOG_LEVEL,
    memberNode,
    auth: {
      domain: e.ABS_INDEXER_AUTH_DOMAIN,
      sessionTtlMs: e.ABS_INDEXER_SESSION_TTL_S * 1000,
      memberCacheMs: e.ABS_INDEXER_MEMBER_CACHE_MS,
      openRead: e.ABS_INDEXER_OPEN_READ === "true",
    },
  };
}

function parseMemberNode(e: z.infer<typeof envSchema>): MemberNodeConfig | undefined {
  const url = e.ABS_INDEXER_MEMBER_NODE_URL;
  if (url === undefined) return undefined;
  const missing: string[] = [];
  if (e.ABS_INDEXER_MEMBER_NODE_ID === undefined) missing.push("ABS_INDEXER_MEMBER_NODE_ID");
  const keyEnv = e.ABS_INDEXER_MEMBER_KEY_ENV;
  const account = e.ABS_INDEXER_MEMBER_HARDHAT_ACCOUNT;
  if ((keyEnv === undefined) === (account === undefined)) {
    missing.push("exactly one of ABS_INDEXER_MEMBER_KEY_ENV, ABS_INDEXER_MEMBER_HARDHAT_ACCOUNT");
  }
  const memberId = e.ABS_INDEXER_MEMBER_NODE_ID;
  const loanIdsFile = e.ABS_INDEXER_LOAN_IDS_FILE;
  const servicerUrl = e.ABS_INDEXER_SERVICER_NODE_URL;
  const servicerId = e.ABS_INDEXER_SERVICER_NODE_ID;
  if ((servicerUrl === undefined) !== (servicerId === undefined)) {
    missing.push("both ABS_INDEXER_SERVICER_NODE_URL and ABS_INDEXER_SERVICER_NODE_ID, or neither");
  }
  if (missing.length > 0 || memberId === undefined) {
    throw new ConfigError(
      "CONFIG_INVALID",
      `ABS_INDEXER_MEMBER_NODE_URL is set, so these are needed too: ${missing.join(", ")}`,
    );
  }
  return {
    baseUrl: url,
    memberId,
    key: keyEnv !== undefined ? { privateKeyEnv: keyEnv } : { hardhatAccount: account ?? 0 },
    ...(loanIdsFile === undefined ? {} : { loanIdsFile }),
    ...(servicerUrl === undefined || servicerId === undefined
      ? {}
      : { servicerNode: { baseUrl: servicerUrl, memberId: servicerId } }),
    refreshMs: e.ABS_INDEXER_LOAN_REFRESH_MS,
  };
}

import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ROLE_NAMES, generateLoans, type LoanRecord, type RoleName } from "@abs/core";

/**
 * The deployment configuration of one network: `deploy/networks/<network>.json`.
 * Parsed here, at the boundary; everything downstream trusts the typed value.
 */

/** A decimal fraction such as "0.0285", kept as a string so it converts to fixed point exactly. */
const decimalFraction = z
  .string()
  .regex(/^(0|1)(\.\d{1,18})?$/, 'expected a decimal between 0 and 1 with at most 18 places, e.g. "0.0285"');

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected an ISO date yyyy-mm-dd");

/** How the deployment gets a member's signing key. */
const signerSource = z.union([
  z.object({ hardhatAccount: z.number().int().min(0).max(19) }).strict(),
  z.object({ privateKeyEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "expected an environment variable name") }).strict(),
]);
export type SignerSource = z.infer<typeof signerSource>;

const memberSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a lower-case name such as "investor-1"'),
    memberId: z.string().min(1).max(31, "member ids are stored as bytes32 strings: at most 31 characters"),
    legalEntity: z.string().min(1),
    roles: z.array(z.enum(ROLE_NAMES)).min(1),
    voting: z.boolean(),
    signer: signerSource,
    eligibility: z
      .object({
        investorClass: z.number().int().min(0).max(31),
        jurisdiction: z.number().int().min(1).max(999),
        validForDays: z.number().int().min(1).max(3650),
      })
      .strict()
      .optional(),
  })
  .strict();
export type MemberConfig = z.infer<typeof memberSchema>;

const trancheSchema = z
  .object({
    name: z.string().min(1),
    symbol: z.string().min(1).max(11),
    seniority: z.number().int().min(1).max(16),
    couponType: z.enum(["Fixed", "Floating", "None"]),
    couponRate: decimalFraction,
    faceShare: decimalFraction,
    allowedInvestorClasses: z.array(z.number().int().min(0).max(31)).min(1),
  })
  .strict();
export type TrancheConfig = z.infer<typeof trancheSchema>;

const relativeMonths = z.string().regex(/^-\d{1,2} months$/, 'expected "-N months"');

/** "-7 months" on 2026-12-04 → "2026-05-01"; an ISO date as it is. */
export function resolveCutoffDate(value: string, today: Date = new Date()): string {
  const months = /^-(\d{1,2}) months$/.exec(value)?.[1];
  if (months === undefined) return value;
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - Number(months), 1)).toISOString().slice(0, 10);
}

const sampleDealSchema = z
  .object({
    dealId: z.string().min(1).max(31),
    name: z.string().min(1),
    originator: z.string(),
    servicer: z.string(),
    trustee: z.string(),
    loans: z.number().int().min(1).max(100_000),
    seed: z.number().int().min(0),
    /**
     * The tape's cut-off date: an ISO date, or "-N months" (the first day of the month N months before today,
     * UTC), so that a sample started today has N months of history behind it and the chain's clock, which runs on
     * the wall clock, agrees with the sample's dates.
     */
    cutoffDate: z.union([isoDate, relativeMonths]).transform((value) => resolveCutoffDate(value)),
    dataUri: z.string().min(1),
    tranches: z.array(trancheSchema).min(1).max(16),
  })
  .strict();
export type SampleDealConfig = z.infer<typeof sampleDealSchema>;

/**
 * The sample deal's tape: `count` synthetic loans (default the deal's) of its seed and cut-off date, with the
 * optional disclosure columns filled (so `abs disclose` has them). Every place that commits, stores or checks the
 * sample tape regenerates it through this one function.
 */
export function sampleDealLoans(
  deal: Pick<SampleDealConfig, "loans" | "seed" | "cutoffDate">,
  count: number = deal.loans,
): Generator<LoanRecord, void, undefined> {
  return generateLoans(count, deal.seed, { asOfDate: deal.cutoffDate, disclosure: true });
}

export const networkConfigSchema = z
  .object({
    $comment: z.string().optional(),
    network: z.string().regex(/^[a-z0-9-]+$/),
    threshold: z.number().int().min(1),
    proposalLifetimeSeconds: z
      .number()
      .int()
      .min(3600)
      .max(90 * 86400),
    deployer: signerSource,
    members: z.array(memberSchema).min(1),
    cashToken: z
      .object({
        name: z.string().min(1),
        symbol: z.string().min(1),
        currency: z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as CNY"),
        custodian: z.string(),
      })
      .strict(),
    sampleDeal: sampleDealSchema.optional(),
    /** A Besu QBFT network's parameters (`scripts/besu-kit.ts`): one validator per voting member, one RPC node. */
    besu: z
      .object({
        chainId: z.number().int().min(1),
        /** The hyperledger/besu image tag every container runs (pinned). */
        version: z.string().regex(/^\d+\.\d+\.\d+$/, 'expected a Besu release such as "24.12.2"'),
        blockPeriodSeconds: z.number().int().min(1).max(60),
        epochLength: z.number().int().min(1),
        requestTimeoutSeconds: z.number().int().min(2),
        gasLimit: z.string().regex(/^0x[0-9a-fA-F]+$/, "expected a hex gas limit"),
        /** The containers' private /24 (static addresses: enode URLs name IPs, not host names). */
        subnet: z
          .string()
          .regex(
            /^10\.\d{1,3}\.\d{1,3}\.0\/24$|^172\.(1[6-9]|2\d|3[01])\.\d{1,3}\.0\/24$|^192\.168\.\d{1,3}\.0\/24$/,
            "expected a private /24 such as 172.28.0.0/24",
          ),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    const ids = new Set<string>();
    cfg.members.forEach((m, i) => {
      if (names.has(m.name))
        ctx.addIssue({ code: "custom", path: ["members", i, "name"], message: `duplicate member name "${m.name}"` });
      if (ids.has(m.memberId))
        ctx.addIssue({
          code: "custom",
          path: ["members", i, "memberId"],
          message: `duplicate member id "${m.memberId}"`,
        });
      names.add(m.name);
      ids.add(m.memberId);
      if (m.roles.includes("INVESTOR") && !m.eligibility) {
        ctx.addIssue({ code: "custom", path: ["members", i, "eligibility"], message: "an INVESTOR needs eligibility" });
      }
    });
    const voting = cfg.members.filter((m) => m.voting).length;
    if (cfg.threshold > voting) {
      ctx.addIssue({
        code: "custom",
        path: ["threshold"],
        message: `threshold ${cfg.threshold} exceeds the ${voting} voting members`,
      });
    }
    const needRole = (name: string, role: RoleName, where: (string | number)[]) => {
      const m = cfg.members.find((x) => x.name === name);
      if (!m) ctx.addIssue({ code: "custom", path: where, message: `no member named "${name}"` });
      else if (!m.roles.includes(role))
        ctx.addIssue({ code: "custom", path: where, message: `member "${name}" lacks role ${role}` });
    };
    needRole(cfg.cashToken.custodian, "CUSTODIAN", ["cashToken", "custodian"]);
    const deal = cfg.sampleDeal;
    if (deal) {
      needRole(deal.originator, "ORIGINATOR", ["sampleDeal", "originator"]);
      needRole(deal.servicer, "SERVICER", ["sampleDeal", "servicer"]);
      needRole(deal.trustee, "TRUSTEE", ["sampleDeal", "trustee"]);
      const total = deal.tranches.reduce((sum, t) => sum + parseFixed(t.faceShare, 18), 0n);
      if (total !== 10n ** 18n) {
        ctx.addIssue({
          code: "custom",
          path: ["sampleDeal", "tranches"],
          message: `face shares must add up to 1 (found ${formatFixed(total, 18)})`,
        });
      }
      const ranks = deal.tranches.map((t) => t.seniority);
      if (new Set(ranks).size !== ranks.length) {
        ctx.addIssue({
          code: "custom",
          path: ["sampleDeal", "tranches"],
          message: "tranche seniorities must be unique",
        });
      }
    }
  });
export type NetworkConfig = z.infer<typeof networkConfigSchema>;

export class DeployConfigError extends Error {
  override readonly name = "DeployConfigError";
  readonly code = "DEPLOY_CONFIG_INVALID";
}

/** Parse a decimal string into a fixed-point bigint with `decimals` places, exactly. */
export function parseFixed(value: string, decimals: number): bigint {
  const [whole = "0", fraction = ""] = value.split(".");
  if (fraction.length > decimals) throw new DeployConfigError(`"${value}" has more than ${decimals} decimal places`);
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}

export function formatFixed(value: bigint, decimals: number): string {
  const base = 10n ** BigInt(decimals);
  const fraction = (value % base).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${value / base}${fraction ? `.${fraction}` : ""}`;
}

/** The config file of `network`, parsed and checked; throws DeployConfigError naming each bad field. */
export function loadNetworkConfig(network: string, dir = path.join(__dirname, "networks")): NetworkConfig {
  const file = path.join(dir, `${network}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new DeployConfigError(`cannot read deployment config ${file}: ${String(cause)}`, { cause });
  }
  const parsed = networkConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
    throw new DeployConfigError(`invalid deployment config ${file}:\n${problems}`);
  }
  return parsed.data;
}

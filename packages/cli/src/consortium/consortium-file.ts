/**
 * The consortium file: what a member's `abs` needs to act without flags — the chain's RPC URL, every consortium
 * contract's address, and each member's name, roles, address, key file and node URL. `npm start` writes it (and a
 * real deployment's operator writes one per member, holding only that member's key file); `abs --as <member>`
 * selects a member from it.
 *
 * Where it is: `$ABS_CONSORTIUM_FILE`, else `~/.abs/consortium.json`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { ROLE_NAMES } from "@abs/core";
import { CliError } from "../errors";
import { type CliIo } from "../io";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");

const memberEntry = z.strictObject({
  /** The member's short name, as `--as` takes it (e.g. "trustee", "investor-1"). */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "expected a lower-case name such as investor-1"),
  memberId: z.string().min(1),
  legalEntity: z.string().min(1),
  roles: z.array(z.enum(ROLE_NAMES)).min(1),
  address,
  /** A file holding the member's 0x key, readable by its owner only; absent for members this machine does not act as. */
  keyFile: z.string().min(1).optional(),
  /** The member's own node, when it runs one. */
  nodeUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export const consortiumFileSchema = z.strictObject({
  version: z.literal(1),
  network: z.string().min(1),
  chainId: z.number().int().positive(),
  rpcUrl: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }),
  /** The settlement currency's ISO code (the cash token's), e.g. "CNY". */
  currency: z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as CNY"),
  /** Contract name → address, as the deployment's address book records them. */
  contracts: z.record(z.string(), address),
  members: z.array(memberEntry).min(1),
  /** The operator API token file of the member nodes (tape uploads, custodian and DvP routes). */
  operatorTokenFile: z.string().min(1).optional(),
  /** The regulator's indexer (GraphQL and dashboard). */
  indexerUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export type ConsortiumFile = z.infer<typeof consortiumFileSchema>;
export type ConsortiumMember = ConsortiumFile["members"][number];

/** Where the consortium file is read from: $ABS_CONSORTIUM_FILE, else ~/.abs/consortium.json. */
export function consortiumFilePath(env: Readonly<Record<string, string | undefined>>): string {
  return env.ABS_CONSORTIUM_FILE ?? path.join(env.HOME ?? homedir(), ".abs", "consortium.json");
}

/**
 * The consortium file, or undefined when there is none at the default place (a file named by
 * $ABS_CONSORTIUM_FILE must exist). A malformed file is an error naming each bad field.
 */
export function readConsortiumFile(io: CliIo): ConsortiumFile | undefined {
  const file = consortiumFilePath(io.env);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (io.env.ABS_CONSORTIUM_FILE === undefined && (error as NodeJS.ErrnoException).code === "ENOENT")
      return undefined;
    throw new CliError("USAGE", `Cannot read the consortium file ${file}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError("USAGE", `The consortium file ${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = consortiumFileSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`);
    throw new CliError("USAGE", `The consortium file ${file} is malformed`, { details });
  }
  return parsed.data;
}

/** Writes the consortium file atomically (a reader sees the old file or the new one), mode 0600. */
export function writeConsortiumFile(file: string, data: ConsortiumFile): void {
  const checked = consortiumFileSchema.parse(data);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * `abs loan verify`: check one loan against the tape root ANCHORED ON CHAIN (never the root a node serves).
 * - `--node URL --member-id ID --pool ADDR --tape-version N --loan ID` + a signer: fetch the loan and its
 *   proof from the originator's node with a signed request (the signer must be an entitled member, e.g. the
 *   trustee or the regulator), then verify it;
 * - `--record FILE`: verify a loan opening saved earlier (the JSON a node serves: pool, version, record, salt,
 *   proof), e.g. by `abs loan verify ... --json > loan.json`, and also check the pool's own `verifyLoan`.
 * Exit 0 verified, 1 not verified (or refused), 2 usage error.
 */
import { readFile } from "node:fs/promises";
import { type Command } from "commander";
import { Contract } from "ethers";
import { z } from "zod";
import { loanLeaf, loanRecordSchema, verifyLoanProof } from "@abs/core";
import { ASSET_POOL_ABI, AssetPoolRootReader, NodeError, fetchVerifiedLoan } from "@abs/node";
import {
  address,
  chainFailure,
  providerFor,
  rpcUrlOf,
  signerOf,
  signerSchema,
  withRpcOption,
  withSignerOptions,
} from "../../chain";
import { CliError, EXIT } from "../../errors";
import { type CliIo } from "../../io";
import { formatKeyValues, formatYuan, writeJson } from "../../output";
import { parseOptions } from "../parse-options";

const optionsSchema = z.strictObject({
  rpcUrl: z.string().optional(),
  node: z.url({ protocol: /^https?$/ }).optional(),
  memberId: z.string().min(1).optional(),
  pool: address.optional(),
  tapeVersion: z.coerce.number().int().min(1).optional(),
  loan: z.string().min(1).optional(),
  record: z.string().min(1).optional(),
  json: z.boolean().default(false),
  ...signerSchema,
});

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const savedOpening = z.object({
  pool: address,
  version: z.number().int().min(1),
  record: loanRecordSchema,
  salt: hex32,
  proof: z.array(hex32).max(64),
});

async function run(raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  const provider = providerFor(rpcUrlOf(options.rpcUrl, io));
  try {
    if (options.record !== undefined) return await verifySaved(options.record, provider, options.json, io);
    const { node, memberId, pool, tapeVersion, loan } = options;
    if (
      node === undefined ||
      memberId === undefined ||
      pool === undefined ||
      tapeVersion === undefined ||
      loan === undefined
    ) {
      throw new CliError(
        "USAGE",
        "Expected --record FILE, or all of --node, --member-id, --pool, --tape-version and --loan",
      );
    }
    const signer = await signerOf(options, io);
    let registry: string;
    let chainId: bigint;
    try {
      registry = String(await new Contract(pool, ASSET_POOL_ABI, provider).getFunction("registry").staticCall());
      chainId = (await provider.getNetwork()).chainId;
    } catch (error) {
      throw chainFailure(error, `reading pool ${pool}`);
    }
    let verified;
    try {
      verified = await fetchVerifiedLoan({
        signer,
        baseUrl: node,
        domain: { chainId, registry },
        target: memberId,
        pool,
        version: tapeVersion,
        loanId: loan,
        chain: new AssetPoolRootReader(provider),
      });
    } catch (error) {
      if (!(error instanceof NodeError)) throw error;
      const code = error.code === "PEER_RECORD_UNVERIFIED" ? "LOAN_UNVERIFIED" : "NODE_REQUEST_FAILED";
      throw new CliError(code, `${error.message} (${error.code})`, { cause: error });
    }
    const result = {
      verified: true,
      pool,
      version: tapeVersion,
      loanId: loan,
      leaf: verified.leaf,
      anchoredRoot: verified.anchoredRoot,
      record: verified.record,
    };
    if (options.json) writeJson(io.stdout, result);
    else
      io.stdout.write(
        `Loan ${loan}: VERIFIED against the root anchored on chain\n${formatKeyValues([
          ["Pool", pool],
          ["Tape version", String(tapeVersion)],
          ["Anchored root", verified.anchoredRoot],
          ["Leaf", verified.leaf],
          ["Borrower (pseudonym)", verified.record.borrowerId],
          ["Current principal", `${formatYuan(verified.record.currentPrincipalCents)} CNY`],
          ["Status", `${verified.record.status}, ${verified.record.daysPastDue} days past due`],
        ])}`,
      );
    return EXIT.ok;
  } finally {
    provider.destroy();
  }
}

async function verifySaved(
  file: string,
  provider: ReturnType<typeof providerFor>,
  json: boolean,
  io: CliIo,
): Promise<number> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new CliError("INPUT_NOT_FOUND", `Cannot read a JSON loan opening from ${JSON.stringify(file)}`, {
      cause: error,
    });
  }
  const parsed = savedOpening.safeParse(value);
  if (!parsed.success) {
    throw new CliError("USAGE", `Invalid loan opening ${JSON.stringify(file)}`, {
      details: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    });
  }
  const { pool, version, record, salt, proof } = parsed.data;
  const leaf = loanLeaf(record, salt);
  let root: string;
  let onChain: boolean;
  try {
    root = await new AssetPoolRootReader(provider).anchoredRoot(pool, version);
    onChain = Boolean(
      await new Contract(pool, ASSET_POOL_ABI, provider).getFunction("verifyLoan").staticCall(version, leaf, proof),
    );
  } catch (error) {
    throw chainFailure(error, `reading tape ${version} of pool ${pool}`);
  }
  const offChain = verifyLoanProof(root, leaf, proof);
  const result = {
    verified: offChain && onChain,
    pool,
    version,
    loanId: record.loanId,
    leaf,
    anchoredRoot: root,
    offChain,
    onChain,
  };
  if (json) writeJson(io.stdout, result);
  else
    io.stdout.write(
      `Loan ${record.loanId}: ${result.verified ? "VERIFIED" : "NOT VERIFIED"} against the root anchored on chain\n${formatKeyValues(
        [
          ["Pool", pool],
          ["Tape version", String(version)],
          ["Anchored root", root],
          ["Leaf", leaf],
          ["Proof (off chain)", offChain ? "leads to the root" : "does NOT lead to the root"],
          ["Pool.verifyLoan (on chain)", onChain ? "true" : "false"],
        ],
      )}`,
    );
  if (!result.verified)
    throw new CliError(
      "LOAN_UNVERIFIED",
      `loan ${record.loanId} does not verify against tape ${version} of pool ${pool}`,
    );
  return EXIT.ok;
}

export function registerLoanVerify(loan: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = loan
    .command("verify")
    .description("verify a loan record against the tape root anchored on chain (fetched from a node, or a saved file)")
    .option("--node <url>", "the originator node's URL")
    .option("--member-id <id>", "the originator node's member id (requests are signed for it)")
    .option("--pool <address>", "the pool")
    .option("--tape-version <n>", "the tape version")
    .option("--loan <id>", "the loan id")
    .option("--record <file>", "verify a saved loan opening (pool, version, record, salt, proof) instead")
    .option("--json", "print the result as JSON", false);
  withSignerOptions(withRpcOption(command))
    .addHelpText(
      "after",
      "\nThe signer must be a member entitled to loan-level data (trustee, regulator).\nExit codes: 0 verified, 1 not verified or refused, 2 usage error.",
    )
    .action(async (raw: unknown) => {
      setExitCode(await run(raw, io));
    });
}

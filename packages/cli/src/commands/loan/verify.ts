/**
 * `abs loan verify`: check one loan against a root ANCHORED ON CHAIN (never the root a node serves).
 * - `--deal CODE --loan ID [--tape-version N]` (or `--pool ADDR`) + a signer (`abs --as regulator`): fetch the
 *   loan's record and proof from the originator's node with a signed request (the signer must be an entitled
 *   member, e.g. the trustee or the regulator), then verify it against the tape's root (the latest tape by
 *   default);
 * - `--deal CODE --loan ID --period N`: fetch the loan's state in period N (balance, paid, prepaid, defaulted,
 *   recovered, status) from the servicer's node and verify it against the loan-state root of period N's report;
 * - the node and its member id default from the consortium file (the member at the pool's originator or servicer
 *   address); `--node URL --member-id ID` name another;
 * - `--record FILE`: verify a loan opening saved earlier (the JSON a node serves: pool, version, record, salt,
 *   proof), e.g. by `abs loan verify ... --json > loan.json`, and also check the pool's own `verifyLoan`.
 * Exit 0 verified, 1 not verified (or refused), 2 usage error.
 */
import { readFile } from "node:fs/promises";
import { type Command } from "commander";
import { Contract } from "ethers";
import { z } from "zod";
import { loanLeaf, loanRecordSchema, verifyLoanProof } from "@abs/core";
import {
  ASSET_POOL_ABI,
  AssetPoolRootReader,
  NodeError,
  fetchVerifiedLoan,
  fetchVerifiedLoanState,
  type VerifiedLoan,
  type VerifiedLoanState,
} from "@abs/node";
import { readConsortiumFile } from "../../consortium/consortium-file";
import { poolOf } from "../../deal/deal-session";
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
  period: z.coerce.number().int().min(1).max(0xffff_ffff).optional(),
  deal: z.string().optional(),
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

/** The party's node and member id: --node/--member-id, else the consortium file's member at the pool's party address. */
async function partyNode(
  options: z.output<typeof optionsSchema>,
  pool: string,
  party: "servicer" | "originator",
  provider: ReturnType<typeof providerFor>,
  io: CliIo,
): Promise<{ node: string; memberId: string }> {
  if (options.node !== undefined && options.memberId !== undefined)
    return { node: options.node, memberId: options.memberId };
  let address: string;
  try {
    address = String(await new Contract(pool, ASSET_POOL_ABI, provider).getFunction(party).staticCall());
  } catch (error) {
    throw chainFailure(error, `reading the ${party} of pool ${pool}`);
  }
  const member = readConsortiumFile(io)?.members.find((m) => m.address.toLowerCase() === address.toLowerCase());
  const node = options.node ?? member?.nodeUrl;
  const memberId = options.memberId ?? member?.memberId;
  if (node === undefined || memberId === undefined) {
    throw new CliError(
      "USAGE",
      `Expected --node and --member-id of the ${party}'s node (${address}): the consortium file names no node for it`,
    );
  }
  return { node, memberId };
}

async function run(raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  const provider = providerFor(rpcUrlOf(options.rpcUrl, io));
  try {
    if (options.record !== undefined) return await verifySaved(options.record, provider, options.json, io);
    const { loan, period } = options;
    if (loan === undefined || (options.pool === undefined && options.deal === undefined)) {
      throw new CliError(
        "USAGE",
        "Expected --record FILE, or --loan with --deal (or --pool), and --period N or --tape-version N (the latest tape when neither)",
      );
    }
    const pool = await poolOf(io, options);
    const signer = await signerOf(options, io);
    let registry: string;
    let chainId: bigint;
    let tapeVersion = options.tapeVersion;
    try {
      const contract = new Contract(pool, ASSET_POOL_ABI, provider);
      registry = String(await contract.getFunction("registry").staticCall());
      chainId = (await provider.getNetwork()).chainId;
      if (period === undefined && tapeVersion === undefined) {
        tapeVersion = Number(await contract.getFunction("tapeCount").staticCall());
      }
    } catch (error) {
      throw chainFailure(error, `reading pool ${pool}`);
    }
    const { node, memberId } = await partyNode(
      options,
      pool,
      period === undefined ? "originator" : "servicer",
      provider,
      io,
    );
    const request = { signer, baseUrl: node, domain: { chainId, registry }, target: memberId, pool };
    try {
      if (period !== undefined) {
        const verified = await fetchVerifiedLoanState({
          ...request,
          period,
          loanId: loan,
          chain: new AssetPoolRootReader(provider),
        });
        printState(io, options.json, pool, verified);
        return EXIT.ok;
      }
      const version = tapeVersion ?? 1;
      const verified = await fetchVerifiedLoan({
        ...request,
        version,
        loanId: loan,
        chain: new AssetPoolRootReader(provider),
      });
      printRecord(io, options.json, pool, version, verified);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof NodeError)) throw error;
      const code = error.code === "PEER_RECORD_UNVERIFIED" ? "LOAN_UNVERIFIED" : "NODE_REQUEST_FAILED";
      throw new CliError(code, `${error.message} (${error.code})`, { cause: error });
    }
  } finally {
    provider.destroy();
  }
}

function printRecord(io: CliIo, json: boolean, pool: string, version: number, verified: VerifiedLoan): void {
  const { record } = verified;
  const result = {
    verified: true,
    pool,
    version,
    loanId: record.loanId,
    leaf: verified.leaf,
    anchoredRoot: verified.anchoredRoot,
    record,
  };
  if (json) writeJson(io.stdout, result);
  else
    io.stdout.write(
      `Loan ${record.loanId}: VERIFIED against the root anchored on chain\n${formatKeyValues([
        ["Pool", pool],
        ["Tape version", String(version)],
        ["Anchored root", verified.anchoredRoot],
        ["Leaf", verified.leaf],
        ["Borrower (pseudonym)", record.borrowerId],
        ["Current principal", `${formatYuan(record.currentPrincipalCents)} CNY`],
        ["Status", `${record.status}, ${record.daysPastDue} days past due`],
      ])}`,
    );
}

function printState(io: CliIo, json: boolean, pool: string, verified: VerifiedLoanState): void {
  const { state } = verified;
  const result = {
    verified: true,
    pool,
    period: state.period,
    loanId: state.loanId,
    leaf: verified.leaf,
    anchoredRoot: verified.anchoredRoot,
    state,
  };
  if (json) writeJson(io.stdout, result);
  else
    io.stdout.write(
      `Loan ${state.loanId}, period ${state.period}: VERIFIED against the loan-state root anchored on chain\n${formatKeyValues(
        [
          ["Pool", pool],
          ["Anchored root", verified.anchoredRoot],
          ["Leaf", verified.leaf],
          ["Status", `${state.status}, ${state.daysPastDue} days past due`],
          ["Opening balance", `${formatYuan(state.openingPrincipalCents)} CNY`],
          [
            "Principal paid",
            `${formatYuan(state.paidPrincipalCents)} CNY (scheduled ${formatYuan(state.scheduledPrincipalCents)})`,
          ],
          ["Interest paid", `${formatYuan(state.interestPaidCents)} CNY`],
          ["Prepaid", `${formatYuan(state.prepaymentCents)} CNY`],
          ["Defaulted", `${formatYuan(state.defaultPrincipalCents)} CNY`],
          ["Recovered", `${formatYuan(state.recoveryCents)} CNY`],
          ["Closing balance", `${formatYuan(state.closingPrincipalCents)} CNY`],
        ],
      )}`,
    );
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
    .description("verify a loan's record (or its state in a period) against the root anchored on chain")
    .option("--deal <code>", "the deal whose pool holds the loan")
    .option("--pool <address>", "the pool (instead of --deal)")
    .option("--tape-version <n>", "the tape version (default: the latest)")
    .option("--period <n>", "verify the loan's state in this reported period (from the servicer's node)")
    .option("--node <url>", "the node to ask (default: the originator's or, with --period, the servicer's)")
    .option("--member-id <id>", "that node's member id (requests are signed for it)")
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

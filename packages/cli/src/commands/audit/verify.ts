/**
 * `abs audit verify EXPORT.json`: re-checks an indexer's audit export (`GET /audit/export?format=json`)
 * against the chain, so a regulator need not trust the indexer: every block hash, every event as a log of
 * its transaction's receipt (same block, log index and contract, and its topics and data decoding to the
 * exported name and arguments), the checkpoint, and the indexer's signature (`--signer` names the key
 * expected to have signed). Every difference is printed with the event it concerns.
 * Exit 0 all verified, 1 any difference (or the chain unreachable), 2 usage error (a file that is no export).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { type Command } from "commander";
import { z } from "zod";
import { address, rpcUrlOf, withRpcOption } from "../../chain";
import { CliError, EXIT } from "../../errors";
import { type CliIo } from "../../io";
import { formatKeyValues, formatTable, writeJson } from "../../output";
import { parseOptions } from "../parse-options";

/** The repository's Hardhat artifacts (the consortium's ABIs), from this file's place in packages/cli. */
const REPO_ARTIFACTS = path.resolve(__dirname, "..", "..", "..", "..", "..", "artifacts");

const optionsSchema = z.strictObject({
  rpcUrl: z.string().optional(),
  artifacts: z.string().min(1).optional(),
  signer: address.optional(),
  json: z.boolean().default(false),
});

async function run(file: string, raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  const rpcUrl = rpcUrlOf(options.rpcUrl, io);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new CliError("INPUT_NOT_FOUND", `cannot read ${file} as JSON: ${(cause as Error).message}`, { cause });
  }
  // Loaded here only: the indexer's package is large, and no other command needs it.
  const { AbiRegistry, IndexerError, JsonRpcClient, parseAuditExport, verifyAuditExport } =
    await import("@abs/indexer");
  let exported: ReturnType<typeof parseAuditExport>;
  try {
    exported = parseAuditExport(json);
  } catch (error) {
    if (error instanceof IndexerError) throw new CliError("USAGE", `${file}: ${error.message}`, { cause: error });
    throw error;
  }
  const abis = AbiRegistry.fromArtifacts(options.artifacts ?? io.env.ABS_ARTIFACTS ?? REPO_ARTIFACTS);
  const verdict = await verifyAuditExport(exported, { rpc: new JsonRpcClient(rpcUrl), abis });
  if (options.signer !== undefined && verdict.signer !== options.signer.toLowerCase()) {
    verdict.mismatches.push({
      where: "signature",
      what: "signer",
      expected: options.signer.toLowerCase(),
      found: verdict.signer ?? (exported.signature ? "a signature that does not hold" : "no signature"),
    });
  }
  const ok = verdict.mismatches.length === 0;
  if (options.json) {
    writeJson(io.stdout, { verified: ok, ...verdict });
  } else {
    io.stdout.write(
      `${ok ? "VERIFIED" : `NOT VERIFIED (${verdict.mismatches.length} differences)`}\n${formatKeyValues([
        ["Events", String(verdict.events)],
        ["Blocks checked", String(verdict.blocks)],
        ["Signed by", verdict.signer ?? (exported.signature ? "(signature does not hold)" : "(unsigned export)")],
      ])}`,
    );
    if (!ok) {
      io.stdout.write(
        formatTable(
          ["WHERE", "WHAT", "EXPECTED (EXPORT)", "FOUND (CHAIN)"],
          verdict.mismatches.map((m) => [m.where, m.what, m.expected, m.found]),
        ),
      );
    }
  }
  return ok ? EXIT.ok : EXIT.failure;
}

export function registerAuditVerify(group: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = group
    .command("verify")
    .description("re-check an indexer's audit export against the chain, event by event")
    .argument("<export>", "the JSON audit export (GET /audit/export?format=json on an indexer)")
    .option(
      "--artifacts <dir>",
      "Hardhat artifacts holding the consortium's ABIs (default: $ABS_ARTIFACTS or the repository's)",
    )
    .option("--signer <address>", "the key the export must be signed by (the indexer's member key)")
    .option("--json", "print the verdict as JSON", false);
  withRpcOption(command)
    .addHelpText("after", "\nExit codes: 0 every event verified, 1 a difference (each printed), 2 usage error.")
    .action(async (file: string, raw: unknown) => {
      setExitCode(await run(file, raw, io));
    });
}

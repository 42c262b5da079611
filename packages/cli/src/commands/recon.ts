/**
 * `abs recon STATEMENT --format csv|mt940 --cash-token ADDRESS [--rpc-url URL]`: reconciles a bank statement of
 * the trust's account against the cash token's mints and confirmed payouts on chain (and, with
 * --expected, the trust's expected flows), and prints the matched items, the breaks and the digest (a
 * table, or JSON with --json). With --anchor-log ADDRESS it anchors the digest on the ReconciliationLog,
 * signed with the custodian's key read from the environment variable named by --key-env (never a file or
 * a flag). Exit 0 without breaks, 1 with breaks or on failure, 2 on a usage error.
 */
import { readFile } from "node:fs/promises";
import { type Command } from "commander";
import { Wallet } from "ethers";
import { z } from "zod";
import {
  anchorReconciliation,
  parseCsvStatement,
  parseExpectedFlows,
  parseMt940Statement,
  readCashMovements,
  reconcile,
  ReconciliationError,
} from "@abs/core";
import { CliError, EXIT } from "../errors";
import { type CliIo } from "../io";
import { formatTable, formatYuan, writeJson } from "../output";
import { address, providerFor, rpcUrlOf } from "../chain";
import { parseOptions } from "./parse-options";

const optionsSchema = z.strictObject({
  format: z.enum(["csv", "mt940"]),
  statementId: z.string().min(1).max(64).optional(),
  rpcUrl: z.string().optional(),
  cashToken: address,
  fromBlock: z.coerce.number().int().min(0).default(0),
  expected: z.string().min(1).optional(),
  dateTolerance: z.coerce.number().int().min(0).max(31).default(0),
  statementDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date yyyy-mm-dd")
    .optional(),
  anchorLog: address.optional(),
  keyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name")
    .default("ABS_KEY_CUSTODIAN"),
  json: z.boolean().default(false),
});

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new CliError("INPUT_NOT_FOUND", `${what} not found: ${JSON.stringify(path)}`, { cause: error });
  }
}

export function registerRecon(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command("recon")
    .description("reconcile a bank statement (CSV or MT940) against the cash token on chain; anchor the digest")
    .argument("<statement>", "the bank statement file")
    .requiredOption("--format <format>", "csv | mt940")
    .option("--statement-id <id>", "the statement's id (CSV only; MT940 carries it in :20:)")
    .option("--rpc-url <url>", "JSON-RPC URL of a chain node (default: $ABS_RPC_URL)")
    .requiredOption("--cash-token <address>", "the cash token")
    .option("--from-block <n>", "first block to read (default 0)")
    .option("--expected <file>", "JSON array of expected flows {kind, reference, direction, amount, date}")
    .option("--date-tolerance <days>", "days a value date may differ from the block date (default 0)")
    .option("--statement-date <date>", "the statement's date yyyy-mm-dd (default: the latest value date)")
    .option("--anchor-log <address>", "anchor the digest on this ReconciliationLog")
    .option("--key-env <name>", "environment variable holding the custodian's key (default ABS_KEY_CUSTODIAN)")
    .option("--json", "print JSON")
    .action(async (file: string, raw: unknown) => {
      const options = parseOptions(optionsSchema, raw);
      const text = await readText(file, "Statement");
      let statement;
      let expected;
      try {
        statement =
          options.format === "csv" ? parseCsvStatement(text, options.statementId ?? file) : parseMt940Statement(text);
        expected = options.expected
          ? parseExpectedFlows(JSON.parse(await readText(options.expected, "Expected flows file")) as unknown)
          : [];
      } catch (error) {
        if (error instanceof ReconciliationError) throw new CliError("USAGE", `${error.message} (${error.code})`);
        if (error instanceof SyntaxError) throw new CliError("USAGE", `Expected flows: not JSON (${error.message})`);
        throw error;
      }
      const provider = providerFor(rpcUrlOf(options.rpcUrl, io));
      try {
        const movements = await readCashMovements(provider, options.cashToken, options.fromBlock);
        const report = reconcile(statement, movements, expected, { dateToleranceDays: options.dateTolerance });
        let anchoredTx: string | undefined;
        if (options.anchorLog) {
          const key = io.env[options.keyEnv];
          if (!key)
            throw new CliError("USAGE", `--anchor-log needs the custodian's key in $${options.keyEnv}, found none`);
          const lastDate =
            statement.lines
              .map((l) => l.valueDate)
              .sort()
              .at(-1) ?? "1970-01-01";
          anchoredTx = await anchorReconciliation(
            new Wallet(key, provider),
            options.anchorLog,
            options.cashToken,
            report,
            options.statementDate ?? lastDate,
          );
        }
        if (options.json) {
          writeJson(io.stdout, { ...report, anchoredTx: anchoredTx ?? null });
        } else {
          io.stdout.write(
            `Statement ${report.statementId}: ${report.matched.length} matched, ${report.breaks.length} breaks\n` +
              `bank credits ${formatYuan(report.totals.bankCreditsCents)}, debits ${formatYuan(report.totals.bankDebitsCents)}; ` +
              `chain minted ${formatYuan(report.totals.chainMintedCents)}, paid out ${formatYuan(report.totals.chainPaidOutCents)}\n`,
          );
          if (report.breaks.length > 0) {
            io.stdout.write(
              formatTable(
                ["break", "reference", "line", "detail"],
                report.breaks.map((b) => [b.kind, b.reference, b.line === undefined ? "" : String(b.line), b.message]),
              ),
            );
          }
          io.stdout.write(`digest ${report.digest}${anchoredTx ? `, anchored in ${anchoredTx}` : ""}\n`);
        }
        setExitCode(report.breaks.length === 0 ? EXIT.ok : EXIT.failure);
      } finally {
        provider.destroy();
      }
    });
}

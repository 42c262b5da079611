/**
 * `abs tape upload FILE --node URL --pool ADDR --cutoff-date YYYY-MM-DD`: streams a loan tape to the
 * originator's member node, which validates, pseudonymises, commits, stores and anchors it (all or
 * nothing). The same tape again answers with the same version and sends no transaction. A progress bar
 * (rows, rate, ETA) follows the bytes sent. Exit 0 if anchored, 1 if the tape is invalid or the node or
 * chain refused it, 2 on a usage error.
 */
import { readFile, stat } from "node:fs/promises";
import { type Command } from "commander";
import { z } from "zod";
import { TAPE_CHANGE_KINDS } from "@abs/node";
import { CliError, EXIT } from "../../errors";
import { type CliIo } from "../../io";
import { createProgress, formatCount, formatKeyValues, formatTable, formatYuan, writeJson } from "../../output";
import { parseOptions } from "../parse-options";
import { type HttpAnswer, actingNodeUrl, nodeRefusal, postFile, readOperatorToken } from "../../node-upload";
import { poolOf } from "../../deal/deal-session";

const optionsSchema = z.strictObject({
  node: z.url({ protocol: /^https?$/, error: "expected the node's http(s) URL" }).optional(),
  pool: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed pool address")
    .optional(),
  deal: z.string().optional(),
  rpcUrl: z.string().optional(),
  cutoffDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date yyyy-mm-dd"),
  tokenFile: z.string().min(1).optional(),
  mapping: z.string().optional(),
  encoding: z.enum(["auto", "utf8", "gbk"]).optional(),
  format: z.enum(["auto", "csv", "jsonl"]).optional(),
  delimiter: z.string().length(1).optional(),
  maxErrors: z.coerce.number().int().min(1).optional(),
  kind: z.enum(TAPE_CHANGE_KINDS).optional(),
  dataUri: z.string().min(1).max(512).optional(),
  json: z.boolean().default(false),
});
type UploadOptions = z.output<typeof optionsSchema>;

const issue = z.object({
  row: z.number(),
  column: z.number().optional(),
  columnName: z.string().optional(),
  field: z.string().optional(),
  code: z.string(),
  expected: z.string(),
  found: z.string(),
});
const anchoredAnswer = z.object({
  status: z.enum(["anchored", "already-anchored"]),
  pool: z.string(),
  version: z.number(),
  root: z.string(),
  loanCount: z.number(),
  contentHash: z.string(),
  txHash: z.string(),
  blockNumber: z.number(),
  summary: z.object({ totalPrincipalCents: z.string() }).optional(),
  pledges: z
    .object({
      policy: z.enum(["Alert", "Refuse"]),
      registered: z.number(),
      alreadyRegistered: z.number(),
      alerts: z.array(z.object({ loanId: z.string(), firstPool: z.string() })),
      sameIdentity: z.array(z.object({ loanId: z.string(), sameAs: z.string() })),
    })
    .optional(),
});
const invalidAnswer = z.object({
  error: z.object({ code: z.literal("TAPE_INVALID"), message: z.string() }),
  summary: z.object({ rows: z.number(), errorCount: z.number(), stoppedEarly: z.boolean() }),
  errors: z.array(issue),
});

function errorRows(errors: z.output<typeof issue>[]): string[][] {
  return errors.map((e) => [
    String(e.row),
    e.column === undefined ? "" : String(e.column),
    e.columnName ?? e.field ?? "",
    e.code,
    `expected ${e.expected}; found ${e.found}`,
  ]);
}

/**
 * The node (--node, else the node of the member `abs --as` selects) and the pool (--pool, else the pool of
 * --deal read from the chain).
 */
async function target(options: UploadOptions, io: CliIo): Promise<{ node: string; pool: string }> {
  return { node: actingNodeUrl(options.node, io, "the originator node's URL"), pool: await poolOf(io, options) };
}

async function run(file: string, raw: unknown, io: CliIo): Promise<number> {
  const parsed: UploadOptions = parseOptions(optionsSchema, raw);
  const options = { ...parsed, ...(await target(parsed, io)) };
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new CliError("INPUT_NOT_FOUND", `Tape file not found: ${JSON.stringify(file)}`, { cause: error });
  }
  const token = await readOperatorToken(options.tokenFile, io);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (options.mapping !== undefined) {
    try {
      headers["x-abs-column-mapping"] = (await readFile(options.mapping)).toString("base64");
    } catch (error) {
      throw new CliError("INPUT_NOT_FOUND", `Cannot read the mapping file ${JSON.stringify(options.mapping)}`, {
        cause: error,
      });
    }
  }
  const url = new URL(`/v1/pools/${options.pool}/tapes`, options.node);
  url.searchParams.set("cutoffDate", options.cutoffDate);
  for (const key of ["encoding", "format", "delimiter", "maxErrors", "kind", "dataUri"] as const) {
    const value = options[key];
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const progress = createProgress({
    stream: io.stderr,
    enabled: !options.json,
    label: "Uploading",
    total: size,
    now: () => io.now(),
  });
  let answer: HttpAnswer;
  try {
    answer = await postFile(url, headers, file, (bytes, rows) => progress.update(bytes, rows));
  } finally {
    progress.stop();
  }
  const anchored = anchoredAnswer.safeParse(answer.body);
  if ((answer.status === 200 || answer.status === 201) && anchored.success) {
    const a = anchored.data;
    if (options.json) writeJson(io.stdout, a);
    else {
      const pairs: [string, string][] = [
        ["Status", a.status === "anchored" ? "ANCHORED" : "ALREADY ANCHORED (nothing sent)"],
        ["Pool", a.pool],
        ["Tape version", String(a.version)],
        ["Loans", formatCount(a.loanCount)],
        ["Merkle root", a.root],
        ["Content hash", a.contentHash],
        ["Transaction", `${a.txHash} (block ${a.blockNumber})`],
      ];
      if (a.summary !== undefined)
        pairs.splice(4, 0, ["Total current principal", `${formatYuan(BigInt(a.summary.totalPrincipalCents))} CNY`]);
      if (a.pledges !== undefined) {
        const p = a.pledges;
        pairs.push([
          "Pledges",
          `${formatCount(p.registered)} registered, ${formatCount(p.alreadyRegistered)} already this pool's` +
            (p.alerts.length === 0
              ? ""
              : `; ${formatCount(p.alerts.length)} ALREADY PLEDGED ELSEWHERE, raised to the regulator: ` +
                p.alerts
                  .slice(0, 10)
                  .map((x) => `${x.loanId} (${x.firstPool})`)
                  .join(", ") +
                (p.alerts.length > 10 ? ", ..." : "")),
        ]);
        if (p.sameIdentity.length > 0) {
          pairs.push([
            "Same identity twice",
            `${formatCount(p.sameIdentity.length)} loans repeat an earlier row's national id, date and amount (registered once: ` +
              "the regulator sees them as missing pledges): " +
              p.sameIdentity
                .slice(0, 10)
                .map((x) => `${x.loanId} = ${x.sameAs}`)
                .join(", ") +
              (p.sameIdentity.length > 10 ? ", ..." : ""),
          ]);
        }
      }
      io.stdout.write(`Tape ${file}\n${formatKeyValues(pairs)}`);
    }
    return EXIT.ok;
  }
  const invalid = invalidAnswer.safeParse(answer.body);
  if (answer.status === 422 && invalid.success) {
    const { summary, errors } = invalid.data;
    if (options.json) writeJson(io.stdout, { status: "invalid", ...invalid.data });
    else {
      io.stdout.write(
        `Tape ${file}\n${formatKeyValues([
          [
            "Status",
            `INVALID (${formatCount(summary.errorCount)} errors${summary.stoppedEarly ? ", stopped at --max-errors" : ""}): nothing stored or anchored`,
          ],
          ["Rows read", formatCount(summary.rows)],
        ])}\nErrors\n${formatTable(["ROW", "COL", "COLUMN", "CODE", "PROBLEM"], errorRows(errors))}`,
      );
    }
    return EXIT.failure;
  }
  throw nodeRefusal(answer, "the upload");
}

/** Registers `upload` under `abs tape`. */
export function registerTapeUpload(tape: Command, io: CliIo, setExitCode: (code: number) => void): void {
  tape
    .command("upload")
    .description("stream a loan tape to the originator's node: validate, store and anchor it (all or nothing)")
    .argument("<file>", "the tape file (CSV or JSON Lines, UTF-8 or GBK)")
    .option("--node <url>", "the originator node's URL (default: the node of `abs --as <member>`)")
    .option("--deal <code>", "the deal whose pool anchors the tape")
    .option("--pool <address>", "the pool to anchor the tape in (instead of --deal)")
    .option("--rpc-url <url>", "JSON-RPC URL to find --deal's pool (default: $ABS_RPC_URL or the consortium file's)")
    .requiredOption("--cutoff-date <date>", "the tape's cut-off date, yyyy-mm-dd")
    .option(
      "--token-file <file>",
      "the node's operator token (default: $ABS_OPERATOR_TOKEN_FILE or the consortium file's)",
    )
    .option("--mapping <file>", "column-mapping JSON file: your headers -> template columns")
    .option("--encoding <encoding>", "auto | utf8 | gbk")
    .option("--format <format>", "auto | csv | jsonl")
    .option("--delimiter <char>", "CSV delimiter")
    .option("--max-errors <n>", "stop after N errors (the node caps it)")
    .option("--kind <kind>", `why this version exists: ${TAPE_CHANGE_KINDS.join(" | ")} (default Initial)`)
    .option("--data-uri <uri>", "where entitled members fetch the tape (default: the node's own URI)")
    .option("--json", "print the result as JSON on stdout", false)
    .addHelpText("after", "\nExit codes: 0 anchored (or already anchored), 1 invalid tape or refused, 2 usage error.")
    .action(async (file: string, raw: unknown) => {
      setExitCode(await run(file, raw, io));
    });
}

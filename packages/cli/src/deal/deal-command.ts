/**
 * The shape every lifecycle command shares: `--deal CODE`, `--rpc-url`, the signer options (by default the member
 * `abs --as` selects), `--json`; options checked with zod; a chain session opened and closed; the result printed
 * for people (a title and key-value lines) or as one JSON document.
 */
import { type Command } from "commander";
import { z } from "zod";
import { signerSchema, withRpcOption, withSignerOptions } from "../chain";
import { EXIT } from "../errors";
import { type CliIo } from "../io";
import { formatKeyValues, writeJson } from "../output";
import { parseOptions } from "../commands/parse-options";
import { type ChainSession, type DealView, openSession, readDeal } from "./deal-session";

export const dealCode = z
  .string("expected --deal <code> (required)")
  .regex(/^[\x21-\x7e]{1,31}$/, "expected a deal code of 1-31 printable ASCII characters");

/** An amount as options and input files write it: currency units with at most 2 decimals (exact cents). */
export const AMOUNT_IN_UNITS = {
  pattern: /^\d+(\.\d{1,2})?$/,
  message: 'expected an amount in currency units with at most 2 decimals, e.g. "500000.00"',
} as const;

/** `--amount`: see {@link AMOUNT_IN_UNITS}. */
export const amountOption = z
  .string("expected --amount <amount> (required)")
  .regex(AMOUNT_IN_UNITS.pattern, AMOUNT_IN_UNITS.message);

/** What a lifecycle command prints: a title and lines for people, a value for machines. */
export interface CommandResult {
  readonly title: string;
  readonly lines: readonly (readonly [string, string])[];
  readonly json: unknown;
}

const commonSchema = { rpcUrl: z.string().optional(), json: z.boolean().default(false), ...signerSchema };

interface CommonOptions {
  readonly rpcUrl?: string;
  readonly json: boolean;
  readonly deal?: string;
  readonly hardhatAccount?: number;
  readonly keyEnv?: string;
  readonly keystore?: string;
  readonly passwordFile?: string;
}

export interface DealCommandSpec<S extends z.ZodRawShape> {
  readonly name: string;
  readonly description: string;
  /** Who runs it, for the help text: "the trustee". */
  readonly by: string;
  /** The command's own options (commander), added before the shared ones. */
  readonly options: (command: Command) => Command;
  /** zod shape of the command's own options (the shared ones are added). */
  readonly shape: S;
  /** Whether it takes --deal (default true). */
  readonly needsDeal?: boolean;
  readonly run: (
    session: ChainSession,
    deal: DealView | undefined,
    options: z.output<z.ZodObject<S & typeof commonSchema>>,
    args: readonly string[],
  ) => Promise<CommandResult>;
}

export function registerDealCommand<S extends z.ZodRawShape>(
  parent: Command,
  spec: DealCommandSpec<S>,
  io: CliIo,
  setExitCode: (code: number) => void,
): Command {
  const schema = z.strictObject({
    ...spec.shape,
    ...commonSchema,
    ...(spec.needsDeal === false ? {} : { deal: dealCode }),
  });
  let command = spec.options(parent.command(spec.name).description(`${spec.description} (run by ${spec.by})`));
  if (spec.needsDeal !== false) command = command.option("--deal <code>", "the deal's code (required)");
  command = withSignerOptions(withRpcOption(command)).option("--json", "print the result as JSON", false);
  command
    .addHelpText(
      "after",
      `\nRun by ${spec.by}: \`abs --as <member> ${parent.name()} ${spec.name} ...\`. Exit codes: 0 done, 1 refused (the chain's reason is printed), 2 usage error.`,
    )
    .action(async (...received: unknown[]) => {
      const cmd = received[received.length - 1] as Command;
      const args = cmd.args;
      const options = parseOptions(schema, cmd.opts()) as z.output<z.ZodObject<S & typeof commonSchema>>;
      const common = options as unknown as CommonOptions;
      const session = openSession(io, { rpcUrl: common.rpcUrl, signer: common });
      try {
        const deal = common.deal === undefined ? undefined : await readDeal(session, common.deal);
        const result = await spec.run(session, deal, options, args);
        if (common.json) writeJson(io.stdout, result.json);
        else io.stdout.write(`${result.title}\n${formatKeyValues(result.lines)}`);
        setExitCode(EXIT.ok);
      } finally {
        session.close();
      }
    });
  return command;
}

/**
 * The `abs` command line. `main(argv, io)` builds the program, runs one command and returns the exit
 * code (0 ok, 1 failure, 2 usage error); it never calls `process.exit`, so tests can run it in-process.
 *
 * Commands live one per file under `commands/<group>/`, each a thin shell over @abs/core and @abs/node.
 * Each group registers with ONE line below (later groups such as `settle` the same way).
 */
import { Command, CommanderError } from "commander";
import { CoreError } from "@abs/core";
import { registerRecon } from "./commands/recon";
import { registerAuditCommands } from "./commands/audit";
import { registerIndexerCommands } from "./commands/indexer";
import { registerLoanCommands } from "./commands/loan";
import { registerPoolCommands } from "./commands/pool";
import { registerReportCommands } from "./commands/report";
import { registerSettleCommand } from "./commands/settle";
import { registerCapCommand } from "./commands/cap-remit";
import { registerTapeCommands } from "./commands/tape";
import { registerCashCommands } from "./commands/cash";
import { registerDealCommands } from "./commands/deal";
import { registerDisclose } from "./commands/disclose";
import { registerDvpCommands } from "./commands/dvp";
import { registerGovernanceCommands } from "./commands/governance";
import { registerMembersCommand } from "./commands/members";
import { registerPriceCommand } from "./commands/price";
import { registerProjectCommand } from "./commands/project";
import { registerOfferingCommands } from "./commands/offering";
import { registerServicingCommands } from "./commands/servicing";
import { CliError, EXIT } from "./errors";
import { memberNamed } from "./consortium/acting-member";
import { readConsortiumFile } from "./consortium/consortium-file";
import { type CliIo } from "./io";

export const CLI_VERSION = "0.1.0";

/**
 * The real process's streams, environment and clock. A reader that stops reading (`abs ... | head`) closes stdout:
 * the rest of the output is dropped and the command still runs to its end (a transaction it sent is still awaited
 * and its exit code kept), instead of dying on EPIPE with a stack trace.
 */
export function processIo(): CliIo {
  process.stdout.on("error", ignoreClosedReader);
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => performance.now() };
}

function ignoreClosedReader(error: NodeJS.ErrnoException): void {
  if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
  throw error;
}

/** The `abs` program, writing to `io`; `setExitCode` receives each command's exit code. */
export function createProgram(cliIo: CliIo, setExitCode: (code: number) => void): Command {
  const selection = cliIo.selection ?? { member: undefined };
  const io: CliIo = { ...cliIo, selection };
  const program = new Command();
  program
    .name("abs")
    .option("--as <member>", "act as this member of the consortium file (its key, its node; default $ABS_AS)")
    .hook("preAction", () => {
      const as = program.opts<{ as?: string }>().as ?? io.env.ABS_AS;
      if (as === undefined) return;
      selection.member = as;
      // An unknown member is refused before any command runs (with the names there are).
      const file = readConsortiumFile(io);
      if (file !== undefined) memberNamed(file, as);
    })
    .description("ABS consortium ledger: loan tapes, pools, servicer reports and settlement")
    .version(CLI_VERSION)
    .exitOverride()
    // A command's own options are read before its subcommand only (`abs settle close-out --waterfall ...`).
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerTapeCommands(program, io, setExitCode);
  registerReportCommands(program, io, setExitCode);
  registerRecon(program, io, setExitCode);
  registerSettleCommand(program, io, setExitCode);
  registerCapCommand(program, io, setExitCode);
  registerPoolCommands(program, io, setExitCode);
  registerLoanCommands(program, io, setExitCode);
  registerIndexerCommands(program, io, setExitCode);
  registerAuditCommands(program, io, setExitCode);
  registerMembersCommand(program, io, setExitCode);
  registerGovernanceCommands(program, io, setExitCode);
  registerDealCommands(program, io, setExitCode);
  registerDisclose(program, io, setExitCode);
  registerOfferingCommands(program, io, setExitCode);
  registerCashCommands(program, io, setExitCode);
  registerServicingCommands(program, io, setExitCode);
  registerDvpCommands(program, io, setExitCode);
  registerProjectCommand(program, io, setExitCode);
  registerPriceCommand(program, io, setExitCode);
  return program;
}

function describeFailure(error: unknown): string {
  if (error instanceof CliError) return [error.message, ...error.details.map((line) => `  ${line}`)].join("\n");
  if (error instanceof CoreError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/** Runs `abs` with `argv` (without "node" and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage error (already printed).
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.ok;
      if (error.code === "commander.help") return EXIT.usage;
      return EXIT.usage;
    }
    io.stderr.write(`abs: error: ${describeFailure(error)}\n`);
    if (error instanceof CliError) return error.exitCode;
    if (error instanceof CoreError && error.code === "INVALID_ARGUMENT") return EXIT.usage;
    return EXIT.failure;
  }
}

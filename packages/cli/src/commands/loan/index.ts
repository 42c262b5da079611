/** `abs loan ...`: loan-level checks against the chain. */
import { type Command } from "commander";
import { type CliIo } from "../../io";
import { registerLoanVerify } from "./verify";

export function registerLoanCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const loan = program.command("loan").description("loans: verify a loan record against the anchored tape root");
  registerLoanVerify(loan, io, setExitCode);
}

/** `abs tape ...`: loan-tape commands (generate, validate; upload comes with the member node). */
import { type Command } from "commander";
import { type CliIo } from "../../io";
import { registerTapeGenerate } from "./generate";
import { registerTapeValidate } from "./validate";

export function registerTapeCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const tape = program.command("tape").description("loan tapes: generate synthetic tapes, validate tapes");
  registerTapeGenerate(tape, io, setExitCode);
  registerTapeValidate(tape, io, setExitCode);
}

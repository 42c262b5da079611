/** `abs tape ...`: loan-tape commands (generate, validate, upload). */
import { type Command } from "commander";
import { type CliIo } from "../../io";
import { registerTapeGenerate } from "./generate";
import { registerTapeUpload } from "./upload";
import { registerTapeValidate } from "./validate";

export function registerTapeCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const tape = program
    .command("tape")
    .description("loan tapes: generate synthetic tapes, validate tapes, upload them to the originator node");
  registerTapeGenerate(tape, io, setExitCode);
  registerTapeValidate(tape, io, setExitCode);
  registerTapeUpload(tape, io, setExitCode);
}

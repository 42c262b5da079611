/** `abs report ...`: period reports (build, submit). */
import { type Command } from "commander";
import { type CliIo } from "../../io";
import { registerReportBuild } from "./build";
import { registerReportSubmit } from "./submit";

export function registerReportCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const report = program
    .command("report")
    .description("period reports: build one from a performance file, submit it to the pool");
  registerReportBuild(report, io, setExitCode);
  registerReportSubmit(report, io, setExitCode);
}

/** `abs report ...`: period reports (build; submit comes with the member node). */
import { type Command } from "commander";
import { type CliIo } from "../../io";
import { registerReportBuild } from "./build";

export function registerReportCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const report = program.command("report").description("period reports: build a period report from a performance file");
  registerReportBuild(report, io, setExitCode);
}

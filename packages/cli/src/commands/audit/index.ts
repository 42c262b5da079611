/** `abs audit ...`: the regulator's checks of what an indexer exported. */
import { type Command } from "commander";
import { type CliIo } from "../../io";
import { registerAuditVerify } from "./verify";

export function registerAuditCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const audit = program.command("audit").description("audit exports: verify one against the chain");
  registerAuditVerify(audit, io, setExitCode);
}

/** `abs indexer ...`: the member's access to an indexer (GraphQL, dashboard). */
import { type Command } from "commander";
import { type CliIo } from "../../io";
import { registerIndexerLogin } from "./login";

export function registerIndexerCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const indexer = program.command("indexer").description("indexers: sign in with your member key");
  registerIndexerLogin(indexer, io, setExitCode);
}

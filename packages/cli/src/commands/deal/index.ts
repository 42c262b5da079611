import { type Command } from "commander";
import { type CliIo } from "../../io";
import { registerDealShow } from "./show";
import { registerDealSign } from "./sign";
import { registerDealStructure } from "./structure";

export function registerDealCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const deal = program.command("deal").description("a deal's structure: from a deal file to the chain and back");
  registerDealStructure(deal, io, setExitCode);
  registerDealShow(deal, io, setExitCode);
  registerDealSign(deal, io, setExitCode);
}

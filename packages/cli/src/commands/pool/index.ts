/** `abs pool ...`: create a deal's pool on chain; show a pool's state, tranches, tapes and periods. */
import { type Command } from "commander";
import { type CliIo } from "../../io";
import { registerPoolCreate } from "./create";
import { registerPoolDoublePledges } from "./double-pledges";
import { registerPoolPledges } from "./pledges";
import { registerPoolReleasePledges } from "./release-pledges";
import { registerPoolShow } from "./show";

export function registerPoolCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const pool = program.command("pool").description("deal pools: create one, show one, set its pledge policy");
  registerPoolCreate(pool, io, setExitCode);
  registerPoolShow(pool, io, setExitCode);
  registerPoolPledges(pool, io, setExitCode);
  registerPoolDoublePledges(pool, io, setExitCode);
  registerPoolReleasePledges(pool, io, setExitCode);
}

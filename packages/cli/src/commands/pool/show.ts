/**
 * `abs pool show POOL`: a pool's state, parties, tranches, anchored tapes and period reports, read from
 * chain (all public), as tables or --json. Exit 0, 1 if the chain cannot be read, 2 usage error.
 */
import { type Command } from "commander";
import { z } from "zod";
import { readPoolView, type PoolView } from "@abs/node";
import { epochDayToIsoDate } from "@abs/core";
import { address, chainFailure, providerFor, rpcUrlOf, withRpcOption } from "../../chain";
import { EXIT } from "../../errors";
import { type CliIo } from "../../io";
import {
  formatCount,
  formatKeyValues,
  formatRateWad,
  formatTable,
  formatWad,
  formatYuan,
  writeJson,
} from "../../output";
import { parseOptions } from "../parse-options";
import { AddressNames } from "../../consortium/acting-member";
import { readConsortiumFile } from "../../consortium/consortium-file";

const optionsSchema = z.strictObject({ rpcUrl: z.string().optional(), json: z.boolean().default(false) });

const day = (seconds: bigint): string => epochDayToIsoDate(Number(seconds / 86_400n));

/** `address` and, when the consortium file knows it, its name: "0x90F7… (trustee)". */
function named(names: AddressNames, address: string): string {
  const name = names.of(address);
  return name === address ? address : `${name} (${address})`;
}

function human(view: PoolView, names: AddressNames): string {
  let text = `Pool ${view.pool}\n${formatKeyValues([
    ["Name", view.name],
    ["Deal", view.dealId],
    ["State", view.state],
    ["Originator", named(names, view.originator)],
    ["Servicer", named(names, view.servicer)],
    ["Trustee", named(names, view.trustee)],
    ["Cash token", named(names, view.cashToken)],
    ["Waterfall", /^0x0{40}$/.test(view.waterfall) ? "none yet (the trustee creates it)" : view.waterfall],
    ["Current tape", view.currentTapeVersion === 0 ? "none" : `v${view.currentTapeVersion}`],
    ["Sold tape", view.soldTapeVersion === 0 ? "not sold yet" : `v${view.soldTapeVersion}`],
  ])}`;
  text += `\nTranches\n${
    view.tranches.length === 0
      ? "  none\n"
      : formatTable(
          ["SENIORITY", "SYMBOL", "FACE (CNY)", "ISSUED (CNY)", "COUPON", "FACTOR", "ADDRESS"],
          view.tranches.map((t) => [
            String(t.seniority),
            t.symbol,
            formatYuan(t.originalFaceCents),
            formatYuan(t.totalSupplyCents),
            formatRateWad(t.couponRateWad),
            formatWad(t.factorRay / 10n ** 9n, 6),
            t.address,
          ]),
        )
  }`;
  text += `\nTapes\n${
    view.tapes.length === 0
      ? "  none\n"
      : formatTable(
          ["VERSION", "KIND", "LOANS", "PRINCIPAL (CNY)", "WA RATE", "CUT-OFF", "ROOT"],
          view.tapes.map((t) => [
            String(t.version),
            t.kind,
            formatCount(Number(t.loanCount)),
            formatYuan(t.totalPrincipalCents),
            formatRateWad(t.waRateWad),
            day(t.cutoffDate),
            t.merkleRoot,
          ]),
        )
  }`;
  text += `\nPeriods\n${
    view.periods.length === 0
      ? "  none\n"
      : formatTable(
          ["PERIOD", "START", "END", "INTEREST", "PRINCIPAL", "PREPAID", "DEFAULTS", "ENDING BALANCE", "LOANS", "REV"],
          view.periods.map((p) => [
            String(p.period),
            day(p.startDate),
            day(p.endDate),
            formatYuan(p.interestCollectedCents),
            formatYuan(p.scheduledPrincipalCents),
            formatYuan(p.prepaymentCents),
            formatYuan(p.newDefaultsCents),
            formatYuan(p.endingBalanceCents),
            formatCount(Number(p.loanCount)),
            `${p.revision}${p.distributed ? " (distributed)" : ""}`,
          ]),
        )
  }`;
  return text;
}

async function run(pool: string, raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  const poolAddress = parseOptions(z.strictObject({ pool: address }), { pool }).pool;
  const provider = providerFor(rpcUrlOf(options.rpcUrl, io));
  try {
    let view: PoolView;
    try {
      view = await readPoolView(provider, poolAddress);
    } catch (error) {
      throw chainFailure(error, `reading pool ${poolAddress}`);
    }
    if (options.json) writeJson(io.stdout, view);
    else io.stdout.write(human(view, new AddressNames(readConsortiumFile(io))));
    return EXIT.ok;
  } finally {
    provider.destroy();
  }
}

export function registerPoolShow(pool: Command, io: CliIo, setExitCode: (code: number) => void): void {
  withRpcOption(
    pool
      .command("show")
      .description("show a pool's state, parties, tranches, anchored tapes and period reports (read from chain)")
      .argument("<pool>", "the pool's address"),
  )
    .option("--json", "print the pool as JSON", false)
    .addHelpText("after", "\nExit codes: 0 shown, 1 chain unreadable, 2 usage error.")
    .action(async (poolAddress: string, raw: unknown) => {
      setExitCode(await run(poolAddress, raw, io));
    });
}

/**
 * `abs offering ...`: a deal's primary offering. The trustee opens it from the deal file (one window per class:
 * price, minimum order, increment, size = the class's face), investors subscribe paying cash, the trustee closes it
 * after the windows (allocation pro-rata when oversubscribed, or by the trustee's own allocation file; the notes are
 * minted and the originator is paid for the loans: the true sale). The contract closes at most `CLOSE_BATCH`
 * subscribers per transaction, so `close` sends as many calls as it takes, and resumes an interrupted closing with
 * the terms it started with.
 */
import { type Command } from "commander";
import { z } from "zod";
import { ZeroAddress } from "ethers";
import { parseCents } from "@abs/core";
import { readCall, sendCall, type SentTransaction } from "../../contracts/chain-calls";
import { amountOption, registerDealCommand } from "../../deal/deal-command";
import {
  type ChainSession,
  type DealView,
  readDeal,
  requireOffering,
  signed,
  signedConsortium,
  trancheOfClass,
} from "../../deal/deal-session";
import { decimalToWad } from "../../deal/deal-terms";
import { CliError } from "../../errors";
import { type CliIo } from "../../io";
import { formatMoney, formatUnixTime } from "../../output";
import { readDealFile } from "../../deal/deal-file";
import { allocationTables, readAllocationFile, withResumeHint } from "../../deal/allocation-file";
import { allocationLines } from "./allocation-lines";

const OFFERING_STATUS = ["Open", "Closed", "Failed", "Closing", "Failing"] as const;
const DAY = 86_400n;

async function chainTime(session: ChainSession): Promise<bigint> {
  return BigInt((await session.provider.getBlock("latest"))?.timestamp ?? 0);
}

function registerOpen(offering: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    offering,
    {
      name: "open",
      description: "open the deal's offering as the deal file's offering section says",
      by: "the deal's trustee",
      options: (c) => c.argument("<deal-file>", "the deal file"),
      shape: {},
      needsDeal: false,
      run: async (session, _none, _options, args) => {
        const file = await readDealFile(args[0] ?? "");
        const deal = await readDeal(session, file.deal);
        const pool = await signed(session, "AssetPool", deal.pool);
        const steps: string[] = [];
        if (deal.state === "Structured") {
          await sendCall(pool, "openOffering", [], "openOffering");
          steps.push("pool moved to Offering");
        } else if (deal.state !== "Offering") {
          throw new CliError(
            "USAGE",
            `Deal ${deal.code} is ${deal.state}: an offering opens from Structured (run \`abs deal structure\` first)`,
          );
        }
        let address = deal.offering;
        if (
          address === ZeroAddress ||
          (await readCall<bigint>(await signed(session, "Offering", address), "status", [])) === 2n
        ) {
          const now = await chainTime(session);
          const closesAt = now + BigInt(Math.round(file.offering.windowHours * 3600));
          const windows = deal.tranches.map((t) => {
            const price = decimalToWad(file.offering.prices[t.class] ?? "100");
            if (price % 10n ** 16n !== 0n) {
              throw new CliError(
                "USAGE",
                `offering.prices.${t.class}: expected a price in whole basis points (at most 2 decimals of a percent)`,
              );
            }
            return {
              priceBps: price / 10n ** 16n,
              minSubscriptionCents: parseCents(file.offering.minSubscription),
              incrementCents: parseCents(file.offering.increment),
              minSizeCents: t.originalFaceCents,
              allowedInvestorClasses: t.allowedInvestorClasses,
              opensAt: now,
              closesAt,
            };
          });
          const factory = await signedConsortium(session, "OfferingFactory");
          await sendCall(
            factory,
            "createOffering",
            [deal.pool, windows, { investor: ZeroAddress, advanceCents: 0n, repaymentCents: 0n }],
            "createOffering",
          );
          address = await readCall<string>(factory, "offeringOf", [deal.pool]);
          steps.push(`offering ${address} created: windows close ${formatUnixTime(closesAt)}`);
        }
        return {
          title: steps.length === 0 ? `The offering of ${deal.code} is already open` : `Offering of ${deal.code} open`,
          lines: [["Offering", address], ...steps.map((s, i) => [`Step ${i + 1}`, s] as const)],
          json: { deal: deal.code, offering: address, steps },
        };
      },
    },
    io,
    setExitCode,
  );
}

function registerSubscribe(offering: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    offering,
    {
      name: "subscribe",
      description: "subscribe to a class of the deal's offering, paying its price in cash now",
      by: "an eligible investor",
      options: (c) =>
        c
          .option("--class <class>", "the class, e.g. A (required)")
          .option("--amount <amount>", "the face amount ordered, in currency units (required)"),
      shape: { class: z.string("expected --class <class> (required)"), amount: amountOption },
      run: async (session, view, options) => {
        const deal = view as DealView;
        const tranche = trancheOfClass(deal, options.class);
        const address = requireOffering(deal);
        const off = await signed(session, "Offering", address);
        const face = parseCents(options.amount);
        const cost = await readCall<bigint>(off, "costOf", [tranche.index, face]);
        const cash = await signed(session, "CashToken", deal.cashToken);
        const me = await session.signer();
        const balance = await readCall<bigint>(cash, "balanceOf", [me.address]);
        const currency = session.file.currency;
        if (balance < cost) {
          throw new CliError(
            "CHAIN_FAILED",
            `Not enough cash: the order costs ${formatMoney(cost, currency)}, ${session.names.of(me.address)} holds ${formatMoney(balance, currency)} (the custodian credits cash with \`abs cash mint\`)`,
          );
        }
        await sendCall(cash, "approve", [address, cost], "approve the offering to take the price");
        const sent = await sendCall(
          off,
          "subscribe",
          [tranche.index, face],
          `subscribe(class ${tranche.class}, ${options.amount})`,
        );
        const order = await readCall<bigint>(off, "orderOf", [tranche.index, me.address]);
        const demand = await readCall<bigint>(off, "demandOf", [tranche.index]);
        return {
          title: `${session.names.of(me.address)} subscribed ${formatMoney(face, currency)} of ${deal.code} class ${tranche.class}`,
          lines: [
            ["Paid", formatMoney(cost, currency)],
            ["Your order", formatMoney(order, currency)],
            [
              "Class demand",
              `${formatMoney(demand, currency)} for ${formatMoney(tranche.originalFaceCents, currency)} of face`,
            ],
            ["Transaction", `${sent.hash} (block ${sent.blockNumber})`],
          ],
          json: {
            deal: deal.code,
            class: tranche.class,
            faceCents: face,
            paidCents: cost,
            orderCents: order,
            demandCents: demand,
            txHash: sent.hash,
          },
        };
      },
    },
    io,
    setExitCode,
  );
}

function registerClose(offering: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    offering,
    {
      name: "close",
      description: "close the offering after its windows: allocate, mint the notes, pay the originator (true sale)",
      by: "the deal's trustee",
      options: (c) =>
        c
          .option("--revolving-days <n>", "length of the revolving period from now, in days (default: none)", "0")
          .option(
            "--allocation <file>",
            "the trustee's allocation of oversubscribed classes (YAML: class -> investor -> amount); others pro-rata",
          ),
      shape: {
        revolvingDays: z.coerce.number().int().min(0).max(3650).default(0),
        allocation: z.string().optional(),
      },
      run: async (session, view, options) => {
        const deal = view as DealView;
        const off = await signed(session, "Offering", requireOffering(deal));
        const statusNow = async () => OFFERING_STATUS[Number(await readCall<bigint>(off, "status", []))] ?? "?";
        const tables = await tablesOf(session, deal, off, options.allocation);
        let params: { tapeVersion: bigint; revolving: boolean; revolvingEndDate: bigint; tables: bigint[][] };
        const before = await statusNow();
        if (before === "Closing" || before === "Failing") {
          // An interrupted closing resumes with the terms it started with (the contract checks they are the same).
          const [tapeVersion, revolving, revolvingEndDate] = await readCall<[bigint, boolean, bigint]>(
            off,
            "closingTerms",
            [],
          );
          params = { tapeVersion, revolving, revolvingEndDate, tables };
        } else if (before === "Open") {
          const window = await readCall<{ closesAt: bigint }>(off, "window", [0]);
          const now = await chainTime(session);
          if (now < window.closesAt) {
            throw new CliError(
              "USAGE",
              `The offering's windows close at ${formatUnixTime(window.closesAt)}; the chain's time is ${formatUnixTime(now)}`,
            );
          }
          const pool = await signed(session, "AssetPool", deal.pool);
          const tapeVersion = await readCall<bigint>(pool, "currentTapeVersion", []);
          const revolving = options.revolvingDays > 0;
          const revolvingEndDate = revolving ? now + BigInt(options.revolvingDays) * DAY : 0n;
          params = { tapeVersion, revolving, revolvingEndDate, tables };
        } else {
          throw new CliError("USAGE", `The offering of ${deal.code} is already ${before}`);
        }
        // Each call handles at most CLOSE_BATCH subscribers: repeat until the closing (or the refunds) are over.
        const sentAll: SentTransaction[] = [];
        let status: string;
        let sent: SentTransaction; // the last call
        do {
          sent = await sendCall(off, "close", [params], `close the offering (call ${sentAll.length + 1})`).catch(
            (error: unknown) => {
              throw withResumeHint(error, before);
            },
          );
          sentAll.push(sent);
          status = await statusNow();
        } while (status === "Closing" || status === "Failing");
        const events = sentAll.flatMap((s) => s.events);
        const closed = events.find((e) => e.name === "OfferingClosed");
        const allocations = events.filter((e) => e.name === "Allocated");
        const after = await readDeal(session, deal.code);
        const currency = session.file.currency;
        const lines: [string, string][] = [
          ["Offering", status],
          ["Pool", after.state],
        ];
        if (before !== "Open") lines.push(["Resumed", `a closing that was ${before}`]);
        if (closed) {
          lines.push(["Raised", formatMoney(closed.args.getValue("raisedCents") as bigint, currency)]);
          lines.push(["Paid originator", formatMoney(closed.args.getValue("originatorCents") as bigint, currency)]);
          lines.push(["Refunded", formatMoney(closed.args.getValue("refundedCents") as bigint, currency)]);
        }
        const allotted = allocations.map((a) => ({
          trancheClass:
            deal.tranches.find((t) => t.address.toLowerCase() === String(a.args.getValue("tranche")).toLowerCase())
              ?.class ?? "?",
          investor: session.names.of(String(a.args.getValue("investor"))),
          allocatedCents: a.args.getValue("allocatedCents") as bigint,
        }));
        lines.push(...allocationLines(allotted, currency));
        for (const one of sentAll) lines.push(["Transaction", `${one.hash} (block ${one.blockNumber})`]);
        return {
          title:
            status === "Closed"
              ? `Offering of ${deal.code} closed: notes issued`
              : `Offering of ${deal.code} ${status}: every subscriber refunded`,
          lines,
          json: {
            deal: deal.code,
            status,
            poolState: after.state,
            allocations: allocations.map((a) => ({
              tranche: a.args.getValue("tranche") as string,
              investor: a.args.getValue("investor") as string,
              allocatedCents: a.args.getValue("allocatedCents") as bigint,
              costCents: a.args.getValue("costCents") as bigint,
            })),
            txHash: sent.hash,
            txHashes: sentAll.map((one) => one.hash),
          },
        };
      },
    },
    io,
    setExitCode,
  );
}

/** The close's tables: empty (pro-rata) without an allocation file, else the file's (see allocation-file.ts). */
async function tablesOf(
  session: ChainSession,
  deal: DealView,
  off: Awaited<ReturnType<typeof signed>>,
  file: string | undefined,
): Promise<bigint[][]> {
  if (file === undefined) return deal.tranches.map(() => []);
  const allocation = await readAllocationFile(file);
  const subscribers = await Promise.all(
    deal.tranches.map(async (t) => Array.from(await readCall<string[]>(off, "subscribersOf", [t.index]))),
  );
  return allocationTables(allocation, deal, session.file, subscribers, (a) => session.names.of(a));
}

export function registerOfferingCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const offering = program.command("offering").description("a deal's primary offering: open, subscribe, close");
  registerOpen(offering, io, setExitCode);
  registerSubscribe(offering, io, setExitCode);
  registerClose(offering, io, setExitCode);
}

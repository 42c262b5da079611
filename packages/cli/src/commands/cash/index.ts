/**
 * `abs cash ...`: the custodian's cash token, in currency units. The custodian credits a member against a bank
 * reference (each reference once: the same bank movement cannot be credited twice) and confirms payouts; a holder
 * reads balances and asks for a payout to its bank account (the cash is escrowed until the custodian confirms).
 */
import { type Command } from "commander";
import { keccak256, toUtf8Bytes } from "ethers";
import { z } from "zod";
import { parseCents } from "@abs/core";
import { addressOfMember } from "../../consortium/acting-member";
import { readCall, sendCall } from "../../contracts/chain-calls";
import { amountOption, registerDealCommand } from "../../deal/deal-command";
import { signedConsortium } from "../../deal/deal-session";
import { CliError } from "../../errors";
import { type CliIo } from "../../io";
import { formatMoney } from "../../output";

const bankRef = z
  .string("expected --bank-ref <reference> (required)")
  .min(1)
  .max(128, "expected a bank reference of at most 128 characters");

/** A bank reference as the chain keeps it: the keccak-256 of its text. */
export function bankRefHash(reference: string): string {
  return keccak256(toUtf8Bytes(reference));
}

export function registerCashCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const cash = program.command("cash").description("the custodian's cash token: credit, balances, payouts");
  registerDealCommand(
    cash,
    {
      name: "mint",
      description: "credit a member's cash against a bank movement (a reference is used once)",
      by: "the custodian",
      needsDeal: false,
      options: (c) =>
        c
          .option("--to <member>", "the member (name or address) whose bank deposit this is (required)")
          .option("--amount <amount>", "the amount, in currency units (required)")
          .option("--bank-ref <reference>", "the bank movement's reference (required)"),
      shape: { to: z.string("expected --to <member> (required)"), amount: amountOption, bankRef },
      run: async (session, _deal, options) => {
        const token = await signedConsortium(session, "CashToken");
        const to = addressOfMember(session.file, options.to);
        const cents = parseCents(options.amount);
        const hash = bankRefHash(options.bankRef);
        if (await readCall<boolean>(token, "isBankReferenceUsed", [hash])) {
          throw new CliError(
            "USAGE",
            `Bank reference "${options.bankRef}" was already credited: a bank movement is credited once`,
          );
        }
        const sent = await sendCall(token, "mint", [to, cents, hash], `mint ${options.amount} to ${options.to}`);
        const balance = await readCall<bigint>(token, "balanceOf", [to]);
        const currency = session.file.currency;
        return {
          title: `Credited ${formatMoney(cents, currency)} to ${session.names.of(to)}`,
          lines: [
            ["Bank reference", options.bankRef],
            ["Balance now", formatMoney(balance, currency)],
            ["Transaction", `${sent.hash} (block ${sent.blockNumber})`],
          ],
          json: {
            to,
            amountCents: cents,
            bankRef: options.bankRef,
            bankRefHash: hash,
            balanceCents: balance,
            txHash: sent.hash,
          },
        };
      },
    },
    io,
    setExitCode,
  );
  registerDealCommand(
    cash,
    {
      name: "balance",
      description: "cash balances: one member's, or every member's and the bank's total",
      by: "any member",
      needsDeal: false,
      options: (c) => c.option("--of <member>", "one member (name or address)"),
      shape: { of: z.string().optional() },
      run: async (session, _deal, options) => {
        const token = session.contract("CashToken");
        const currency = session.file.currency;
        const who =
          options.of === undefined
            ? session.file.members.map((m) => m.address)
            : [addressOfMember(session.file, options.of)];
        const balances = await Promise.all(
          who.map(async (a) => [a, await readCall<bigint>(token, "balanceOf", [a])] as const),
        );
        const supply = await readCall<bigint>(token, "totalSupply", []);
        const bank = await readCall<bigint>(token, "recordedBankBalanceCents", []);
        return {
          title: "Cash balances",
          lines: [
            ...balances.map(([a, b]) => [session.names.of(a), formatMoney(b, currency)] as const),
            ["(all tokens)", formatMoney(supply, currency)],
            ["(at the bank)", formatMoney(bank, currency)],
          ],
          json: {
            balances: balances.map(([address, cents]) => ({ address, name: session.names.of(address), cents })),
            totalSupplyCents: supply,
            bankBalanceCents: bank,
          },
        };
      },
    },
    io,
    setExitCode,
  );
  registerDealCommand(
    cash,
    {
      name: "payout",
      description: "ask the custodian to pay cash out to your bank account (escrowed until confirmed)",
      by: "a cash holder",
      needsDeal: false,
      options: (c) =>
        c
          .option("--amount <amount>", "the amount, in currency units (required)")
          .option("--account <text>", "your bank account (only its hash goes on chain) (required)"),
      shape: { amount: amountOption, account: z.string("expected --account <text> (required)").min(1) },
      run: async (session, _deal, options) => {
        const token = await signedConsortium(session, "CashToken");
        const cents = parseCents(options.amount);
        const sent = await sendCall(
          token,
          "requestPayout",
          [cents, keccak256(toUtf8Bytes(options.account))],
          `requestPayout(${options.amount})`,
        );
        const id = sent.events.find((e) => e.name === "PayoutRequested")?.args.getValue("payoutId") as
          bigint | undefined;
        return {
          title: `Payout #${id ?? "?"} of ${formatMoney(cents, session.file.currency)} requested`,
          lines: [["Transaction", `${sent.hash} (block ${sent.blockNumber})`]],
          json: { payoutId: id, amountCents: cents, txHash: sent.hash },
        };
      },
    },
    io,
    setExitCode,
  );
  registerDealCommand(
    cash,
    {
      name: "confirm-payout",
      description: "confirm a payout the bank has made (burns the escrowed cash)",
      by: "the custodian",
      needsDeal: false,
      options: (c) =>
        c
          .argument("<payout-id>", "the payout's number")
          .option("--bank-ref <reference>", "the bank transfer's reference (required)"),
      shape: { bankRef },
      run: async (session, _deal, options, args) => {
        const id = z.coerce.bigint().positive().safeParse(args[0]);
        if (!id.success)
          throw new CliError(
            "USAGE",
            `Invalid payout id: expected a positive number, found ${JSON.stringify(args[0])}`,
          );
        const token = await signedConsortium(session, "CashToken");
        const sent = await sendCall(
          token,
          "confirmPayout",
          [id.data, bankRefHash(options.bankRef)],
          `confirmPayout(#${id.data})`,
        );
        return {
          title: `Payout #${id.data} confirmed`,
          lines: [
            ["Bank reference", options.bankRef],
            ["Transaction", `${sent.hash} (block ${sent.blockNumber})`],
          ],
          json: { payoutId: id.data, bankRef: options.bankRef, txHash: sent.hash },
        };
      },
    },
    io,
    setExitCode,
  );
}

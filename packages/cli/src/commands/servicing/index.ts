/**
 * The commands of a deal's servicing life, each run by the party entitled to it:
 * - `abs remit` (servicer): pays a reported period's collections into the waterfall — exactly what the
 *   period's report on chain says was collected (interest + scheduled principal + prepayments + recoveries), less
 *   what revolving purchases reinvested of it, plus the clean-up price, less what the waterfall already holds; with `--amount` (the collections the servicer's bank statement shows)
 *   it refuses when the two disagree, and nothing is sent.
 * - `abs claim` (any noteholder or payee): collects what the deal owes the caller — distributions held for it by
 *   each tranche token, and fees, the residual or guarantee money owed by the waterfall.
 * - `abs guarantee commit` (the deal's guarantor): commits cash to the guarantee facility, up to its limit.
 * - `abs deal clean-up-call` (servicer): buys every loan left at the reported period's ending balance, paying the
 *   price into the waterfall (the period then distributes it with its collections and pays the notes off).
 */
import { type Command } from "commander";
import { ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import { z } from "zod";
import { POOL_STATE_NAMES, parseCents } from "@abs/core";
import { readCall, sendCall } from "../../contracts/chain-calls";
import { amountOption, registerDealCommand } from "../../deal/deal-command";
import { type DealView, requireWaterfall, signed } from "../../deal/deal-session";
import { CliError } from "../../errors";
import { type CliIo } from "../../io";
import { formatMoney, formatUnixTime } from "../../output";

/** The period's report as the servicer submitted it (`AssetPool.report`), the fields remit checks. */
interface ServicerReport {
  interestCollectedCents: bigint;
  scheduledPrincipalCents: bigint;
  prepaymentCents: bigint;
  recoveryCents: bigint;
}

interface WaterfallReport {
  lastPeriod: bigint;
  startDate: bigint;
  endDate: bigint;
  interestCollectedCents: bigint;
  principalCollectedCents: bigint;
  recoveryCents: bigint;
}

function registerRemit(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    program,
    {
      name: "remit",
      description: "pay a reported period's collections into the deal's waterfall, checked against the report",
      by: "the deal's servicer",
      options: (c) =>
        c
          .option("--period <n>", "the period (required)")
          .option("--dry-run", "print what is due without sending anything", false)
          .option(
            "--amount <amount>",
            "the collections your bank statement shows; refused unless it equals the report's",
          ),
      shape: {
        period: z.coerce.number("expected --period <n> (required)").int().min(1),
        amount: amountOption.optional(),
        dryRun: z.boolean().default(false),
      },
      run: async (session, view, options) => {
        const deal = view as DealView;
        const currency = session.file.currency;
        const waterfall = await signed(session, "Waterfall", requireWaterfall(deal));
        const pool = await signed(session, "AssetPool", deal.pool);
        const report = await readCall<WaterfallReport>(pool, "waterfallReport", [options.period]);
        if (BigInt(options.period) > report.lastPeriod) {
          throw new CliError(
            "USAGE",
            `Period ${options.period} of ${deal.code} has no report yet (last reported: ${report.lastPeriod}): submit it first (\`abs report submit\`)`,
          );
        }
        const lastRun = await readCall<bigint>(waterfall, "lastPeriod", []);
        if (BigInt(options.period) !== lastRun + 1n) {
          throw new CliError(
            "USAGE",
            `Period ${options.period} is not the next to settle: the waterfall has run period ${lastRun}, so the next is ${lastRun + 1n}`,
          );
        }
        // The report's own collections (what the servicer's bank statement shows) and what the waterfall runs the
        // period on: that less what revolving purchases reinvested, plus the clean-up price (both already held).
        const own = await readCall<ServicerReport>(pool, "report", [options.period]);
        const collected =
          own.interestCollectedCents + own.scheduledPrincipalCents + own.prepaymentCents + own.recoveryCents;
        const needed = report.interestCollectedCents + report.principalCollectedCents;
        if (options.amount !== undefined && parseCents(options.amount) !== collected) {
          throw new CliError(
            "USAGE",
            `The amount disagrees with period ${options.period}'s report: --amount ${formatMoney(parseCents(options.amount), currency)}, the report says ${formatMoney(collected, currency)} collected`,
            {
              details: [
                `interest ${formatMoney(own.interestCollectedCents, currency)}, principal ${formatMoney(own.scheduledPrincipalCents + own.prepaymentCents, currency)}, recoveries ${formatMoney(own.recoveryCents, currency)}`,
                "nothing was sent: correct the report (restate it) or the amount",
              ],
            },
          );
        }
        const held = await readCall<bigint>(waterfall, "collectionsHeldCents", []);
        const due = needed > held ? needed - held : 0n;
        const lines: [string, string][] = [
          ["Period", `${options.period} (${formatUnixTime(report.startDate)} to ${formatUnixTime(report.endDate)})`],
          ["Collected", formatMoney(collected, currency)],
          ...(needed === collected
            ? []
            : ([
                [
                  "To distribute",
                  `${formatMoney(needed, currency)} (after the period's revolving purchases and clean-up call)`,
                ],
              ] as [string, string][])),
          ["Already held", formatMoney(held, currency)],
        ];
        let txHash: string | undefined;
        if (options.dryRun) lines.push(["Due (dry run)", formatMoney(due, currency)]);
        else if (due > 0n) {
          const cash = await signed(session, "CashToken", deal.cashToken);
          const me = await session.signer();
          const balance = await readCall<bigint>(cash, "balanceOf", [me.address]);
          if (balance < due) {
            throw new CliError(
              "CHAIN_FAILED",
              `Not enough cash to remit: due ${formatMoney(due, currency)}, ${session.names.of(me.address)} holds ${formatMoney(balance, currency)} (the custodian credits collections with \`abs cash mint\`)`,
            );
          }
          const sent = await sendCall(
            cash,
            "transfer",
            [await waterfall.getAddress(), due],
            `remit ${formatMoney(due, currency)} to the waterfall`,
          );
          txHash = sent.hash;
          lines.push(
            ["Remitted", formatMoney(due, currency)],
            ["Transaction", `${sent.hash} (block ${sent.blockNumber})`],
          );
        }
        return {
          title: options.dryRun
            ? `Collections of ${deal.code} period ${options.period}: ${formatMoney(due, currency)} due (dry run: nothing sent)`
            : due > 0n
              ? `Collections of ${deal.code} period ${options.period} remitted`
              : `Collections of ${deal.code} period ${options.period} already in the waterfall: nothing sent`,
          lines,
          json: {
            deal: deal.code,
            period: options.period,
            collectedCents: collected,
            heldBeforeCents: held,
            dueCents: due,
            remittedCents: options.dryRun ? 0n : due,
            txHash,
          },
        };
      },
    },
    io,
    setExitCode,
  );
}

function registerClaim(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    program,
    {
      name: "claim",
      description: "collect what the deal owes you: note distributions, fees, the residual",
      by: "a noteholder or payee of the deal",
      options: (c) => c,
      shape: {},
      run: async (session, view) => {
        const deal = view as DealView;
        const me = await session.signer();
        const currency = session.file.currency;
        const lines: [string, string][] = [];
        const claims: { from: string; cents: bigint; txHash: string }[] = [];
        for (const t of deal.tranches) {
          const token = await signed(session, "TrancheToken", t.address);
          const owed = await readCall<bigint>(token, "claimableCents", [me.address]);
          if (owed === 0n) continue;
          const sent = await sendCall(token, "claim", [], `claim class ${t.class}`);
          claims.push({ from: `class ${t.class}`, cents: owed, txHash: sent.hash });
          lines.push([`Class ${t.class}`, formatMoney(owed, currency)]);
        }
        if (deal.waterfall !== ZeroAddress) {
          const waterfall = await signed(session, "Waterfall", deal.waterfall);
          const owed = await readCall<bigint>(waterfall, "owedCents", [me.address]);
          if (owed > 0n) {
            const sent = await sendCall(waterfall, "withdraw", [], "withdraw from the waterfall");
            claims.push({ from: "waterfall", cents: owed, txHash: sent.hash });
            lines.push(["Fees/residual", formatMoney(owed, currency)]);
          }
        }
        const total = claims.reduce((sum, c) => sum + c.cents, 0n);
        return {
          title:
            total === 0n
              ? `Nothing owed to ${session.names.of(me.address)} by ${deal.code}`
              : `${session.names.of(me.address)} collected ${formatMoney(total, currency)} from ${deal.code}`,
          lines,
          json: { deal: deal.code, account: me.address, totalCents: total, claims },
        };
      },
    },
    io,
    setExitCode,
  );
}

function registerGuarantee(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const guarantee = program.command("guarantee").description("the deal's guarantee facility");
  registerDealCommand(
    guarantee,
    {
      name: "commit",
      description: "commit cash to the deal's guarantee facility (up to its limit)",
      by: "the deal's guarantor",
      options: (c) => c.option("--amount <amount>", "the amount, in currency units (required)"),
      shape: { amount: amountOption },
      run: async (session, view, options) => {
        const deal = view as DealView;
        const cents = parseCents(options.amount);
        const waterfall = await signed(session, "Waterfall", requireWaterfall(deal));
        const cash = await signed(session, "CashToken", deal.cashToken);
        await sendCall(
          cash,
          "approve",
          [await waterfall.getAddress(), cents],
          "approve the waterfall to take the commitment",
        );
        const sent = await sendCall(waterfall, "commitGuarantee", [cents], `commitGuarantee(${options.amount})`);
        const committed = await readCall<bigint>(waterfall, "guaranteeCashCents", []);
        const currency = session.file.currency;
        return {
          title: `Committed ${formatMoney(cents, currency)} to the guarantee of ${deal.code}`,
          lines: [
            ["Facility cash", formatMoney(committed, currency)],
            ["Transaction", `${sent.hash} (block ${sent.blockNumber})`],
          ],
          json: { deal: deal.code, amountCents: cents, guaranteeCashCents: committed, txHash: sent.hash },
        };
      },
    },
    io,
    setExitCode,
  );
  registerDealCommand(
    guarantee,
    {
      name: "release",
      description: "take back the committed cash of an expired liquidity facility (credited, then withdrawn)",
      by: "the deal's guarantor",
      options: (c) => c,
      shape: {},
      run: async (session, view) => {
        const deal = view as DealView;
        const waterfall = await signed(session, "Waterfall", requireWaterfall(deal));
        const me = await session.signer();
        const cash = await readCall<bigint>(waterfall, "guaranteeCashCents", []);
        const sent = await sendCall(waterfall, "releaseExpiredFacility", [], "releaseExpiredFacility()");
        const owed = await readCall<bigint>(waterfall, "owedCents", [me.address]);
        const currency = session.file.currency;
        return {
          title: `Released ${formatMoney(cash, currency)} of ${deal.code}'s expired facility to ${session.names.of(me.address)}`,
          lines: [
            ["Owed to you now", `${formatMoney(owed, currency)} (abs claim --deal ${deal.code} withdraws it)`],
            ["Transaction", `${sent.hash} (block ${sent.blockNumber})`],
          ],
          json: { deal: deal.code, releasedCents: cash, owedCents: owed, txHash: sent.hash },
        };
      },
    },
    io,
    setExitCode,
  );
}

/** The trustee's state changes of a pool: start amortization, accelerate (event of default), redeem. */
function registerPoolLifecycle(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const pool = program.commands.find((c) => c.name() === "pool") ?? program.command("pool");
  const transitions = [
    {
      name: "amortize",
      description: "end the revolving period: the pool starts amortizing",
      method: "startAmortization",
      reason: false,
    },
    {
      name: "accelerate",
      description: "accelerate the deal (event of default): principal pays sequentially, no more revolving",
      method: "accelerate",
      reason: true,
    },
    {
      name: "redeem",
      description: "mark the deal redeemed (after the last distribution; then `abs settle close-out`)",
      method: "redeem",
      reason: false,
    },
  ] as const;
  for (const t of transitions) {
    registerDealCommand(
      pool,
      {
        name: t.name,
        description: t.description,
        by: "the deal's trustee",
        options: (c) => (t.reason ? c.option("--reason <text>", "why (its hash goes on chain; required)") : c),
        shape: { reason: t.reason ? z.string("expected --reason <text> (required)").min(1) : z.string().optional() },
        run: async (session, view, options) => {
          const deal = view as DealView;
          const p = await signed(session, "AssetPool", deal.pool);
          const args = t.reason ? [keccak256(toUtf8Bytes(String(options.reason)))] : [];
          const sent = await sendCall(p, t.method, args, `${t.method} ${deal.code}`);
          const state = POOL_STATE_NAMES[Number(await readCall<bigint>(p, "state", []))] ?? "?";
          return {
            title: `Deal ${deal.code}: ${deal.state} → ${state}`,
            lines: [
              ...(t.reason ? [["Reason", String(options.reason)] as const] : []),
              ["Transaction", `${sent.hash} (block ${sent.blockNumber})`],
            ],
            json: { deal: deal.code, from: deal.state, to: state, txHash: sent.hash },
          };
        },
      },
      io,
      setExitCode,
    );
  }
  registerDealCommand(
    program.commands.find((c) => c.name() === "deal") ?? program.command("deal"),
    {
      name: "clean-up-call",
      description:
        "buy every loan left at the reported period's ending balance (at or below the clean-up threshold): the price is paid into the waterfall now, and the period pays the notes off",
      by: "the deal's servicer (it holds the option and pays the price)",
      options: (c) => c.option("--dry-run", "print the price and the threshold without sending anything", false),
      shape: { dryRun: z.boolean().default(false) },
      run: async (session, view, options) => {
        const deal = view as DealView;
        const currency = session.file.currency;
        const waterfall = await signed(session, "Waterfall", requireWaterfall(deal));
        const pool = await signed(session, "AssetPool", deal.pool);
        const lastRun = await readCall<bigint>(waterfall, "lastPeriod", []);
        const period = lastRun + 1n;
        const report = await readCall<WaterfallReport & { endingBalanceCents: bigint }>(pool, "waterfallReport", [
          period,
        ]);
        if (period > report.lastPeriod) {
          throw new CliError(
            "USAGE",
            `The clean-up call is exercised on a reported period not yet settled: ${deal.code} has settled period ${lastRun} and period ${period} has no report yet`,
            {
              details: ["submit the period's report first (`abs --as servicer report submit`), then call, then remit"],
            },
          );
        }
        const [factorRay, exercised] = await readCall<[bigint, boolean]>(waterfall, "cleanUpCall", []);
        const config = await readCall<{ originalPoolBalanceCents: bigint }>(waterfall, "config", []);
        const threshold = (config.originalPoolBalanceCents * factorRay) / 10n ** 27n;
        const price = report.endingBalanceCents;
        const lines: [string, string][] = [
          ["Period", `${period} (${formatUnixTime(report.startDate)} to ${formatUnixTime(report.endDate)})`],
          ["Price (the loans' balance)", formatMoney(price, currency)],
          ["Threshold", factorRay === 0n ? "no clean-up call in the deal's terms" : formatMoney(threshold, currency)],
        ];
        if (factorRay === 0n || exercised || price > threshold) {
          throw new CliError(
            "USAGE",
            factorRay === 0n
              ? `${deal.code} has no clean-up call in its terms`
              : exercised
                ? `The clean-up call of ${deal.code} was already exercised`
                : `The clean-up call of ${deal.code} is not available: the pool's balance ${formatMoney(price, currency)} is above the threshold ${formatMoney(threshold, currency)}`,
            { details: ["nothing was sent"] },
          );
        }
        let txHash: string | undefined;
        if (!options.dryRun) {
          const cash = await signed(session, "CashToken", deal.cashToken);
          const me = await session.signer();
          const balance = await readCall<bigint>(cash, "balanceOf", [me.address]);
          if (balance < price) {
            throw new CliError(
              "CHAIN_FAILED",
              `Not enough cash for the clean-up price: ${formatMoney(price, currency)} due, ${session.names.of(me.address)} holds ${formatMoney(balance, currency)}`,
              { details: ["the custodian credits cash with `abs --as custodian cash mint`; nothing was sent"] },
            );
          }
          await sendCall(cash, "approve", [deal.pool, price], "approve the pool to take the clean-up price");
          const sent = await sendCall(pool, "exerciseCleanUpCall", [], `exerciseCleanUpCall ${deal.code}`);
          txHash = sent.hash;
          lines.push(["Transaction", `${sent.hash} (block ${sent.blockNumber})`]);
        }
        return {
          title: options.dryRun
            ? `Clean-up call of ${deal.code}: ${formatMoney(price, currency)} due (dry run: nothing sent)`
            : `Clean-up call of ${deal.code} exercised: every loan bought for ${formatMoney(price, currency)}`,
          lines,
          json: { deal: deal.code, period: Number(period), priceCents: price, thresholdCents: threshold, txHash },
        };
      },
    },
    io,
    setExitCode,
  );
}

export function registerServicingCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerRemit(program, io, setExitCode);
  registerClaim(program, io, setExitCode);
  registerGuarantee(program, io, setExitCode);
  registerPoolLifecycle(program, io, setExitCode);
}

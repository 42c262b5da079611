/**
 * `abs dvp ...`: secondary trades of a deal's notes, delivery versus payment.
 * - `abs --as investor-1 dvp sign --deal D --class A --side sell --amount 1000.00 --price 99.50 --out sell.json`:
 *   the maker signs an order (EIP-712, the DvP contract's domain) with its own key and allows the DvP contract to
 *   deliver what the order may need (the notes for a sale, the cash for a purchase at its price, rounded up). Only
 *   the order and its signature go to the file; nothing trades yet.
 * - `abs --as exchange dvp submit sell.json buy.json [--fill 500.00] [--trade-id T]`: the exchange member hands the
 *   matched pair to its own node (`POST /v1/dvp/trades`, operator token), which checks both signatures and settles
 *   the trade on chain in one transaction: the notes move only if the cash does. The same trade id twice sends
 *   nothing the second time.
 */
import { readFile, writeFile } from "node:fs/promises";
import { type Command } from "commander";
import { ZeroAddress, getAddress } from "ethers";
import { z } from "zod";
import { DVP_ORDER_TYPES, parseCents } from "@abs/core";
import { memberNamed, actingMember } from "../../consortium/acting-member";
import { readConsortiumFile } from "../../consortium/consortium-file";
import { readCall, sendCall } from "../../contracts/chain-calls";
import { amountOption, registerDealCommand } from "../../deal/deal-command";
import { type DealView, signed, signedConsortium, trancheOfClass } from "../../deal/deal-session";
import { CliError } from "../../errors";
import { type CliIo } from "../../io";
import { formatMoney, formatUnixTime } from "../../output";

const BPS = 10_000n;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const uint = z.string().regex(/^\d{1,78}$/);
const orderFile = z.strictObject({
  order: z.strictObject({
    maker: address,
    isSell: z.boolean(),
    tranche: address,
    amountCents: uint,
    priceBps: uint,
    cashToken: address,
    counterparty: address,
    expiry: uint,
    nonce: uint,
  }),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
  deal: z.string(),
  class: z.string(),
});
type OrderFile = z.infer<typeof orderFile>;

/** "99.50" (percent of face) → 9950 basis points; a price finer than a basis point is refused. */
function priceBps(price: string): bigint {
  const match = /^(\d{1,4})(?:\.(\d{1,2}))?$/.exec(price);
  if (match === null)
    throw new CliError(
      "USAGE",
      `Invalid option --price: expected a price in percent of face with at most 2 decimals (e.g. 99.50), found ${price}`,
    );
  return BigInt(match[1] ?? "0") * 100n + BigInt((match[2] ?? "").padEnd(2, "0"));
}

async function readOrder(file: string): Promise<OrderFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new CliError(
      "INPUT_NOT_FOUND",
      `Cannot read an order from ${JSON.stringify(file)} (the output of abs dvp sign)`,
      { cause: error },
    );
  }
  const parsed = orderFile.safeParse(json);
  if (!parsed.success) {
    throw new CliError("USAGE", `Invalid order file ${JSON.stringify(file)} (expected the output of abs dvp sign)`, {
      details: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    });
  }
  return parsed.data;
}

export function registerDvpCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const dvp = program.command("dvp").description("secondary trades of notes, delivery versus payment");
  registerDealCommand(
    dvp,
    {
      name: "sign",
      description: "sign a buy or sell order for a class of notes and allow the DvP contract to deliver it",
      by: "the order's maker (an investor)",
      options: (c) =>
        c
          .option("--class <class>", "the class, e.g. A (required)")
          .option("--side <side>", "buy | sell (required)")
          .option("--amount <amount>", "face amount, in currency units (required)")
          .option("--price <percent>", "price in percent of face, e.g. 99.50 (required)")
          .option("--counterparty <member>", "only this member may take the order (default: anyone eligible)")
          .option("--expiry-hours <n>", "the order expires this many hours from the chain's now", "24")
          .option("--nonce <n>", "the order's nonce (default: the chain's time in milliseconds)")
          .option("--out <file>", "where to write the signed order (required)"),
      shape: {
        class: z.string("expected --class <class> (required)"),
        side: z.enum(["buy", "sell"], { error: "expected --side buy or sell" }),
        amount: amountOption,
        price: z.string("expected --price <percent> (required)"),
        counterparty: z.string().optional(),
        expiryHours: z.coerce
          .number()
          .positive()
          .max(24 * 365)
          .default(24),
        nonce: z
          .string()
          .regex(/^\d{1,30}$/)
          .optional(),
        out: z.string("expected --out <file> (required)").min(1),
      },
      run: async (session, view, options) => {
        const deal = view as DealView;
        const tranche = trancheOfClass(deal, options.class);
        const me = await session.signer();
        const dvpContract = await signedConsortium(session, "DvPSettlement");
        const dvpAddress = await dvpContract.getAddress();
        const face = parseCents(options.amount);
        const bps = priceBps(options.price);
        const now = BigInt((await session.provider.getBlock("latest"))?.timestamp ?? 0);
        const counterparty =
          options.counterparty === undefined ? ZeroAddress : memberNamed(session.file, options.counterparty).address;
        const order = {
          maker: me.address,
          isSell: options.side === "sell",
          tranche: tranche.address,
          amountCents: face,
          priceBps: bps,
          cashToken: getAddress(deal.cashToken),
          counterparty,
          expiry: now + BigInt(Math.round(options.expiryHours * 3600)),
          nonce: BigInt(options.nonce ?? Date.now()),
        };
        const currency = session.file.currency;
        // What the trade may take from the maker: the notes for a sale, the price (rounded up) for a purchase.
        const needed = order.isSell ? face : (face * bps + BPS - 1n) / BPS;
        const token = order.isSell
          ? await signed(session, "TrancheToken", tranche.address)
          : await signed(session, "CashToken", deal.cashToken);
        const held = await readCall<bigint>(token, "balanceOf", [me.address]);
        if (held < needed) {
          throw new CliError(
            "CHAIN_FAILED",
            `Not enough ${order.isSell ? `class ${tranche.class} notes` : "cash"} for the order: it needs ${formatMoney(needed, currency)}, ${session.names.of(me.address)} holds ${formatMoney(held, currency)}`,
          );
        }
        const allowed = await readCall<bigint>(token, "allowance", [me.address, dvpAddress]);
        await sendCall(
          token,
          "approve",
          [dvpAddress, allowed + needed],
          `allow the DvP contract ${formatMoney(needed, currency)}`,
        );
        const domain = (await readCall<[string, string, string, bigint, string]>(
          dvpContract,
          "eip712Domain",
          [],
        )) as unknown as { name: string; version: string; chainId: bigint; verifyingContract: string };
        const signature = await me.sender.signTypedData(
          {
            name: domain.name,
            version: domain.version,
            chainId: domain.chainId,
            verifyingContract: domain.verifyingContract,
          },
          DVP_ORDER_TYPES,
          order,
        );
        const file: OrderFile = {
          order: Object.fromEntries(
            Object.entries(order).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]),
          ) as OrderFile["order"],
          signature,
          deal: deal.code,
          class: tranche.class,
        };
        await writeFile(options.out, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
        return {
          title: `${options.side === "sell" ? "Sell" : "Buy"} order signed: ${formatMoney(face, currency)} of ${deal.code} class ${tranche.class} at ${options.price}%`,
          lines: [
            ["Maker", session.names.of(me.address)],
            ["Counterparty", counterparty === ZeroAddress ? "anyone eligible" : session.names.of(counterparty)],
            ["Expires", formatUnixTime(order.expiry)],
            ["Allowed DvP", formatMoney(needed, currency)],
            ["Order file", options.out],
          ],
          json: { ...file, out: options.out },
        };
      },
    },
    io,
    setExitCode,
  );
  registerDealCommand(
    dvp,
    {
      name: "submit",
      description: "hand a matched sell and buy order to your node, which settles the trade on chain (DvP)",
      by: "the exchange member",
      needsDeal: false,
      options: (c) =>
        c
          .argument("<sell-order>", "the seller's signed order (abs dvp sign --side sell)")
          .argument("<buy-order>", "the buyer's signed order")
          .option("--fill <amount>", "face amount to trade (default: the smaller order)")
          .option("--trade-id <id>", "the exchange's trade id (a retry with the same id sends nothing)")
          .option("--node <url>", "the exchange's node (default: the node of `abs --as`)")
          .option("--token-file <file>", "the node's operator token (default: the consortium file's)"),
      shape: {
        fill: amountOption.optional(),
        tradeId: z
          .string()
          .regex(/^[\x21-\x7e]{1,64}$/, "expected 1-64 printable characters")
          .optional(),
        node: z.url({ protocol: /^https?$/ }).optional(),
        tokenFile: z.string().min(1).optional(),
      },
      run: async (session, _deal, options, args) => {
        const [sell, buy] = await Promise.all([readOrder(args[0] ?? ""), readOrder(args[1] ?? "")]);
        if (!sell.order.isSell || buy.order.isSell)
          throw new CliError("USAGE", "Expected a sell order first and a buy order second");
        const fill =
          options.fill === undefined
            ? BigInt(sell.order.amountCents) < BigInt(buy.order.amountCents)
              ? BigInt(sell.order.amountCents)
              : BigInt(buy.order.amountCents)
            : parseCents(options.fill);
        const node = options.node ?? actingMember(io).member.nodeUrl;
        if (node === undefined) throw new CliError("USAGE", "Invalid option --node: expected the exchange node's URL");
        const tokenFile = options.tokenFile ?? readConsortiumFile(io)?.operatorTokenFile;
        if (tokenFile === undefined)
          throw new CliError("USAGE", "Invalid option --token-file: the node's operator token file is required");
        const token = (await readFile(tokenFile, "utf8")).trim();
        const tradeId = options.tradeId ?? `${sell.order.nonce}-${buy.order.nonce}`;
        let res: Response;
        try {
          res = await fetch(new URL("/v1/dvp/trades", node), {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify({
              tradeId,
              sell: sell.order,
              sellSignature: sell.signature,
              buy: buy.order,
              buySignature: buy.signature,
              fillCents: fill.toString(),
            }),
          });
        } catch (error) {
          throw new CliError("NODE_REQUEST_FAILED", `Cannot reach the exchange's node at ${node}`, { cause: error });
        }
        const body = (await res.json()) as {
          txHash?: string;
          blockNumber?: number;
          reused?: boolean;
          error?: { code: string; message: string };
        };
        if (!res.ok || body.txHash === undefined) {
          throw new CliError(
            "NODE_REQUEST_FAILED",
            `The node refused the trade (HTTP ${res.status} ${body.error?.code ?? ""}): ${body.error?.message ?? "no reason given"}`,
          );
        }
        const currency = session.file.currency;
        const cash = (fill * BigInt(sell.order.priceBps) + BPS - 1n) / BPS;
        return {
          title:
            body.reused === true
              ? `Trade ${tradeId} was settled before: nothing sent`
              : `Trade ${tradeId} settled: ${formatMoney(fill, currency)} of ${sell.deal} class ${sell.class} delivered against ${formatMoney(cash, currency)}`,
          lines: [
            ["Seller", session.names.of(sell.order.maker)],
            ["Buyer", session.names.of(buy.order.maker)],
            ["Transaction", `${body.txHash} (block ${body.blockNumber ?? "?"})`],
          ],
          json: { tradeId, fillCents: fill, cashCents: cash, txHash: body.txHash, reused: body.reused === true },
        };
      },
    },
    io,
    setExitCode,
  );
}

/**
 * The exchange member's DvP route (bearer token: the exchange's matching engine).
 *
 * POST /v1/dvp/trades  { tradeId, sell, sellSignature, buy, buySignature, fillCents }
 *   orders as in contracts/types/TradeTypes.sol, integers as decimal strings
 *   201 { tradeId, txHash, blockNumber, sellOrderHash, buyOrderHash, reused: false }   final in its block
 *   200 { ..., reused: true }                  the same trade id again: nothing sent
 *   400 DVP_ORDERS_INVALID, 422 DVP_SIGNATURE_INVALID / DVP_ORDER_EXPIRED   checked here, nothing sent
 *   409 CHAIN_REVERTED                         the contract refused: the decoded custom error is in the message
 */
import express, { type Request, type Response } from "express";
import { z } from "zod";
import { type NodeRouter } from "../app";
import { DvpError } from "../errors";
import { type DvpService } from "./dvp-service";
import { parseInput } from "../parse-input";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed address");
const uint = z
  .string()
  .regex(/^\d{1,78}$/, "expected a whole number as a decimal string")
  .transform((v) => BigInt(v));
const order = z.strictObject({
  maker: address,
  isSell: z.boolean(),
  tranche: address,
  amountCents: uint,
  priceBps: uint,
  cashToken: address,
  counterparty: address,
  expiry: uint,
  nonce: uint,
});
const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "expected a 65-byte 0x-prefixed signature");
const tradeBody = z.strictObject({
  tradeId: z
    .string()
    .regex(/^[\x21-\x7e]{1,64}$/, "expected the exchange's trade id (1-64 printable characters, no spaces)"),
  sell: order,
  sellSignature: signature,
  buy: order,
  buySignature: signature,
  fillCents: uint,
});

function parseTrade(req: Request) {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "");
  } catch {
    throw new DvpError("DVP_ORDERS_INVALID", "expected a JSON body");
  }
  return parseInput(tradeBody, json, "trade", (message) => new DvpError("DVP_ORDERS_INVALID", message), "body");
}

/** The DvP submission route. */
export function dvpRouter(service: DvpService): NodeRouter {
  return {
    name: "dvp",
    build(ctx) {
      const router = express.Router();
      router.post("/v1/dvp/trades", ctx.requireOperator, async (req: Request, res: Response) => {
        const settled = await service.submit(parseTrade(req));
        ctx.sendJson(res, settled, settled.reused ? 200 : 201);
      });
      return router;
    },
  };
}

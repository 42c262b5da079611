/**
 * The member's own transactions, sent by its node (bearer token: the member's operator, e.g. the `abs` CLI).
 *
 * The node is the one sender of its key: its bridge counts the nonces, journals every signed transaction before
 * broadcasting it and waits for its confirmation. A member's tools that signed with the same key on their own would
 * take nonces the bridge counted (a conflict the bridge resyncs from, once); through this route they do not.
 *
 * POST /v1/transactions  { key, to, data, label }
 *   key    the caller's idempotency key (1-100 printable characters): the same key with the same target and data
 *          sends once, and a repeat answers the first transaction (`reused: true`)
 *   to     a contract (an address with code): the node sends no plain value transfers
 *   data   the calldata, 0x-prefixed hex, at most 64 KiB
 *   label  what the call is, for the node's logs and journal (1-200 printable characters)
 *   201 { txHash, blockNumber, nonce, from, reused: false }   confirmed; 200 { ..., reused: true }
 *   400 REQUEST_INVALID   the body, or a target without code: nothing sent
 *   409 CHAIN_REVERTED    the chain refused it (simulated before signing: nothing sent)
 *   503 CHAIN_UNAVAILABLE / CHAIN_TX_PENDING   retry with the same key
 */
import express, { type Request, type Response } from "express";
import { type JsonRpcProvider, keccak256, concat } from "ethers";
import { z } from "zod";
import { type NodeRouter } from "../app";
import { type ChainBridge } from "../chain/bridge";
import { NodeError } from "../errors";
import { parseInput } from "../parse-input";

/** The largest calldata the route sends, in bytes. */
export const MAX_CALLDATA_BYTES = 64 * 1024;

const printable = (max: number) =>
  z.string().regex(new RegExp(`^[\\x20-\\x7e]{1,${max}}$`), `expected 1-${max} printable characters`);
const transactionBody = z.strictObject({
  key: printable(100),
  to: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed address"),
  data: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex calldata")
    .max(2 + 2 * MAX_CALLDATA_BYTES, `expected at most ${MAX_CALLDATA_BYTES} bytes of calldata`),
  label: printable(200),
});

function parseBody(req: Request) {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "");
  } catch {
    throw new NodeError("REQUEST_INVALID", "expected a JSON body { key, to, data, label }");
  }
  return parseInput(
    transactionBody,
    json,
    "transaction",
    (message) => new NodeError("REQUEST_INVALID", message),
    "body",
  );
}

/** The operator's transaction route, sending through `bridge`. */
export function transactionRouter(deps: { bridge: ChainBridge; provider: JsonRpcProvider }): NodeRouter {
  return {
    name: "transactions",
    build(ctx) {
      const router = express.Router();
      router.post("/v1/transactions", ctx.requireOperator, async (req: Request, res: Response) => {
        const body = parseBody(req);
        const code = await deps.bridge.rpc("eth_getCode", () => deps.provider.getCode(body.to));
        if (code === "0x") {
          throw new NodeError("REQUEST_INVALID", `to: expected a contract, found no code at ${body.to}`);
        }
        // The journal key binds the caller's key to what is sent: the same key with other data is another action.
        const payload = keccak256(concat([body.to, body.data])).slice(2, 18);
        const confirmed = await deps.bridge.execute(`operator:${body.key}:${payload}`, {
          to: body.to,
          data: body.data,
          label: body.label,
        });
        ctx.logger.info(
          { label: body.label, txHash: confirmed.txHash, reused: confirmed.reused },
          "operator transaction",
        );
        ctx.sendJson(
          res,
          {
            txHash: confirmed.txHash,
            blockNumber: confirmed.blockNumber,
            nonce: confirmed.nonce,
            from: deps.bridge.address,
            reused: confirmed.reused,
          },
          confirmed.reused ? 200 : 201,
        );
      });
      return router;
    },
  };
}

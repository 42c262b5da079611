/**
 * The consortium's pledge key service (the regulator's node): it evaluates originators' blinded loan identities
 * under the pledge key, so that each originator obtains the consortium fingerprints of its own loans without
 * anyone learning the loans (see `pledge-fingerprint.ts` in @abs/core).
 *
 * POST /v1/pledge-fingerprints/evaluate     signed peer request from an active ORIGINATOR member
 *   body { pool: 0x address, blinded: [0x + 66 hex, ...] }   1 to 5,000 compressed secp256k1 points
 *   200  { evaluated: [0x + 66 hex, ...], proof: 0x + 128 hex }   the proof verifies against the key on chain
 * The service sees random points only. Every evaluation is logged for audit: who asked, for which pool, how many
 * points; a regulator compares an originator's evaluations with the loans it anchored.
 */
import express, { type Request, type Response } from "express";
import { hexlify } from "ethers";
import { z } from "zod";
import { MAX_PLEDGE_BATCH, type PledgeKeyPair, evaluatePledgeBatch } from "@abs/core";
import { type NodeRouter } from "../app";
import { NodeError } from "../errors";
import { parseInput } from "../parse-input";

export const PLEDGE_EVALUATE_PATH = "/v1/pledge-fingerprints/evaluate";

const point = z
  .string()
  .regex(/^0x0[23][0-9a-fA-F]{64}$/, "expected a compressed point: 0x02 or 0x03 and 64 hex digits");
const evaluateBody = z.strictObject({
  pool: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed pool address"),
  blinded: z
    .array(point)
    .min(1, "expected at least one point")
    .max(MAX_PLEDGE_BATCH, `expected at most ${MAX_PLEDGE_BATCH} points a request`),
});

function parseBody(raw: unknown): z.infer<typeof evaluateBody> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(raw) ? raw.toString("utf8") : "");
  } catch {
    throw new NodeError("PLEDGE_BATCH_INVALID", "the body is not JSON: expected { pool, blinded: [points] }");
  }
  return parseInput(evaluateBody, json, "body", (message) => new NodeError("PLEDGE_BATCH_INVALID", message));
}

export function pledgeKeyRouter(key: PledgeKeyPair): NodeRouter {
  return {
    name: "pledge-key",
    build(ctx) {
      const router = express.Router();
      router.post(PLEDGE_EVALUATE_PATH, ctx.requireRole("ORIGINATOR"), (req: Request, res: Response) => {
        const { pool, blinded } = parseBody(req.body);
        let answer;
        try {
          answer = evaluatePledgeBatch(
            key,
            blinded.map((p) => Buffer.from(p.slice(2), "hex")),
          );
        } catch (error) {
          // A string of the right shape that is not on the curve.
          throw new NodeError("PLEDGE_BATCH_INVALID", (error as Error).message, { cause: error });
        }
        ctx.logger.info(
          { memberId: ctx.peerOf(req).memberId, pool: pool.toLowerCase(), points: blinded.length },
          "pledge fingerprints evaluated",
        );
        ctx.sendJson(res, {
          evaluated: answer.evaluated.map((p) => hexlify(p)),
          proof: hexlify(answer.proof),
        });
      });
      return router;
    },
  };
}

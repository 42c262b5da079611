/**
 * The originator node's answer to "which of your loans is this fingerprint?" (a DoublePledge alert names a
 * fingerprint and two pools):
 *
 * GET /v1/pools/:pool/pledges/:fingerprint     signed, loan-level (trustee, regulator)
 *   200 { pool, fingerprint, loanId, version }   the loan of the pool's tape `version` registered under it
 *   404 LOAN_NOT_FOUND                             this node registered no loan of the pool under it
 * GET /v1/pools/:pool/loans/:loanId/pledge       signed, loan-level: the other way (a trustee releasing a loan)
 *   200 { pool, loanId, fingerprint }
 *   404 LOAN_NOT_FOUND                             this node registered no such loan of the pool
 * The entitlement is checked before the index is read, so a caller without loan-level rights learns nothing.
 */
import express from "express";
import { z } from "zod";
import { type NodeRouter, loanIdPattern, parseParams } from "../app";
import { NodeError } from "../errors";
import { type LevelPledgeIndex } from "./pledge-index";

export const pledgeLookupPath = (pool: string, fingerprint: string) => `/v1/pools/${pool}/pledges/${fingerprint}`;
export const loanPledgePath = (pool: string, loanId: string) =>
  `/v1/pools/${pool}/loans/${encodeURIComponent(loanId)}/pledge`;

const params = z.object({
  pool: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed pool address"),
  fingerprint: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a fingerprint: 0x and 64 hex digits"),
});

const loanParams = z.object({
  pool: params.shape.pool,
  loanId: z.string().regex(loanIdPattern, "expected a loan id of 1-64 characters A-Z a-z 0-9 . _ -"),
});

export function pledgeLookupRouter(index: LevelPledgeIndex): NodeRouter {
  return {
    name: "pledge-lookup",
    build(ctx) {
      const router = express.Router();
      router.get("/v1/pools/:pool/pledges/:fingerprint", ctx.requirePeer("loan-level"), async (req, res) => {
        const { pool, fingerprint } = parseParams(params, req.params);
        const loan = await index.loanOf(pool, fingerprint);
        if (loan === undefined) {
          throw new NodeError("LOAN_NOT_FOUND", `this node registered no loan of pool ${pool} under ${fingerprint}`);
        }
        ctx.logger.info(
          { memberId: ctx.peerOf(req).memberId, pool: pool.toLowerCase(), fingerprint, loanId: loan.loanId },
          "pledged loan looked up",
        );
        ctx.sendJson(res, { pool: pool.toLowerCase(), fingerprint: fingerprint.toLowerCase(), ...loan });
      });
      router.get("/v1/pools/:pool/loans/:loanId/pledge", ctx.requirePeer("loan-level"), async (req, res) => {
        const { pool, loanId } = parseParams(loanParams, req.params);
        const fingerprint = await index.fingerprintOf(pool, loanId);
        if (fingerprint === undefined) {
          throw new NodeError("LOAN_NOT_FOUND", `this node registered no loan "${loanId}" of pool ${pool}`);
        }
        ctx.logger.info(
          { memberId: ctx.peerOf(req).memberId, pool: pool.toLowerCase(), loanId, fingerprint },
          "loan's pledge fingerprint looked up",
        );
        ctx.sendJson(res, { pool: pool.toLowerCase(), loanId, fingerprint });
      });
      return router;
    },
  };
}

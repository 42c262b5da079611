/**
 * The receiver side of loan-level sharing, as an operator route of ANY member node: the node fetches a loan
 * from an originator's node with a request signed by ITS OWN member key (so the operator never handles the
 * key), and answers only if the record verifies against the root anchored on chain (peer-client.ts).
 *
 * POST /v1/peer-loans/verify   (operator token)   body JSON { node, memberId, pool, version, loanId }
 *   200 { verified: true, pool, version, loanId, leaf, anchoredRoot, record }
 *   502 PEER_REQUEST_REFUSED / PEER_RESPONSE_INVALID / PEER_RECORD_UNVERIFIED, 503 CHAIN_TAPE_UNAVAILABLE
 */
import express from "express";
import { z } from "zod";
import { type NodeRouter } from "./app";
import { NodeError } from "./errors";
import { type AnchoredRootReader, fetchVerifiedLoan } from "./peer-client";
import { type PeerDomain, type TypedDataSigner } from "./request-signing";
import { parseInput } from "./parse-input";

const requestBody = z.strictObject({
  node: z.url({ protocol: /^https?$/, error: "expected the originator node's http(s) URL" }),
  memberId: z.string().regex(/^[\x21-\x7e]{1,31}$/, "expected the originator node's member id"),
  pool: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed pool address"),
  version: z.number().int().min(1).max(4_294_967_295),
  loanId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "expected a loan id"),
});

export function peerLoansRouter(deps: {
  readonly signer: TypedDataSigner;
  readonly domain: PeerDomain;
  readonly chain: AnchoredRootReader;
}): NodeRouter {
  return {
    name: "peer-loans",
    build(ctx) {
      const router = express.Router();
      router.post("/v1/peer-loans/verify", ctx.requireOperator, async (req, res) => {
        let json: unknown;
        try {
          json = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "");
        } catch {
          throw new NodeError("REQUEST_INVALID", "expected a JSON body { node, memberId, pool, version, loanId }");
        }
        const { node, memberId, pool, version, loanId } = parseInput(
          requestBody,
          json,
          "body",
          (message) => new NodeError("REQUEST_INVALID", message),
        );
        const verified = await fetchVerifiedLoan({
          signer: deps.signer,
          baseUrl: node,
          domain: deps.domain,
          target: memberId,
          pool,
          version,
          loanId,
          chain: deps.chain,
        });
        ctx.logger.info({ pool: pool.toLowerCase(), version, loanId, from: memberId }, "peer loan verified");
        ctx.sendJson(res, { verified: true, pool: pool.toLowerCase(), version, loanId, ...verified });
      });
      return router;
    },
  };
}

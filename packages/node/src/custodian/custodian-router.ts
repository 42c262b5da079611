/**
 * The custodian's operator API (bearer token: the custodian's own back office).
 *
 * POST /v1/custodian/credits                      { bankRef, amountCents, valueDate, beneficiary }
 *   201 { status: "recorded", entry }  200 { status: "already-recorded", entry }  409 BANK_REF_CONFLICT
 * POST /v1/custodian/payouts/:payoutId/confirm    { bankRef, valueDate }   burns the escrowed payout
 * POST /v1/custodian/payouts/:payoutId/reject     { bankRef, valueDate }   returns it to the holder
 * GET  /v1/custodian/bank-ledger                  { entries, recordedBankBalanceCents }
 * GET  /v1/custodian/balance                      { recordedBankBalanceCents, chain: { totalSupplyCents, recordedBankBalanceCents } }
 * A contract refusal answers 409 CHAIN_REVERTED with the decoded custom error and records nothing.
 */
import express, { type Request, type Response } from "express";
import { z } from "zod";
import { type NodeRouter } from "../app";
import { CustodianError } from "../errors";
import { balanceEffect } from "./bank-ledger";
import { type CustodianService, type RecordOutcome } from "./custodian-service";
import { parseInput } from "../parse-input";

const bankRef = z
  .string()
  .min(1, "expected the bank's reference")
  .max(64, "expected at most 64 characters")
  .regex(/^[\x21-\x7e]+$/, "expected printable ASCII without spaces");
const valueDate = z.iso.date("expected a date yyyy-mm-dd");
const positiveCents = z
  .string()
  .regex(/^[1-9]\d{0,30}$/, "expected a positive whole number of cents as a decimal string")
  .transform((v) => BigInt(v));

const creditBody = z.strictObject({
  bankRef,
  amountCents: positiveCents,
  valueDate,
  beneficiary: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected the beneficiary member's 0x address"),
});
const decisionBody = z.strictObject({ bankRef, valueDate });
const payoutParam = z.object({
  payoutId: z
    .string()
    .regex(/^\d{1,30}$/, "expected a payout id")
    .transform((v) => BigInt(v)),
});

function parse<T>(schema: z.ZodType<T, unknown>, value: unknown, what: string): T {
  return parseInput(schema, value, what, (message) => new CustodianError("BANK_MOVEMENT_INVALID", message));
}

function jsonBody(req: Request): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "");
  } catch {
    throw new CustodianError("BANK_MOVEMENT_INVALID", "expected a JSON body");
  }
}

/** The custodian's bank-ledger routes. */
export function custodianRouter(service: CustodianService): NodeRouter {
  return {
    name: "custodian",
    build(ctx) {
      const router = express.Router();
      const answer = (res: Response, outcome: RecordOutcome) =>
        ctx.sendJson(res, outcome, outcome.status === "recorded" ? 201 : 200);

      router.post("/v1/custodian/credits", ctx.requireOperator, async (req: Request, res: Response) => {
        answer(res, await service.credit(parse(creditBody, jsonBody(req), "credit")));
      });
      router.post(
        "/v1/custodian/payouts/:payoutId/:decision",
        ctx.requireOperator,
        async (req: Request, res: Response) => {
          const { payoutId } = parse(payoutParam, req.params, "path");
          const decision = parse(z.enum(["confirm", "reject"]), req.params["decision"], "decision");
          const body = parse(decisionBody, jsonBody(req), "payout decision");
          const input = { payoutId, ...body };
          answer(res, decision === "confirm" ? await service.confirmPayout(input) : await service.rejectPayout(input));
        },
      );
      router.get("/v1/custodian/bank-ledger", ctx.requireOperator, async (_req: Request, res: Response) => {
        const entries = await service.list();
        const recordedBankBalanceCents = entries.reduce((sum, e) => sum + balanceEffect(e), 0n);
        ctx.sendJson(res, { entries, recordedBankBalanceCents });
      });
      router.get("/v1/custodian/balance", ctx.requireOperator, async (_req: Request, res: Response) => {
        ctx.sendJson(res, await service.balances());
      });
      return router;
    },
  };
}

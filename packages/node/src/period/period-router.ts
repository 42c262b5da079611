/**
 * Period loan states over HTTP.
 *
 * The servicer's operator route (bearer token: the node's own operator, e.g. `abs report submit`):
 * POST /v1/pools/:pool/periods/:period/report?start=yyyy-mm-dd&end=yyyy-mm-dd[&multiPeriod=true&maxErrors=N]
 *   body: the performance file, streamed (CSV, UTF-8 or GBK)
 *   201 { status: "submitted", pool, period, root, loanCount, txHash, blockNumber, report }
 *   200 { status: "already-submitted", ... }     the same root is on chain already: nothing sent
 *   422 { error: { code: "REPORT_INVALID" }, rows, errors: [{ row, column, columnName, code, expected, found }] }
 *   409 PERIOD_ALREADY_REPORTED (another root on chain), CHAIN_REVERTED (the pool refused the report)
 *
 * The peer routes (any node that holds committed periods; the entitlement is checked BEFORE the period or loan is
 * looked up, so a caller without loan-level rights learns nothing):
 * - GET /v1/pools/:pool/periods/:period/summary          (aggregates) → pool, period, root, loanCount, txHash
 * - GET /v1/pools/:pool/periods/:period/loans/:loanId    (loan-level) → state, salt, leafIndex, leaf, proof, root
 * - GET /v1/pools/:pool/periods/:period/loans?after=&limit=<1..2000>  (loan-level) → pool, period, loanCount,
 *   states [{ state, salt, leafIndex, leaf }] (one page in loan id order, no proofs), next (absent on the last)
 * Bigints travel as decimal strings.
 */
import express, { type Request, type Response } from "express";
import { z } from "zod";
import { DEFAULT_LOANS_PAGE, MAX_LOANS_PAGE, type NodeRouter, loanIdPattern, pageQuery, parseParams } from "../app";
import { UploadError } from "../errors";
import { parseInput } from "../parse-input";
import { type PeriodReportService } from "./period-report-service";
import { type LevelPeriodStore } from "./period-store";

const periodParams = z.object({
  pool: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed pool address"),
  period: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, "expected a period number from 1")
    .transform(Number)
    .pipe(z.number().max(4_294_967_295, "expected a uint32 period")),
});
const loanParams = periodParams.extend({
  loanId: z.string().regex(loanIdPattern, "expected a loan id of 1-64 characters A-Z a-z 0-9 . _ -"),
});
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date yyyy-mm-dd");
const reportQuery = z.strictObject({
  start: isoDate,
  end: isoDate,
  multiPeriod: z.enum(["true", "false"]).optional(),
  maxErrors: z.coerce.number().int().min(1).optional(),
});
const statesPage = pageQuery(MAX_LOANS_PAGE, DEFAULT_LOANS_PAGE);

/** The servicer's report route, mounted as a streaming router (the performance file is read as it arrives). */
export function periodReportRouter(service: PeriodReportService, options: { maxUploadErrors: number }): NodeRouter {
  return {
    name: "period-report",
    streaming: true,
    build(ctx) {
      const router = express.Router();
      router.post(
        "/v1/pools/:pool/periods/:period/report",
        ctx.requireOperator,
        async (req: Request, res: Response) => {
          const { pool, period } = parseParams(periodParams, req.params);
          const query = parseInput(
            reportQuery,
            req.query,
            "query",
            (message) => new UploadError("UPLOAD_OPTIONS_INVALID", message),
          );
          const body = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
          const outcome = await service.submit(pool, body, {
            period,
            startDate: query.start,
            endDate: query.end,
            multiPeriod: query.multiPeriod === "true",
            maxErrors: Math.min(query.maxErrors ?? options.maxUploadErrors, options.maxUploadErrors),
          });
          if (outcome.status === "invalid") {
            req.resume();
            ctx.sendJson(
              res,
              {
                error: {
                  code: "REPORT_INVALID",
                  message: `the performance file has ${outcome.errors.length} error(s): nothing was stored or submitted`,
                },
                rows: outcome.rows,
                errors: outcome.errors,
              },
              422,
            );
            return;
          }
          ctx.sendJson(res, outcome, outcome.status === "submitted" ? 201 : 200);
        },
      );
      return router;
    },
  };
}

/** The peer routes serving committed periods' loan states with proofs. */
export function periodStatesRouter(store: LevelPeriodStore): NodeRouter {
  return {
    name: "period-states",
    build(ctx) {
      const router = express.Router();
      router.get("/v1/pools/:pool/periods/:period/summary", ctx.requirePeer("aggregates"), async (req, res) => {
        const { pool, period } = parseParams(periodParams, req.params);
        const meta = await store.getMeta(pool, period);
        ctx.logger.info({ memberId: ctx.peerOf(req).memberId, pool: meta.pool, period }, "period summary served");
        ctx.sendJson(res, meta);
      });
      router.get("/v1/pools/:pool/periods/:period/loans/:loanId", ctx.requirePeer("loan-level"), async (req, res) => {
        const { pool, period, loanId } = parseParams(loanParams, req.params);
        const opening = await store.openState(pool, period, loanId);
        // Audit trail: who read which loan's state (the loan id is a pseudonymous tape key, not personal data).
        ctx.logger.info(
          { memberId: ctx.peerOf(req).memberId, pool: pool.toLowerCase(), period, loanId },
          "loan state served",
        );
        ctx.sendJson(res, { pool: pool.toLowerCase(), period, loanId, ...opening });
      });
      router.get("/v1/pools/:pool/periods/:period/loans", ctx.requirePeer("loan-level"), async (req, res) => {
        const { pool, period } = parseParams(periodParams, req.params);
        const request = statesPage(req.query);
        const page = await store.listStates(pool, period, request);
        ctx.logger.info(
          {
            memberId: ctx.peerOf(req).memberId,
            pool: pool.toLowerCase(),
            period,
            after: request.after,
            served: page.states.length,
          },
          "loan states page served",
        );
        ctx.sendJson(res, { pool: pool.toLowerCase(), period, ...page });
      });
      return router;
    },
  };
}

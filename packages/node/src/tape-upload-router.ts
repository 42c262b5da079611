/**
 * The originator's operator API for loan tapes (bearer token: the node's own operator, e.g. `abs tape upload`).
 *
 * POST /v1/pools/:pool/tapes?cutoffDate=yyyy-mm-dd[&format=&encoding=&delimiter=&maxErrors=&kind=&dataUri=]
 *   body: the tape file, streamed (CSV or JSON Lines, UTF-8 or GBK); header `x-abs-column-mapping`: the
 *   column-mapping JSON, base64, when the tape has its own headers.
 *   201 { status: "anchored", pool, version, root, loanCount, contentHash, txHash, blockNumber, summary }
 *   200 { status: "already-anchored", ... }        the same tape again: nothing sent, same version
 *   422 { error: { code: "TAPE_INVALID" }, summary, errors: [{ row, column, columnName, field, code, expected, found }] }
 */
import express, { type Request, type Response } from "express";
import { z } from "zod";
import { ColumnMappingError, TAPE_ENCODINGS, parseColumnMapping, type ColumnMapping } from "@abs/core";
import { type NodeRouter } from "./app";
import { UploadError } from "./errors";
import { TAPE_CHANGE_KINDS, type TapeUploadService } from "./tape-upload";
import { parseInput } from "./parse-input";

const MAPPING_HEADER = "x-abs-column-mapping";

const uploadQuery = z.strictObject({
  cutoffDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date yyyy-mm-dd"),
  format: z.enum(["auto", "csv", "jsonl"]).optional(),
  encoding: z.enum(["auto", ...TAPE_ENCODINGS]).optional(),
  delimiter: z.string().length(1, "expected one character").optional(),
  maxErrors: z.coerce.number().int().min(1).optional(),
  kind: z.enum(TAPE_CHANGE_KINDS).optional(),
  dataUri: z.string().min(1).max(512).optional(),
});
const poolParam = z.object({ pool: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed pool address") });

function parse<T>(schema: z.ZodType<T, unknown>, value: unknown, what: string): T {
  return parseInput(schema, value, what, (message) => new UploadError("UPLOAD_OPTIONS_INVALID", message));
}

function mappingOf(req: Request): ColumnMapping | undefined {
  const header = req.headers[MAPPING_HEADER];
  if (header === undefined) return undefined;
  const text = Buffer.from(Array.isArray(header) ? header.join("") : header, "base64").toString("utf8");
  try {
    return parseColumnMapping(text);
  } catch (error) {
    if (!(error instanceof ColumnMappingError)) throw error;
    const issues = error.issues.map((i) => `${i.path}: expected ${i.expected}, found ${i.found}`);
    throw new UploadError("UPLOAD_OPTIONS_INVALID", `invalid column mapping: ${issues.join("; ")}`, { cause: error });
  }
}

/** The tape upload routes, mounted as a streaming router. */
export function tapeUploadRouter(service: TapeUploadService, options: { maxUploadErrors: number }): NodeRouter {
  return {
    name: "tape-upload",
    streaming: true,
    build(ctx) {
      const router = express.Router();
      router.post("/v1/pools/:pool/tapes", ctx.requireOperator, async (req: Request, res: Response) => {
        const { pool } = parse(poolParam, req.params, "path");
        const query = parse(uploadQuery, req.query, "query");
        const mapping = mappingOf(req);
        // Not destroyed when validation stops early (maxErrors): the rest is drained so the answer gets out.
        const body = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>;
        const outcome = await service.upload(pool, body, {
          cutoffDate: query.cutoffDate,
          maxErrors: Math.min(query.maxErrors ?? options.maxUploadErrors, options.maxUploadErrors),
          ...(query.format === undefined ? {} : { format: query.format }),
          ...(query.encoding === undefined ? {} : { encoding: query.encoding }),
          ...(query.delimiter === undefined ? {} : { delimiter: query.delimiter }),
          ...(query.kind === undefined ? {} : { kind: query.kind }),
          ...(query.dataUri === undefined ? {} : { dataUri: query.dataUri }),
          ...(mapping === undefined ? {} : { mapping }),
        });
        if (outcome.status === "invalid") {
          // The body may not have been read to its end (maxErrors): drain it so the client gets the answer.
          req.resume();
          const { summary, errors } = outcome;
          ctx.sendJson(
            res,
            {
              error: {
                code: "TAPE_INVALID",
                message: `the tape has ${summary.errorCount} error(s)${summary.stoppedEarly ? " (stopped at maxErrors)" : ""}: nothing was stored or anchored`,
              },
              summary,
              errors,
            },
            422,
          );
          return;
        }
        ctx.sendJson(res, outcome, outcome.status === "anchored" ? 201 : 200);
      });
      return router;
    },
  };
}

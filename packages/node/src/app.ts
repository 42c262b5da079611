/**
 * The member node's HTTP API (express 5). `createApp(deps)` builds the app; `listen` binds it.
 *
 * Authenticated routes run `requirePeer(level)`: verify the signed headers (request-signing.ts), look
 * the caller up in the on-chain registry (entitlement.ts), consume the nonce (nonce-store.ts) and check
 * the entitlement level. The nonce is consumed only after the caller is known to be an active member, so
 * strangers cannot fill the node's storage. Every error answers `{ error: { code, message } }`.
 *
 * Tape routes (the originator's node): the entitlement is checked BEFORE the tape or loan is looked up, so
 * a caller without loan-level rights learns nothing, not even whether a loan id exists.
 * - GET /v1/pools/:pool/tapes/:version/summary        (aggregates)  → pool, version, root, loanCount, summary
 * - GET /v1/pools/:pool/tapes/:version/loans/:loanId  (loan-level)  → record, salt, leafIndex, leaf, proof, root
 * - GET /v1/pools/:pool/tapes/:version/loan-ids?after=<loanId>&limit=<1..10000>  (loan-level)
 *     → pool, version, loanCount, loanIds (one page, in loan id order), next (the `after` of the next page;
 *     absent on the last page). Keyset paging over the store's key order: a page costs `limit` key reads
 *     whatever the tape's size, and pages stay stable while the tape is served (anchored tapes never change).
 * - GET /v1/pools/:pool/tapes/:version/loans?after=<loanId>&limit=<1..2000>  (loan-level)
 *     → pool, version, loanCount, loans [{ record, salt, leafIndex, leaf }] (one page, in loan id order, the
 *     same cursor as loan-ids), next (absent on the last page). No proofs: a receiver joining the whole tape
 *     rebuilds the root from the leaves (see `LevelTapeStore.listLoans`), one request per page, not per loan.
 * Bigints travel as decimal strings.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { type Server } from "node:http";
import { type AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response } from "express";
import { type Logger } from "pino";
import { z } from "zod";
import { type RoleName, describeZodIssues } from "@abs/core";
import {
  type EntitlementLevel,
  type EntitlementPolicy,
  type MemberDirectory,
  DEFAULT_ENTITLEMENT_POLICY,
  assertActiveMember,
  assertEntitled,
  entitlementOf,
} from "./entitlement";
import { NodeError, TapeStoreError } from "./errors";
import { type NonceStore } from "./nonce-store";
import {
  type LoanIdsPage,
  type LoanIdsPageRequest,
  type LoanOpening,
  type LoansPage,
  type StoredTapeMeta,
  toJson,
} from "./tape-store";
import { DEFAULT_WINDOW_MS, type PeerDomain, verifyRequest } from "./request-signing";
import { parseInput } from "./parse-input";

export interface AuthConfig {
  /** Chain id and registry address that signatures must be bound to. */
  readonly domain: PeerDomain;
  /** This node's member id: requests must be signed for it. */
  readonly memberId: string;
  /** Allowed clock distance, ms (default 60 s). */
  readonly windowMs?: number;
  readonly nonces: NonceStore;
}

export interface AppDeps {
  readonly logger: Logger;
  readonly auth: AuthConfig;
  readonly directory: MemberDirectory;
  /** Which roles read loan-level data and which aggregates only. */
  readonly policy?: EntitlementPolicy;
  /** Committed tapes served to peers (LevelTapeStore). Without it every tape answers TAPE_NOT_FOUND. */
  readonly tapes?: TapeReader;
  /** Clock, ms since the epoch (tests pass a fixed one). Default `Date.now`. */
  readonly clock?: () => number;
  /** Largest accepted request body, bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** The operator API's bearer token (`Authorization: Bearer <token>`); without it operator routes answer 401. */
  readonly operatorToken?: string;
  /** Role modules: each router is mounted after the built-in routes (one line per router in node.ts). */
  readonly routers?: readonly NodeRouter[];
}

/** What a role module's router gets from the app: authentication middlewares and helpers. */
export interface RouterContext {
  readonly logger: Logger;
  /** Middleware: a signed request from a member entitled to at least `level` (see `peerOf`). */
  requirePeer(level: EntitlementLevel): (req: Request, res: Response, next: NextFunction) => Promise<void>;
  /** Middleware: a signed request from an active member holding `role`, whatever its data entitlement. */
  requireRole(role: RoleName): (req: Request, res: Response, next: NextFunction) => Promise<void>;
  /** The authenticated peer of a request that passed `requirePeer`. */
  peerOf(req: Request): AuthenticatedPeer;
  /** Middleware: the node's own operator (bearer token), e.g. the `abs` CLI. */
  requireOperator(req: Request, res: Response, next: NextFunction): void;
  /** Answer JSON with bigints as decimal strings. */
  sendJson(res: Response, value: unknown, status?: number): void;
}

/**
 * A role module's routes. `streaming: true` mounts it BEFORE the 1 MiB raw-body parser, so its handlers
 * read `req` as a stream (tape uploads); otherwise `req.body` is the raw body as a Buffer.
 */
export interface NodeRouter {
  readonly name: string;
  readonly streaming?: boolean;
  build(ctx: RouterContext): express.Router;
}

/** What the tape routes read (LevelTapeStore implements it). */
export interface TapeReader {
  getMeta(pool: string, version: number): Promise<StoredTapeMeta>;
  openLoan(pool: string, version: number, loanId: string): Promise<LoanOpening>;
  listLoanIds(pool: string, version: number, page: LoanIdsPageRequest): Promise<LoanIdsPage>;
  listLoans(pool: string, version: number, page: LoanIdsPageRequest): Promise<LoansPage>;
}

/** Largest page of `GET .../loan-ids`, and the page size when `limit` is absent. */
export const MAX_LOAN_IDS_PAGE = 10_000;
export const DEFAULT_LOAN_IDS_PAGE = 1_000;
/** Largest page of `GET .../loans` (a loan is ~0.6 KB of JSON: ~1.2 MB a page), and the default page size. */
export const MAX_LOANS_PAGE = 2_000;
export const DEFAULT_LOANS_PAGE = 1_000;

export const loanIdPattern = /^[A-Za-z0-9._-]{1,64}$/;
const tapeParams = z.object({
  pool: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed pool address"),
  version: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, "expected a tape version from 1")
    .transform(Number)
    .pipe(z.number().max(4_294_967_295, "expected a uint32 tape version")),
});
const loanParams = tapeParams.extend({
  loanId: z.string().regex(loanIdPattern, "expected a loan id of 1-64 characters A-Z a-z 0-9 . _ -"),
});

/**
 * `?after=<loanId>&limit=<1..max>`, the keyset paging of the tape listings: a parser of a request's query into the
 * store's page request (`limit` defaults to `defaultLimit`). A refusal quotes what was found (paging values are not
 * personal data).
 */
export function pageQuery(max: number, defaultLimit: number): (query: unknown) => LoanIdsPageRequest {
  const schema = z.strictObject({
    after: z.string().regex(loanIdPattern, "expected a loan id (the `next` of the previous page)").optional(),
    limit: z
      .string()
      .regex(/^[1-9]\d{0,5}$/, `expected a page size from 1 to ${max}`)
      .transform(Number)
      .pipe(z.number().max(max, `expected a page size from 1 to ${max}`))
      .optional(),
  });
  return (query) => {
    const parsed = schema.safeParse(query, { reportInput: true });
    if (!parsed.success) {
      throw new NodeError(
        "REQUEST_INVALID",
        `invalid query parameters: ${describeZodIssues(parsed.error, "query")}; expected ?after=<loanId>&limit=<1..${max}>`,
      );
    }
    return { after: parsed.data.after, limit: parsed.data.limit ?? defaultLimit };
  };
}
const loanIdsPage = pageQuery(MAX_LOAN_IDS_PAGE, DEFAULT_LOAN_IDS_PAGE);
const loansPage = pageQuery(MAX_LOANS_PAGE, DEFAULT_LOANS_PAGE);

/** Path parameters parsed with `schema`; REQUEST_INVALID naming what was expected. */
export function parseParams<T>(schema: z.ZodType<T, unknown>, params: unknown): T {
  return parseInput(schema, params, "path parameters", (message) => new NodeError("REQUEST_INVALID", message), "");
}

/** An authenticated caller, as seen by route handlers. */
export interface AuthenticatedPeer {
  readonly address: string;
  readonly memberId: string;
  readonly roles: readonly RoleName[];
  /** Undefined for a member reaching a role-only route (`requireRole`) without a data entitlement. */
  readonly entitlement: EntitlementLevel | undefined;
}

export function createApp(deps: AppDeps): express.Express {
  const { logger, auth, directory } = deps;
  const policy = deps.policy ?? DEFAULT_ENTITLEMENT_POLICY;
  const clock = deps.clock ?? Date.now;
  const windowMs = auth.windowMs ?? DEFAULT_WINDOW_MS;
  const peers = new WeakMap<Request, AuthenticatedPeer>();

  /** The signed request's caller, an active member whose nonce is now spent. */
  const authenticate = async (req: Request) => {
    const verified = verifyRequest(
      req.headers,
      { method: req.method, path: req.originalUrl, body: Buffer.isBuffer(req.body) ? req.body : undefined },
      clock(),
      { domain: auth.domain, target: auth.memberId, windowMs },
    );
    const member = await directory.lookup(verified.caller);
    assertActiveMember(member);
    await auth.nonces.consume(verified.caller, verified.nonce, verified.timestampMs + windowMs);
    return { address: verified.caller, member };
  };
  /** Middleware: only callers entitled to at least `required` get through. */
  const requirePeer = (required: EntitlementLevel) => async (req: Request, _res: Response, next: NextFunction) => {
    const { address, member } = await authenticate(req);
    const level = entitlementOf(member, policy);
    assertEntitled(level, required);
    if (level === undefined) throw new Error("unreachable: assertEntitled passed without a level");
    peers.set(req, { address, memberId: member.memberId, roles: member.roles, entitlement: level });
    next();
  };
  /** Middleware: only active members holding `role` get through. */
  const requireRole = (role: RoleName) => async (req: Request, _res: Response, next: NextFunction) => {
    const { address, member } = await authenticate(req);
    if (!member.roles.includes(role)) {
      throw new NodeError("PEER_NOT_ENTITLED", `this route serves members holding the ${role} role only`);
    }
    peers.set(req, {
      address,
      memberId: member.memberId,
      roles: member.roles,
      entitlement: entitlementOf(member, policy),
    });
    next();
  };
  const peerOf = (req: Request): AuthenticatedPeer => {
    const peer = peers.get(req);
    if (!peer) throw new Error("route reached without requirePeer");
    return peer;
  };

  const operatorDigest =
    deps.operatorToken === undefined ? undefined : createHash("sha256").update(deps.operatorToken).digest();
  const requireOperator = (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? "";
    const token = /^Bearer (\S+)$/.exec(header)?.[1];
    if (operatorDigest === undefined) {
      throw new NodeError(
        "OPERATOR_UNAUTHORIZED",
        "this node has no operator token configured (ABS_NODE_OPERATOR_TOKEN_FILE)",
      );
    }
    if (token === undefined || !timingSafeEqual(createHash("sha256").update(token).digest(), operatorDigest)) {
      throw new NodeError("OPERATOR_UNAUTHORIZED", "expected the operator token as `Authorization: Bearer <token>`");
    }
    next();
  };
  const sendJson = (res: Response, value: unknown, status = 200) =>
    res.status(status).type("application/json").send(toJson(value));
  const context: RouterContext = { logger, requirePeer, requireRole, peerOf, requireOperator, sendJson };

  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  for (const router of deps.routers ?? []) if (router.streaming === true) app.use(router.build(context));
  // Raw bytes for every other body: the signature covers their SHA-256, so nothing may re-encode them first.
  app.use(express.raw({ type: () => true, limit: deps.maxBodyBytes ?? 1024 * 1024 }));

  app.get("/v1/health", (_req, res) => {
    res.json({ status: "ok", memberId: auth.memberId });
  });

  app.get("/v1/whoami", requirePeer("aggregates"), (req, res) => {
    const peer = peerOf(req);
    res.json({ address: peer.address, memberId: peer.memberId, roles: peer.roles, entitlement: peer.entitlement });
  });

  const tapes: TapeReader = deps.tapes ?? {
    getMeta: () => Promise.reject(new TapeStoreError("TAPE_NOT_FOUND", "this node serves no tapes")),
    openLoan: () => Promise.reject(new TapeStoreError("TAPE_NOT_FOUND", "this node serves no tapes")),
    listLoanIds: () => Promise.reject(new TapeStoreError("TAPE_NOT_FOUND", "this node serves no tapes")),
    listLoans: () => Promise.reject(new TapeStoreError("TAPE_NOT_FOUND", "this node serves no tapes")),
  };

  app.get("/v1/pools/:pool/tapes/:version/summary", requirePeer("aggregates"), async (req, res) => {
    const { pool, version } = parseParams(tapeParams, req.params);
    const meta = await tapes.getMeta(pool, version);
    logger.info({ memberId: peerOf(req).memberId, pool: meta.pool, version }, "tape summary served");
    sendJson(res, meta);
  });

  app.get("/v1/pools/:pool/tapes/:version/loans/:loanId", requirePeer("loan-level"), async (req, res) => {
    const { pool, version, loanId } = parseParams(loanParams, req.params);
    const opening = await tapes.openLoan(pool, version, loanId);
    // Audit trail: who read which loan (the loan id is a pseudonymous tape key, not personal data).
    logger.info({ memberId: peerOf(req).memberId, pool: pool.toLowerCase(), version, loanId }, "loan served");
    sendJson(res, { pool: pool.toLowerCase(), version, loanId, ...opening });
  });

  app.get("/v1/pools/:pool/tapes/:version/loan-ids", requirePeer("loan-level"), async (req, res) => {
    const { pool, version } = parseParams(tapeParams, req.params);
    const page = await tapes.listLoanIds(pool, version, loanIdsPage(req.query));
    logger.info(
      { memberId: peerOf(req).memberId, pool: pool.toLowerCase(), version, listed: page.loanIds.length },
      "loan ids listed",
    );
    sendJson(res, { pool: pool.toLowerCase(), version, ...page });
  });

  app.get("/v1/pools/:pool/tapes/:version/loans", requirePeer("loan-level"), async (req, res) => {
    const { pool, version } = parseParams(tapeParams, req.params);
    const request = loansPage(req.query);
    const page = await tapes.listLoans(pool, version, request);
    // Audit trail: who read which page of loans (loan ids are pseudonymous tape keys, not personal data).
    logger.info(
      {
        memberId: peerOf(req).memberId,
        pool: pool.toLowerCase(),
        version,
        after: request.after,
        served: page.loans.length,
      },
      "loans page served",
    );
    sendJson(res, { pool: pool.toLowerCase(), version, ...page });
  });

  for (const router of deps.routers ?? []) if (router.streaming !== true) app.use(router.build(context));

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new NodeError("NOT_FOUND", `no route ${req.method} ${req.path}`));
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const where = { method: req.method, path: req.path };
    // A streaming route may fail before reading its body: drain it so the client can read the answer.
    if (!req.complete) req.resume();
    if (err instanceof NodeError) {
      const status = err.httpStatus;
      if (status >= 500) logger.error({ ...where, code: err.code, err }, "request failed");
      else logger.info({ ...where, code: err.code }, "request refused");
      res.status(status).json({ error: { code: err.code, message: err.message } });
      return;
    }
    const httpError = asHttpError(err);
    if (httpError) {
      logger.info({ ...where, code: "REQUEST_INVALID", status: httpError.status }, "request refused");
      res.status(httpError.status).json({ error: { code: "REQUEST_INVALID", message: httpError.message } });
      return;
    }
    logger.error({ ...where, err }, "unexpected error");
    res.status(500).json({ error: { code: "INTERNAL", message: "internal error" } });
  });

  return app;
}

/** body-parser's client errors (413, 400 ...) carry `status` and `expose: true`. */
function asHttpError(err: unknown): { status: number; message: string } | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const { status, expose, message } = err as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== "number" || status < 400 || status > 499 || expose !== true) return undefined;
  return { status, message: typeof message === "string" ? message : "bad request" };
}

export interface RunningServer {
  readonly server: Server;
  /** e.g. http://127.0.0.1:43817 */
  readonly url: string;
  /** Stop accepting connections, let in-flight requests finish, then resolve. */
  close(): Promise<void>;
}

/** Bind `app` to host:port (port 0 = any free port). */
export function listen(app: express.Express, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) return reject(error);
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((e) => (e ? fail(e) : done()));
            server.closeIdleConnections();
          }),
      });
    });
    server.once("error", reject);
  });
}

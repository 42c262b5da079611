/**
 * The member node's HTTP API (express 5). `createApp(deps)` builds the app; `listen` binds it.
 *
 * Authenticated routes run `requirePeer(level)`: verify the signed headers (request-signing.ts), look
 * the caller up in the on-chain registry (entitlement.ts), consume the nonce (nonce-store.ts) and check
 * the entitlement level. The nonce is consumed only after the caller is known to be an active member, so
 * strangers cannot fill the node's storage. Every error answers `{ error: { code, message } }`.
 */
import { type Server } from "node:http";
import { type AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response } from "express";
import { type Logger } from "pino";
import { type RoleName } from "@abs/core";
import {
  type EntitlementLevel,
  type EntitlementPolicy,
  type MemberDirectory,
  DEFAULT_ENTITLEMENT_POLICY,
  assertActiveMember,
  assertEntitled,
  entitlementOf,
} from "./entitlement";
import { NodeError } from "./errors";
import { type NonceStore } from "./nonce-store";
import { DEFAULT_WINDOW_MS, type PeerDomain, verifyRequest } from "./request-signing";

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
  /** Clock, ms since the epoch (tests pass a fixed one). Default `Date.now`. */
  readonly clock?: () => number;
  /** Largest accepted request body, bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/** An authenticated caller, as seen by route handlers. */
export interface AuthenticatedPeer {
  readonly address: string;
  readonly memberId: string;
  readonly roles: readonly RoleName[];
  readonly entitlement: EntitlementLevel;
}

export function createApp(deps: AppDeps): express.Express {
  const { logger, auth, directory } = deps;
  const policy = deps.policy ?? DEFAULT_ENTITLEMENT_POLICY;
  const clock = deps.clock ?? Date.now;
  const windowMs = auth.windowMs ?? DEFAULT_WINDOW_MS;
  const peers = new WeakMap<Request, AuthenticatedPeer>();

  /** Middleware: only callers entitled to at least `required` get through. */
  const requirePeer = (required: EntitlementLevel) => async (req: Request, _res: Response, next: NextFunction) => {
    const verified = verifyRequest(
      req.headers,
      { method: req.method, path: req.originalUrl, body: Buffer.isBuffer(req.body) ? req.body : undefined },
      clock(),
      { domain: auth.domain, target: auth.memberId, windowMs },
    );
    const member = await directory.lookup(verified.caller);
    assertActiveMember(member);
    await auth.nonces.consume(verified.caller, verified.nonce, verified.timestampMs + windowMs);
    const level = entitlementOf(member, policy);
    assertEntitled(level, required);
    if (level === undefined) throw new Error("unreachable: assertEntitled passed without a level");
    peers.set(req, { address: verified.caller, memberId: member.memberId, roles: member.roles, entitlement: level });
    next();
  };
  const peerOf = (req: Request): AuthenticatedPeer => {
    const peer = peers.get(req);
    if (!peer) throw new Error("route reached without requirePeer");
    return peer;
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  // Raw bytes for every body: the signature covers their SHA-256, so nothing may re-encode them first.
  app.use(express.raw({ type: () => true, limit: deps.maxBodyBytes ?? 1024 * 1024 }));

  app.get("/v1/health", (_req, res) => {
    res.json({ status: "ok", memberId: auth.memberId });
  });

  app.get("/v1/whoami", requirePeer("aggregates"), (req, res) => {
    const peer = peerOf(req);
    res.json({ address: peer.address, memberId: peer.memberId, roles: peer.roles, entitlement: peer.entitlement });
  });

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new NodeError("NOT_FOUND", `no route ${req.method} ${req.path}`));
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const where = { method: req.method, path: req.path };
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

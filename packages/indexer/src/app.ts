import { type Server } from "node:http";
import path from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { createYoga } from "graphql-yoga";
import { type Signer } from "ethers";
import { signAuditExport } from "./audit-verify";
import { type Logger } from "pino";
import { LoanAccess, resolveCaller, type Caller } from "./auth/caller";
import { authRouter, type AuthDeps } from "./auth/routes";
import { AuthError, IndexerError } from "./errors";
import { auditCsv, exportAudit, parseAuditExportQuery } from "./export";
import { DEFAULT_QUERY_LIMITS, queryLimitPlugins, type QueryLimits } from "./graphql/limits";
import { buildApiSchema, entityLoader, type RequestContext } from "./graphql/schema";
import { type SchemaModel } from "./schema-model";
import { type ForecastBook } from "./forecasts";
import { type ContractRunner } from "ethers";
import { type LoanBook } from "./loans";
import { type IndexerStore } from "./store";

export interface AppDeps {
  store: IndexerStore;
  model: SchemaModel;
  logger: Logger;
  hasIndexingErrors(): boolean;
  /** Loan-level records joined from the member node beside the indexer (penetrating views) */
  loans?: LoanBook | undefined;
  /** Pool forecasts to compare reported periods against (ABS_INDEXER_FORECASTS) */
  forecasts?: ForecastBook | undefined;
  /** Reads contract state at query time (a scheduled deal's targets) */
  chain?: ContractRunner | undefined;
  /** Limits of the GraphQL API; any not given is `DEFAULT_QUERY_LIMITS`' */
  limits?: Partial<QueryLimits>;
  /** Sign-in (EIP-4361), sessions and the registry that decides, at each request, what a caller may read */
  auth: AuthDeps;
  /** The indexer's member key: JSON audit exports carry its signature (`abs audit verify` checks it) */
  exportSigner?: Signer | undefined;
}

/** What express hands yoga: the request with the caller resolved before it. */
interface ServerContext {
  req: Request;
  res: Response<unknown, { caller: Caller }>;
}

const PUBLIC_DIR = path.join(__dirname, "..", "public");
const UPLOT_DIR = path.dirname(require.resolve("uplot/package.json"));

/**
 * The indexer's HTTP surface: sign-in at /auth (EIP-4361, `auth/routes.ts`), GraphQL at /graphql (The
 * Graph's conventions, limits in `graphql/limits.ts`), the audit export at /audit/export, and the
 * regulator's read-only dashboard at /. GraphQL and the export need a caller (`auth/caller.ts`); /health,
 * the dashboard's files and GraphiQL's page do not. No listening here: see `listen`.
 */
export function createApp(deps: AppDeps): express.Express {
  const limits: QueryLimits = { ...DEFAULT_QUERY_LIMITS, ...deps.limits };
  const schema = buildApiSchema(deps.model, deps);
  const yoga = createYoga<ServerContext, RequestContext>({
    schema,
    context: ({ res }) => ({
      loader: entityLoader(deps.store),
      access: new LoanAccess(res.locals.caller, deps.store),
    }),
    maskedErrors: true,
    // GraphiQL from the npm package, scripts inlined: it works on a machine without internet.
    graphiql: true,
    renderGraphiQL,
    logging: {
      debug: (...args: unknown[]) => deps.logger.debug({ args }, "yoga"),
      info: (...args: unknown[]) => deps.logger.info({ args }, "yoga"),
      warn: (...args: unknown[]) => deps.logger.warn({ args }, "yoga"),
      error: (...args: unknown[]) => deps.logger.error({ args }, "yoga"),
    },
    plugins: queryLimitPlugins(schema, limits),
  });

  const app = express();
  app.disable("x-powered-by");
  app.use("/auth", authRouter(deps.auth));
  // Every data route needs a caller: a session of an active member (or open read-only mode, if configured).
  const requireCaller = async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.locals["caller"] = await resolveCaller(deps.auth, req.headers);
      next();
    } catch (error) {
      next(error);
    }
  };
  // GraphiQL's page itself holds no data (its queries are checked like any other).
  const isGraphiQLPage = (req: Request) =>
    req.method === "GET" && req.query["query"] === undefined && (req.headers.accept ?? "").includes("text/html");
  app.use(
    yoga.graphqlEndpoint,
    (req: Request, res: Response, next: NextFunction) => (isGraphiQLPage(req) ? next() : requireCaller(req, res, next)),
    (req: Request, res: Response) => void yoga(req, res),
  );
  app.get("/audit/export", requireCaller, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const q = parseAuditExportQuery(req.query);
      const x = await exportAudit(deps.store, q);
      if (q.format === "csv") {
        res.type("text/csv").setHeader("content-disposition", 'attachment; filename="audit-events.csv"');
        res.send(auditCsv(x));
      } else {
        res.json(deps.exportSigner ? await signAuditExport(x, deps.exportSigner) : x);
      }
    } catch (error) {
      next(error);
    }
  });
  app.get("/health", async (_req: Request, res: Response) => {
    const checkpoint = await deps.store.checkpoint();
    res.json({ ok: !deps.hasIndexingErrors(), block: checkpoint?.number ?? null });
  });
  app.use("/vendor/uplot", express.static(path.join(UPLOT_DIR, "dist")));
  app.use(express.static(PUBLIC_DIR, { index: "index.html" }));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof AuthError) {
      res.status(error.status).json({ error: { code: error.code, message: error.message } });
      return;
    }
    if (error instanceof IndexerError && error.code === "BAD_USER_INPUT") {
      res.status(400).json({ error: { code: error.code, message: error.message } });
      return;
    }
    deps.logger.error({ err: error }, "request failed");
    res.status(500).json({ error: { code: "INTERNAL", message: "internal error" } });
  });
  return app;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Listen on host:port (port 0 picks a free one). */
export function listen(app: express.Express, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) return reject(error);
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({
        url: `http://${host}:${actual}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

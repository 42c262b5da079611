/**
 * The sign-in routes:
 * - `GET /auth/challenge?address=0x…` → `{ message, expiresAt }`: the EIP-4361 message to sign;
 * - `POST /auth/sign-in` `{ message, signature }` → `{ token, address, memberId, roles, expiresAt }`, and the
 *   session cookie (HttpOnly, SameSite=Strict) for browsers;
 * - `POST /auth/session` with `Authorization: Bearer <token>` → the same cookie (a browser opening a link
 *   that `abs indexer login` printed);
 * - `GET /auth/session` → the caller as the registry sees it now (`{ kind: "member", ... }`), `{ kind: "open" }`
 *   (open read-only mode, no session) or `{ kind: "none", reason }`: a page asks before it queries;
 * - `POST /auth/sign-out` → 204, the session closed.
 * Refusals answer `{ error: { code, message } }` with 400/401/403.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { AuthError } from "../errors";
import { SESSION_COOKIE, resolveCaller, tokenOf, type CallerDeps } from "./caller";
import { challenge, signIn, type SignInDeps } from "./sign-in";

export type AuthDeps = SignInDeps & CallerDeps;

function sessionCookie(token: string, maxAgeS: number): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeS}`;
}

export function authRouter(deps: AuthDeps): Router {
  const router = express.Router();
  const maxAgeS = Math.floor(deps.sessions.sessionTtlMs / 1000);
  router.get("/challenge", (req: Request, res: Response) => {
    res.json(challenge(deps, req.query["address"]));
  });
  router.post("/sign-in", express.json({ limit: "16kb" }), async (req: Request, res: Response) => {
    const { session, member } = await signIn(deps, req.body);
    res.setHeader("set-cookie", sessionCookie(session.token, maxAgeS));
    res.json({
      token: session.token,
      address: session.address,
      memberId: member.memberId,
      roles: member.roles,
      expiresAt: new Date(session.expiresAt).toISOString(),
    });
  });
  router.post("/session", async (req: Request, res: Response) => {
    const token = tokenOf({ authorization: req.headers.authorization });
    const session = token === undefined ? undefined : deps.sessions.find(token);
    if (session === undefined) throw new AuthError("AUTH_REQUIRED", "expected a live session's bearer token", 401);
    await resolveCaller({ ...deps, openRead: false }, { authorization: req.headers.authorization });
    res.setHeader("set-cookie", sessionCookie(session.token, Math.floor((session.expiresAt - Date.now()) / 1000)));
    res.status(204).end();
  });
  router.get("/session", async (req: Request, res: Response) => {
    try {
      res.json(await resolveCaller(deps, req.headers));
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      res.json({ kind: "none", reason: error.message });
    }
  });
  router.post("/sign-out", (req: Request, res: Response) => {
    const token = tokenOf(req.headers);
    if (token !== undefined) deps.sessions.close(token);
    res.setHeader("set-cookie", sessionCookie("", 0));
    res.status(204).end();
  });
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof AuthError) {
      res.status(error.status).json({ error: { code: error.code, message: error.message } });
      return;
    }
    next(error);
  });
  return router;
}

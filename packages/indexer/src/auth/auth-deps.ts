/**
 * The sign-in dependencies of an indexer over a deployment: its registry (the answer about a caller kept
 * `memberCacheMs`), its chain id, and fresh sessions. The service, the tests and the benches build them here.
 */
import { type ContractRunner } from "ethers";
import { RegistryMemberDirectory } from "@abs/node";
import { CachedMemberDirectory } from "./member-cache";
import { type AuthDeps } from "./routes";
import { SessionBook } from "./session-book";

export interface AuthOptions {
  /** The ConsortiumRegistry's address */
  registry: string;
  /** What reads the registry (a provider) */
  runner: ContractRunner;
  chainId: number;
  /** What sign-in messages must name; "" until the server listens (then its host:port) */
  domain?: string;
  sessionTtlMs: number;
  /** How long the registry's answer about a caller is reused (0: asked at every request) */
  memberCacheMs: number;
  openRead?: boolean;
}

/** Nonces are good for five minutes: long enough to sign, short enough not to pile up. */
const NONCE_TTL_MS = 5 * 60_000;

export function createAuthDeps(options: AuthOptions): AuthDeps {
  return {
    sessions: new SessionBook({ sessionTtlMs: options.sessionTtlMs, nonceTtlMs: NONCE_TTL_MS }),
    directory: new CachedMemberDirectory(
      new RegistryMemberDirectory(options.registry, options.runner),
      options.memberCacheMs,
    ),
    domain: options.domain ?? "",
    chainId: options.chainId,
    openRead: options.openRead ?? false,
  };
}

/**
 * Sign-In with Ethereum (EIP-4361) for the indexer: a member proves it holds its registered key by
 * signing a challenge (`personal_sign`), and gets a short-lived session.
 *
 * The challenge binds the signature to this indexer (`domain`, fixed by configuration, never taken from
 * the request, so a signature made for another site does not verify here), to this chain (`chainId`),
 * to one nonce the indexer issued (used once), and to a few minutes (`expirationTime`). After the
 * signature, the registry decides: only an active member gets a session. What the member may then read
 * is decided again at every request (`caller.ts`), so a suspension takes effect at once.
 */
import { getAddress } from "ethers";
import { SiweMessage } from "siwe";
import { z } from "zod";
import { type MemberDirectory, type MemberRecord } from "@abs/node";
import { AuthError } from "../errors";
import { type Session, type SessionBook } from "./session-book";

export const SIGN_IN_STATEMENT = "Sign in to the ABS consortium indexer. This signature moves nothing.";

/** What sign-in needs: the nonces and sessions, the registry, and what a message must be bound to. */
export interface SignInDeps {
  sessions: SessionBook;
  directory: MemberDirectory;
  /** host[:port] the messages must name, e.g. "127.0.0.1:4350" */
  domain: string;
  chainId: number;
  now?: () => number;
}

const addressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x address of 40 hex digits");

/** The EIP-4361 message a member signs to sign in as `address`. */
export function challenge(deps: SignInDeps, rawAddress: unknown): { message: string; expiresAt: number } {
  const parsed = addressSchema.safeParse(rawAddress);
  if (!parsed.success) {
    throw new AuthError("AUTH_INVALID", `address: expected a 0x address, found ${JSON.stringify(rawAddress)}`, 401);
  }
  const { nonce, expiresAt } = deps.sessions.issueNonce();
  const now = (deps.now ?? Date.now)();
  const message = new SiweMessage({
    domain: deps.domain,
    address: getAddress(parsed.data),
    statement: SIGN_IN_STATEMENT,
    uri: `http://${deps.domain}`,
    version: "1",
    chainId: deps.chainId,
    nonce,
    issuedAt: new Date(now).toISOString(),
    expirationTime: new Date(expiresAt).toISOString(),
  }).prepareMessage();
  return { message, expiresAt };
}

const signInBody = z.object({
  message: z.string().min(1).max(4_000),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "expected a 65-byte 0x signature"),
});

/**
 * Check a signed challenge and open a session. Refusals: AUTH_INVALID (401) for a message that does not
 * parse, names another domain or chain, has expired, carries a nonce not issued here or already used,
 * or whose signature is not its address's; NOT_A_MEMBER (403) for a key that is not an active member.
 */
export async function signIn(deps: SignInDeps, body: unknown): Promise<{ session: Session; member: MemberRecord }> {
  const parsed = signInBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AuthError("AUTH_INVALID", `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`, 401);
  }
  let message: SiweMessage;
  try {
    message = new SiweMessage(parsed.data.message);
  } catch (cause) {
    throw new AuthError("AUTH_INVALID", "message: not an EIP-4361 sign-in message", 401, { cause });
  }
  if (message.chainId !== deps.chainId) {
    throw new AuthError("AUTH_INVALID", `message: chain ${message.chainId}, expected ${deps.chainId}`, 401);
  }
  if (message.expirationTime === undefined) {
    throw new AuthError("AUTH_INVALID", "message: an expiration time is required", 401);
  }
  const verdict = await message.verify(
    {
      signature: parsed.data.signature,
      domain: deps.domain,
      time: new Date((deps.now ?? Date.now)()).toISOString(),
    },
    { suppressExceptions: true },
  );
  if (!verdict.success) {
    const e = verdict.error;
    const detail = e?.expected !== undefined ? ` (expected ${e.expected}, found ${e.received ?? "?"})` : "";
    throw new AuthError("AUTH_INVALID", `sign-in refused: ${e?.type ?? "signature does not verify"}${detail}`, 401);
  }
  // Only after the signature: a stranger cannot burn a member's nonce with a forged message.
  if (!deps.sessions.takeNonce(message.nonce)) {
    throw new AuthError("AUTH_INVALID", "sign-in refused: the nonce was not issued here, has expired or was used", 401);
  }
  const member = await deps.directory.lookup(message.address);
  if (member.status !== "Active") {
    throw new AuthError(
      "NOT_A_MEMBER",
      member.status === "None"
        ? `${message.address} is not a member of the consortium`
        : `${message.address} is not an active member (status ${member.status})`,
      403,
    );
  }
  return { session: deps.sessions.open(message.address), member };
}

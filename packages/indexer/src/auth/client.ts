/**
 * Signing in to an indexer from a program holding a member's key (the CLI, the local launcher,
 * tests, benches): fetch the challenge, sign it, post it back.
 */
import { type Signer } from "ethers";
import { IndexerError } from "../errors";

export interface IndexerSession {
  token: string;
  address: string;
  memberId: string;
  roles: string[];
  /** ISO 8601 */
  expiresAt: string;
}

/** Sign in to the indexer at `baseUrl` with `signer`; throws with the indexer's code on a refusal. */
export async function signInToIndexer(baseUrl: string, signer: Signer): Promise<IndexerSession> {
  const address = await signer.getAddress();
  const url = baseUrl.replace(/\/+$/, "");
  const challenge = await fetch(`${url}/auth/challenge?address=${address}`);
  const { message } = (await readJson(challenge)) as { message: string };
  const signature = await signer.signMessage(message);
  const answer = await fetch(`${url}/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, signature }),
  });
  return (await readJson(answer)) as IndexerSession;
}

async function readJson(res: Response): Promise<unknown> {
  const body = (await res.json()) as { error?: { code?: string; message?: string } };
  if (!res.ok) {
    throw new IndexerError(
      body.error?.code === "NOT_A_MEMBER" ? "NOT_A_MEMBER" : "AUTH_INVALID",
      `indexer sign-in refused (${res.status} ${body.error?.code ?? ""}): ${body.error?.message ?? ""}`,
    );
  }
  return body;
}

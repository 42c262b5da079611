/**
 * The acting member's transactions, sent by its node (`POST /v1/transactions` with the operator token) instead of
 * signed here: the node is then the one sender of the member's key, counting its nonces and journalling each
 * transaction, so the member's commands and its node never race for a nonce. Messages and typed data (DvP orders,
 * sign-in) are still signed here with the member's key file: they are not transactions.
 *
 * `abs --as <member>` uses it when the member has a node in the consortium file and an operator token is at hand;
 * an explicit signer flag (--hardhat-account, --key-env, --keystore) signs locally as before.
 */
import { randomUUID } from "node:crypto";
import {
  AbstractSigner,
  type HDNodeWallet,
  Interface,
  type Provider,
  type TransactionRequest,
  type TransactionResponse,
  type TypedDataDomain,
  type TypedDataField,
  type Wallet,
  hexlify,
  resolveAddress,
} from "ethers";
import { z } from "zod";
import { CONTRACT_ABIS } from "./contracts/abi.generated";
import { CliError } from "./errors";
import { nodeErrorAnswer } from "./node-upload";

/** Every consortium function, to name a call in the node's journal (`approve`, `runPeriod`, ...). */
const ALL_FUNCTIONS = new Interface(
  [...new Set(Object.values(CONTRACT_ABIS).flatMap((abi) => abi.filter((f) => f.startsWith("function "))))].filter(
    (fragment, i, all) =>
      all.findIndex((other) => other.slice(0, other.indexOf("(")) === fragment.slice(0, fragment.indexOf("("))) === i,
  ),
);

const sentAnswer = z.object({
  txHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  blockNumber: z.number().int().min(0),
  from: z.string(),
  reused: z.boolean(),
});

/** What a call is, by its function's name where the consortium's ABIs know the selector. */
export function callLabel(to: string, data: string): string {
  const selector = data.slice(0, 10);
  let name = selector;
  try {
    name = ALL_FUNCTIONS.getFunction(selector)?.name ?? selector;
  } catch {
    // An unknown selector keeps its hex.
  }
  return `${name} on ${to}`;
}

export class NodeSender extends AbstractSigner {
  constructor(
    private readonly wallet: Wallet | HDNodeWallet,
    private readonly node: { readonly url: string; readonly token: string },
    provider: Provider,
  ) {
    super(provider);
  }

  override connect(provider: Provider | null): NodeSender {
    if (provider === null) throw new CliError("USAGE", "a node sender needs a provider");
    return new NodeSender(this.wallet, this.node, provider);
  }

  override getAddress(): Promise<string> {
    return Promise.resolve(this.wallet.address);
  }

  override signTransaction(): Promise<string> {
    return Promise.reject(new CliError("USAGE", "transactions are signed by the member's node, not here"));
  }

  override signMessage(message: string | Uint8Array): Promise<string> {
    return this.wallet.signMessage(message);
  }

  override signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.wallet.signTypedData(domain, types, value);
  }

  /** Posts the call to the member's node, which signs, sends and confirms it; answers the sent transaction. */
  override async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    const provider = this.provider;
    if (provider === null) throw new CliError("USAGE", "a node sender needs a provider");
    if (tx.to === undefined || tx.to === null) {
      throw new CliError("USAGE", "the member's node sends contract calls only: this transaction has no target");
    }
    if (tx.value !== undefined && tx.value !== null && BigInt(tx.value) !== 0n) {
      throw new CliError("USAGE", "the member's node sends no value transfers");
    }
    const to = await resolveAddress(tx.to, provider);
    const data = tx.data === undefined || tx.data === null ? "0x" : hexlify(tx.data);
    const label = callLabel(to, data);
    let res: Response;
    try {
      res = await fetch(new URL("/v1/transactions", this.node.url), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.node.token}` },
        body: JSON.stringify({ key: randomUUID(), to, data, label }),
      });
    } catch (error) {
      throw new CliError(
        "NODE_REQUEST_FAILED",
        `The member's node at ${this.node.url} cannot be reached to send ${label}`,
        {
          cause: error,
          details: ["start it (`npm start` runs every member's node), or sign locally with --key-env or --keystore"],
        },
      );
    }
    const body: unknown = await res.json().catch(() => undefined);
    const sent = sentAnswer.safeParse(body);
    if (!res.ok || !sent.success) {
      const refused = nodeErrorAnswer.safeParse(body);
      throw new CliError(
        res.status === 409 ? "CHAIN_FAILED" : "NODE_REQUEST_FAILED",
        refused.success
          ? `The member's node refused ${label} (HTTP ${res.status} ${refused.data.error.code}): ${refused.data.error.message}`
          : `The member's node answered HTTP ${res.status} with an unexpected body to ${label}`,
      );
    }
    const response = await provider.getTransaction(sent.data.txHash);
    if (response === null) {
      throw new CliError(
        "NODE_REQUEST_FAILED",
        `The member's node sent ${sent.data.txHash}, which the chain does not know`,
      );
    }
    return response;
  }
}

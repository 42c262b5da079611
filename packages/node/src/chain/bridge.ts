/**
 * The chain bridge: the one way a member node sends transactions.
 *
 * - One sender per key: sends are serialised and the bridge counts its own nonces (read from the chain
 *   once, then incremented locally; never re-read per transaction: ethers caches "pending" reads).
 * - Every RPC call is retried with exponential backoff on transport/node faults (retry.ts); a revert is
 *   permanent and thrown as CHAIN_REVERTED with the decoded custom error (revert.ts). The call is
 *   simulated (`eth_estimateGas`) before signing, so a doomed transaction is never sent; a caller whose
 *   call has a fixed gas limit and its own checks may skip that (`simulate: false`, DvP trades): a doomed
 *   transaction is then mined as a failed one (state unchanged) and its revert is decoded by replaying it.
 * - A persistent action journal (LevelDB sublevel `chain-actions`) makes actions idempotent: each action
 *   has a caller-chosen key; the signed transaction (hash, nonce, raw bytes) is journalled as `submitted`
 *   BEFORE it is broadcast, and `confirmed` (block number) once it has `confirmations` blocks. Running an
 *   action whose key is confirmed returns the stored result and sends nothing; one that is `submitted`
 *   (e.g. the node was killed) is resumed: its receipt is looked up and, if the chain never saw it, the SAME
 *   signed bytes (same nonce) are broadcast again, so it can never be anchored twice.
 */
import { type Logger } from "pino";
import { type Level } from "level";
import {
  type FeeData,
  type JsonRpcProvider,
  type TransactionReceipt,
  type Wallet,
  type HDNodeWallet,
  Transaction,
  keccak256,
  toQuantity,
} from "ethers";
import { z } from "zod";
import { ChainError, NodeError } from "../errors";
import { decodeRevert } from "./revert";
import {
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  type Sleep,
  isAlreadyKnown,
  isNonceTooLow,
  isRetryableRpcError,
  realSleep,
  withRetry,
} from "./retry";
import { cachedRead } from "./cached-read";

type Root = Level<string, string>;

export interface BridgeOptions {
  /** Blocks a transaction must have (its own included) before it counts as confirmed. Default 1. */
  readonly confirmations?: number;
  /** How long to wait for confirmations before answering CHAIN_TX_PENDING, ms. Default 120 s. */
  readonly confirmTimeoutMs?: number;
  /** Receipt polling interval, ms. Default 250. */
  readonly pollMs?: number;
  /**
   * While waiting for a receipt, how often to ask whether the chain still knows the transaction, ms; one it has
   * forgotten (a chain node restarted with an empty mempool, a dropped broadcast) is broadcast again from the
   * journal. Default 3 s.
   */
  readonly rebroadcastCheckMs?: number;
  /**
   * How long a fee read serves the transactions signed after it, ms: one fee read per burst instead of per
   * transaction (ethers' getFeeData is three RPC calls). Fees are set with headroom (max fee = 2 × base fee +
   * tip), so a second-old read stays valid on a chain whose base fee moves at most 12.5 % a block. Default 1 s.
   */
  readonly feeCacheMs?: number;
  readonly retry?: RetryPolicy;
  /** Gas limit = estimate × (100 + headroom) / 100. Default 20. */
  readonly gasHeadroomPercent?: number;
  readonly sleep?: Sleep;
}

/** A contract call to send. `label` names it in logs and errors (never data). */
export interface ChainCall {
  readonly to: string;
  readonly data: string;
  readonly label: string;
  /**
   * A gas limit the caller knows the call stays under (a fixed code path, e.g. a DvP settlement): the bridge then
   * simulates the call once (`eth_call` at that limit) instead of estimating its gas (a search over several
   * executions, the slowest call of a transaction on Hardhat's node), and sends it with that limit. Omitted: the
   * estimate plus the headroom.
   */
  readonly gasLimit?: bigint;
  /**
   * `false`: send without simulating first (needs `gasLimit`), after the caller's `before` checks. Saves a full
   * execution of the call per transaction, the largest cost of a trade on a fast chain; the price: a call the
   * chain refuses is mined as a failed transaction (its gas spent, nothing else changed), reported as
   * CHAIN_REVERTED with the custom error decoded by replaying the call on the block before. Default `true`.
   */
  readonly simulate?: boolean;
}

export interface ExecuteOptions {
  /**
   * The caller's own checks of the action, started once the bridge's simulation request is on its way (so local
   * work, e.g. recovering signatures, overlaps the chain's; first, without a simulation) and awaited before
   * anything is signed: if they reject, nothing is sent and their error is the action's. Not run when the key's
   * transaction is already journalled (nothing new is sent).
   */
  readonly before?: () => Promise<unknown>;
}

/** What a confirmed action returns. */
export interface ConfirmedAction {
  readonly key: string;
  readonly txHash: string;
  readonly nonce: number;
  readonly blockNumber: number;
  /** The receipt (re-read from the chain when the action was confirmed earlier). */
  readonly receipt: TransactionReceipt;
  /** True when this call found the action already confirmed and sent nothing. */
  readonly reused: boolean;
}

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/);
const journalEntry = z.discriminatedUnion("state", [
  z.object({
    state: z.literal("submitted"),
    label: z.string(),
    to: z.string(),
    txHash: hex,
    nonce: z.number().int().min(0),
    raw: hex,
  }),
  z.object({
    state: z.literal("confirmed"),
    label: z.string(),
    to: z.string(),
    txHash: hex,
    nonce: z.number().int().min(0),
    blockNumber: z.number().int().min(0),
  }),
]);
export type JournalEntry = z.output<typeof journalEntry>;

const UTF8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;

export class ChainBridge {
  readonly address: string;
  private readonly journal;
  private readonly confirmations: number;
  private readonly confirmTimeoutMs: number;
  private readonly pollMs: number;
  private readonly rebroadcastCheckMs: number;
  /** The chain's fee data, read at most once per `feeCacheMs`. */
  private readonly feeData: () => Promise<FeeData>;
  private readonly retry: RetryPolicy;
  private readonly headroom: bigint;
  private readonly sleep: Sleep;
  private nextNonce: number | undefined;
  private chainId: bigint | undefined;
  /** Serialises signing + broadcasting (one sender, strictly increasing nonces). */
  private sending: Promise<unknown> = Promise.resolve();
  /** Actions running now, by key: a second call with the same key joins the first. */
  private readonly running = new Map<string, Promise<ConfirmedAction>>();

  constructor(
    private readonly deps: {
      readonly wallet: Wallet | HDNodeWallet;
      readonly provider: JsonRpcProvider;
      readonly db: Root;
      readonly logger: Logger;
    },
    options: BridgeOptions = {},
  ) {
    this.address = deps.wallet.address;
    this.journal = deps.db.sublevel<string, string>("chain-actions", UTF8);
    this.confirmations = options.confirmations ?? 1;
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 120_000;
    this.pollMs = options.pollMs ?? 250;
    this.rebroadcastCheckMs = options.rebroadcastCheckMs ?? 3_000;
    this.feeData = cachedRead(options.feeCacheMs ?? 1_000, () =>
      this.rpc("fee data", () => this.deps.provider.getFeeData()),
    );
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.headroom = BigInt(100 + (options.gasHeadroomPercent ?? 20));
    this.sleep = options.sleep ?? realSleep;
  }

  /** The journal entry of an action, if any. */
  async entry(key: string): Promise<JournalEntry | undefined> {
    const raw = await this.journal.get(key);
    if (raw === undefined) return undefined;
    const parsed = journalEntry.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new NodeError("INTERNAL", `chain journal entry "${key}" is corrupt`);
    return parsed.data;
  }

  /** Keys of actions that were sent but not yet confirmed (to resume after a restart). */
  async unconfirmed(): Promise<string[]> {
    const keys: string[] = [];
    for await (const [key, raw] of this.journal.iterator()) {
      if ((JSON.parse(raw) as { state?: unknown }).state === "submitted") keys.push(key);
    }
    return keys;
  }

  /** Forget an action (only for one that is not pending on chain: the caller checked). */
  async forget(key: string): Promise<void> {
    await this.journal.del(key);
  }

  /** Read-only call with retries (no journal); a refusal's message names `refused` (default `what`). */
  rpc<T>(what: string, call: () => Promise<T>, refused: string = what): Promise<T> {
    return withRetry(call, this.retry, this.retryOptions(what)).catch((error: unknown) => {
      throw asChainError(error, refused);
    });
  }

  /** Every retried RPC failure is logged: an operator sees an outage as it happens, not only its final error. */
  private retryOptions(what: string) {
    return {
      sleep: this.sleep,
      onRetry: (attempt: number, delayMs: number, err: unknown) =>
        this.deps.logger.warn({ what, attempt, delayMs, err: describe(err) }, "rpc failed, retrying"),
    };
  }

  /**
   * Run the action `key` exactly once: return its confirmation if it is confirmed, resume it if it was
   * submitted, else simulate, sign, journal and send `call`. Throws ChainError (see the codes).
   */
  execute(key: string, call: ChainCall, options: ExecuteOptions = {}): Promise<ConfirmedAction> {
    const current = this.running.get(key);
    if (current) return current;
    const run = this.executeNow(key, call, options.before).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  /**
   * Resume an action found `submitted` in the journal without sending anything new: wait for its receipt,
   * or broadcast its journalled bytes again. Returns undefined if the chain will never include it (its
   * nonce was used by another transaction): the entry is then forgotten.
   */
  async resume(key: string): Promise<ConfirmedAction | undefined> {
    const entry = await this.entry(key);
    if (entry === undefined) return undefined;
    if (entry.state === "confirmed") return this.confirmedResult(key, entry, true);
    const known = await this.rpc("eth_getTransactionReceipt", () =>
      this.deps.provider.getTransactionReceipt(entry.txHash),
    );
    if (known === null && (await this.rebroadcastIfForgotten(key, entry)) === "nonce-used") return undefined;
    return this.waitConfirmed(key, entry);
  }

  /**
   * Broadcast a submitted action's journalled bytes again if the chain does not know its transaction (not mined,
   * not pending). "nonce-used": another transaction took its nonce, so it can never be mined; its journal entry is
   * forgotten and the nonce read from the chain again.
   */
  private async rebroadcastIfForgotten(
    key: string,
    entry: JournalEntry & { state: "submitted" },
  ): Promise<"known" | "sent" | "nonce-used"> {
    const pending = await this.rpc("eth_getTransactionByHash", () => this.deps.provider.getTransaction(entry.txHash));
    if (pending !== null) return "known";
    this.deps.logger.info({ key, txHash: entry.txHash, nonce: entry.nonce }, "re-broadcasting journalled tx");
    const outcome = await this.broadcast(entry.raw);
    if (outcome === "nonce-used") {
      await this.journal.del(key);
      this.nextNonce = undefined;
    }
    return outcome;
  }

  private async executeNow(key: string, call: ChainCall, before?: () => Promise<unknown>): Promise<ConfirmedAction> {
    const existing = await this.entry(key);
    if (existing?.state === "confirmed") return this.confirmedResult(key, existing, true);
    if (existing?.state === "submitted") {
      const resumed = await this.resume(key);
      if (resumed) return resumed;
    }
    // Simulated before the serialised part: concurrent actions simulate side by side, and only the nonce, the
    // signature, the journal entry and the broadcast go one at a time.
    // The caller's own checks run beside the simulation; theirs is the error to report (a bad signature would
    // also revert the simulation, less clearly).
    let gasLimit: bigint;
    if (call.simulate === false) {
      if (call.gasLimit === undefined) {
        throw new NodeError("INTERNAL", `${call.label}: a call sent without a simulation needs a gas limit`);
      }
      await before?.();
      gasLimit = call.gasLimit;
    } else {
      const simulation = this.simulate(call);
      const checks = before === undefined ? undefined : new Promise((resolve) => setTimeout(resolve, 0)).then(before);
      const [simulated, checked] = await Promise.allSettled([simulation, checks]);
      if (checked.status === "rejected") throw checked.reason;
      if (simulated.status === "rejected") throw simulated.reason;
      gasLimit = simulated.value;
    }
    const entry = await this.serialised(() => this.signAndSendResyncing(key, call, gasLimit));
    return this.waitConfirmed(key, entry);
  }

  /**
   * Simulate the call and answer the gas limit to send it with: the caller's (simulated once at that limit) or the
   * estimate plus the headroom. A revert is CHAIN_REVERTED (nothing is sent). Against "latest" (the state every
   * confirmed action of this bridge is in), not the node's default "pending" block, which can lag behind a receipt
   * just returned.
   */
  private async simulate(call: ChainCall): Promise<bigint> {
    const tx = { from: this.address, to: call.to, data: call.data };
    const { provider } = this.deps;
    const fixed = call.gasLimit;
    if (fixed !== undefined) {
      const at = { ...tx, gas: toQuantity(fixed) };
      await this.rpc(`eth_call (${call.label})`, () => provider.send("eth_call", [at, "latest"]), call.label);
      return fixed;
    }
    const estimate = await this.rpc(
      `eth_estimateGas (${call.label})`,
      async () => BigInt((await provider.send("eth_estimateGas", [tx, "latest"])) as string),
      call.label,
    );
    return (estimate * this.headroom) / 100n;
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.sending.then(task);
    this.sending = run.catch(() => undefined);
    return run;
  }

  /**
   * `signAndSend`, once more after a nonce conflict: the member's own tools may send with the same key (`abs` with
   * an explicit --key-env or --keystore signs locally; `abs --as` sends through this node), so a counted nonce can be
   * taken by them. The conflicting transaction was never sent (its journal
   * entry is gone) and the nonce is read from the chain again; a second conflict is reported.
   */
  private async signAndSendResyncing(
    key: string,
    call: ChainCall,
    gas: bigint,
  ): Promise<JournalEntry & { state: "submitted" }> {
    try {
      return await this.signAndSend(key, call, gas);
    } catch (error) {
      if (!(error instanceof ChainError) || error.code !== "CHAIN_NONCE_CONFLICT") throw error;
      this.deps.logger.warn(
        { key, label: call.label },
        "nonce taken by another sender with this key: resynced, sending again",
      );
      return this.signAndSend(key, call, gas);
    }
  }

  private async signAndSend(key: string, call: ChainCall, gas: bigint): Promise<JournalEntry & { state: "submitted" }> {
    const { wallet, provider, logger } = this.deps;
    this.chainId ??= (await this.rpc("eth_chainId", () => provider.getNetwork())).chainId;
    if (this.nextNonce === undefined) {
      // Read once, uncached (ethers caches identical reads briefly), then counted here.
      const count = await this.rpc("eth_getTransactionCount", () =>
        provider.send("eth_getTransactionCount", [this.address, "pending"]),
      );
      this.nextNonce = Number(count);
    }
    const fees = await this.feeData();
    const nonce = this.nextNonce;
    const raw = await wallet.signTransaction({
      type: 2,
      chainId: this.chainId,
      to: call.to,
      data: call.data,
      nonce,
      gasLimit: gas,
      maxFeePerGas: fees.maxFeePerGas ?? fees.gasPrice ?? 1_000_000_000n,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
    });
    const entry = { state: "submitted" as const, label: call.label, to: call.to, txHash: keccak256(raw), nonce, raw };
    // Journalled before it leaves: a crash from here on resumes this very transaction.
    await this.journal.put(key, JSON.stringify(entry));
    this.nextNonce = nonce + 1;
    const outcome = await this.broadcast(raw);
    if (outcome === "nonce-used") {
      await this.journal.del(key);
      this.nextNonce = undefined;
      throw new ChainError(
        "CHAIN_NONCE_CONFLICT",
        `${call.label}: nonce ${nonce} of ${this.address} was already used (is another process sending with this key?)`,
        { retryable: true },
      );
    }
    logger.info({ key, label: call.label, txHash: entry.txHash, nonce }, "transaction sent");
    return entry;
  }

  /** Broadcast signed bytes; "sent" also when the node already has them. */
  private async broadcast(raw: string): Promise<"sent" | "nonce-used"> {
    try {
      await withRetry(
        () => this.deps.provider.broadcastTransaction(raw),
        this.retry,
        this.retryOptions("eth_sendRawTransaction"),
      );
      return "sent";
    } catch (error) {
      if (isAlreadyKnown(error)) return "sent";
      if (isNonceTooLow(error)) {
        // Either our own earlier broadcast got through (the receipt exists) or someone else used the nonce.
        const mined = await this.rpc("eth_getTransactionReceipt", () =>
          this.deps.provider.getTransactionReceipt(keccak256(raw)),
        );
        return mined === null ? "nonce-used" : "sent";
      }
      throw asChainError(error, "eth_sendRawTransaction");
    }
  }

  private async waitConfirmed(key: string, entry: JournalEntry): Promise<ConfirmedAction> {
    const { provider } = this.deps;
    const deadline = Date.now() + this.confirmTimeoutMs;
    let nextCheck = Date.now() + this.rebroadcastCheckMs;
    for (;;) {
      const receipt = await this.rpc("eth_getTransactionReceipt", () => provider.getTransactionReceipt(entry.txHash));
      if (receipt === null && entry.state === "submitted" && Date.now() >= nextCheck) {
        nextCheck = Date.now() + this.rebroadcastCheckMs;
        if ((await this.rebroadcastIfForgotten(key, entry)) === "nonce-used") {
          throw new ChainError(
            "CHAIN_NONCE_CONFLICT",
            `${entry.label}: transaction ${entry.txHash} was dropped by the chain and its nonce ${entry.nonce} taken by ` +
              `another transaction; nothing of it is on chain, so the same key sends it anew`,
            { retryable: true },
          );
        }
      }
      if (receipt !== null) {
        // One confirmation is the receipt itself; more need the head, read uncached: ethers' getBlockNumber()
        // answers from a 250 ms cache, which held every action back by up to a quarter second.
        const latest =
          this.confirmations <= 1
            ? receipt.blockNumber
            : Number(await this.rpc("eth_blockNumber", () => provider.send("eth_blockNumber", []) as Promise<string>));
        if (latest - receipt.blockNumber + 1 >= this.confirmations) {
          if (receipt.status !== 1) {
            await this.journal.del(key);
            throw await this.explainRevert(entry, receipt.blockNumber);
          }
          const confirmed = {
            state: "confirmed" as const,
            label: entry.label,
            to: entry.to,
            txHash: entry.txHash,
            nonce: entry.nonce,
            blockNumber: receipt.blockNumber,
          };
          await this.journal.put(key, JSON.stringify(confirmed));
          return {
            key,
            txHash: entry.txHash,
            nonce: entry.nonce,
            blockNumber: receipt.blockNumber,
            receipt,
            reused: false,
          };
        }
      }
      if (Date.now() > deadline) {
        throw new ChainError(
          "CHAIN_TX_PENDING",
          `${entry.label}: transaction ${entry.txHash} has fewer than ${this.confirmations} confirmations after ${this.confirmTimeoutMs} ms`,
          { retryable: true },
        );
      }
      await this.sleep(this.pollMs);
    }
  }

  /**
   * CHAIN_REVERTED for a transaction mined as failed, with its custom error decoded by replaying the signed call
   * on the block before its own: the cause unless a transaction earlier in the same block changed the state (then
   * the replay succeeds, and the message says so).
   */
  private async explainRevert(entry: JournalEntry, blockNumber: number): Promise<ChainError> {
    const failed = `${entry.label}: transaction ${entry.txHash} reverted on chain`;
    if (entry.state !== "submitted") return new ChainError("CHAIN_REVERTED", failed);
    const tx = Transaction.from(entry.raw);
    const call = { from: this.address, to: tx.to, data: tx.data, gas: toQuantity(tx.gasLimit) };
    const before = toQuantity(Math.max(0, blockNumber - 1));
    try {
      await this.rpc(`eth_call (replay of ${entry.label})`, () => this.deps.provider.send("eth_call", [call, before]));
    } catch (error) {
      if (error instanceof ChainError && error.revert !== undefined) {
        return new ChainError("CHAIN_REVERTED", `${failed}: ${error.revert}`, { revert: error.revert });
      }
      return new ChainError("CHAIN_REVERTED", `${failed} (replaying it to decode why failed: ${describe(error)})`);
    }
    return new ChainError(
      "CHAIN_REVERTED",
      `${failed} (a replay on block ${blockNumber - 1} succeeds: a transaction before it in block ${blockNumber} changed what it depends on)`,
    );
  }

  private async confirmedResult(key: string, entry: JournalEntry, reused: boolean): Promise<ConfirmedAction> {
    const receipt = await this.rpc("eth_getTransactionReceipt", () =>
      this.deps.provider.getTransactionReceipt(entry.txHash),
    );
    if (receipt === null) {
      throw new ChainError("CHAIN_UNAVAILABLE", `${entry.label}: the chain no longer knows ${entry.txHash}`, {
        retryable: true,
      });
    }
    return { key, txHash: entry.txHash, nonce: entry.nonce, blockNumber: receipt.blockNumber, receipt, reused };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error);
}

/** Map an ethers failure to a ChainError: a decoded revert (permanent) or an unavailable chain (retryable). */
export function asChainError(error: unknown, what: string): NodeError {
  if (error instanceof NodeError) return error;
  const revert = decodeRevert(error);
  if (revert !== undefined || !isRetryableRpcError(error)) {
    return new ChainError(
      "CHAIN_REVERTED",
      `${what} was refused by the chain: ${revert ?? describe(error)}`,
      revert === undefined ? { cause: error } : { cause: error, revert },
    );
  }
  return new ChainError("CHAIN_UNAVAILABLE", `${what}: the chain RPC failed after retries (${describe(error)})`, {
    cause: error,
    retryable: true,
  });
}

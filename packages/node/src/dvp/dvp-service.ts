/**
 * DvP submission by an exchange member's node: a matched pair of EIP-712 orders is checked locally
 * (sides, signatures, expiry) and `DvPSettlement.settle` is sent through the chain bridge under the key
 * `dvp:<tradeId>`, so the same trade id settles once however often it is submitted. The answer comes
 * once the trade is final (its block confirmed); a refusal by the contract is a CHAIN_REVERTED error
 * carrying the decoded custom error, e.g. `TradeRestricted(tranche=..., code=3, message=...)`.
 *
 * The settlement is sent without the bridge's simulation (`simulate: false`): the local checks catch a bad pair
 * before anything is signed, and a simulation would execute every trade twice, which halved the node's trade
 * rate against a plain sender (npm run bench:issuance). What the contract alone can refuse (a restricted buyer, a
 * short balance, a filled order) is mined as a failed transaction: nothing moves, its gas is spent, and the
 * answer is the same CHAIN_REVERTED with the decoded error (replayed on the block before).
 */
import { Interface, type JsonRpcProvider, TypedDataEncoder } from "ethers";
import { DVP_ORDER_TYPES } from "@abs/core";
import { type Logger } from "pino";
import { DVP_SETTLEMENT_ABI } from "../chain/abi";
import { type ChainBridge } from "../chain/bridge";
import { cachedRead } from "../chain/cached-read";
import { DvpError } from "../errors";
import { recoverSigner } from "./recover-signer";

const DVP = new Interface(DVP_SETTLEMENT_ABI);

export interface DvpOrder {
  readonly maker: string;
  readonly isSell: boolean;
  readonly tranche: string;
  readonly amountCents: bigint;
  readonly priceBps: bigint;
  readonly cashToken: string;
  readonly counterparty: string;
  readonly expiry: bigint;
  readonly nonce: bigint;
}

export interface DvpTrade {
  /** The exchange's own trade id: the idempotency key. */
  readonly tradeId: string;
  readonly sell: DvpOrder;
  readonly sellSignature: string;
  readonly buy: DvpOrder;
  readonly buySignature: string;
  readonly fillCents: bigint;
}

export interface SettledTrade {
  readonly tradeId: string;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly sellOrderHash: string;
  readonly buyOrderHash: string;
  /** True when this trade id had settled before: nothing was sent. */
  readonly reused: boolean;
}

/**
 * The gas a settlement is sent with (see ChainCall.gasLimit). A trade costs ~201k gas (npm run bench:issuance: a
 * fresh order pair, both makers' first trade of the tranche); a settlement has one code path, so twice that
 * covers it with room.
 */
export const DVP_SETTLE_GAS_LIMIT = 400_000n;

export class DvpService {
  private readonly domain: { name: string; version: string; chainId: bigint; verifyingContract: string };

  constructor(
    private readonly deps: {
      readonly bridge: ChainBridge;
      readonly provider: JsonRpcProvider;
      readonly dvp: string;
      readonly chainId: bigint;
      readonly logger: Logger;
      /** Seconds since the epoch the expiry check uses; default the latest block's timestamp. */
      readonly now?: () => Promise<bigint>;
    },
  ) {
    this.domain = { name: "ABS DvP Settlement", version: "1", chainId: deps.chainId, verifyingContract: deps.dvp };
  }

  async submit(trade: DvpTrade): Promise<SettledTrade> {
    const sellOrderHash = TypedDataEncoder.hash(this.domain, DVP_ORDER_TYPES, trade.sell);
    const buyOrderHash = TypedDataEncoder.hash(this.domain, DVP_ORDER_TYPES, trade.buy);
    // The orders are checked before anything is signed. A trade already journalled under this id is answered from
    // the journal without re-checking its orders.
    const check = () => this.check(trade, sellOrderHash, buyOrderHash);
    const data = DVP.encodeFunctionData("settle", [
      trade.sell,
      trade.sellSignature,
      trade.buy,
      trade.buySignature,
      trade.fillCents,
    ]);
    const done = await this.deps.bridge.execute(
      `dvp:${trade.tradeId}`,
      {
        to: this.deps.dvp,
        data,
        label: `dvp settle ${trade.tradeId}`,
        gasLimit: DVP_SETTLE_GAS_LIMIT,
        simulate: false,
      },
      { before: check },
    );
    this.deps.logger.info(
      { tradeId: trade.tradeId, txHash: done.txHash, blockNumber: done.blockNumber, reused: done.reused },
      "dvp trade settled",
    );
    return {
      tradeId: trade.tradeId,
      txHash: done.txHash,
      blockNumber: done.blockNumber,
      sellOrderHash,
      buyOrderHash,
      reused: done.reused,
    };
  }

  private async check(trade: DvpTrade, sellHash: string, buyHash: string): Promise<void> {
    if (!trade.sell.isSell || trade.buy.isSell) {
      throw new DvpError("DVP_ORDERS_INVALID", "expected `sell` with isSell=true and `buy` with isSell=false");
    }
    for (const [side, order, signature, hash] of [
      ["sell", trade.sell, trade.sellSignature, sellHash],
      ["buy", trade.buy, trade.buySignature, buyHash],
    ] as const) {
      let signer: string;
      try {
        signer = recoverSigner(hash, signature); // `hash` is the order's EIP-712 digest, as verifyTypedData has it
      } catch {
        throw new DvpError("DVP_SIGNATURE_INVALID", `${side} order ${hash}: the signature is not a valid signature`);
      }
      if (signer.toLowerCase() !== order.maker.toLowerCase()) {
        throw new DvpError(
          "DVP_SIGNATURE_INVALID",
          `${side} order ${hash}: expected a signature by its maker ${order.maker}, found one by ${signer}`,
        );
      }
    }
    const now = await (this.deps.now ?? (() => this.latestBlockTime()))();
    for (const [side, order, hash] of [
      ["sell", trade.sell, sellHash],
      ["buy", trade.buy, buyHash],
    ] as const) {
      if (order.expiry < now) {
        throw new DvpError(
          "DVP_ORDER_EXPIRED",
          `${side} order ${hash}: expected an expiry at or after ${now}, found ${order.expiry}`,
        );
      }
    }
  }

  /**
   * The chain's time, read at most once a second: a trade burst makes one read. A time up to a second old can
   * let an order that has just expired pass this check; the contract refuses it then (`CHAIN_REVERTED`,
   * OrderExpired, the trade mined as a failed transaction).
   */
  private readonly latestBlockTime = cachedRead(1_000, async () => {
    const block = await this.deps.bridge.rpc("eth_getBlockByNumber", () => this.deps.provider.getBlock("latest"));
    return BigInt(block?.timestamp ?? 0);
  });
}

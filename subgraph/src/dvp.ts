// DvPSettlement: secondary trades settled delivery-versus-payment, and order cancellations.
import { EIP712DomainChanged, OrderCancelled, TradeSettled } from "../generated/DvPSettlement/DvPSettlement";
import { OrderCancellation, Trade } from "../generated/schema";
import { audit, eventId, getMember } from "./helpers";

const KIND = "DvPSettlement";

export function handleTradeSettled(event: TradeSettled): void {
  const p = event.params;
  const ts = event.block.timestamp;
  const trade = new Trade(eventId(event));
  trade.sellOrderHash = p.sellHash;
  trade.buyOrderHash = p.buyHash;
  trade.tranche = p.tranche;
  trade.seller = getMember(p.seller, ts).id;
  trade.buyer = getMember(p.buyer, ts).id;
  trade.amountCents = p.amountCents;
  trade.cashCents = p.cashCents;
  trade.priceBps = p.priceBps;
  trade.cashToken = p.cashToken;
  trade.sellFilledCents = p.sellFilledCents;
  trade.buyFilledCents = p.buyFilledCents;
  trade.submitter = getMember(p.submitter, ts).id;
  trade.timestamp = ts;
  trade.transactionHash = event.transaction.hash;
  trade.save();
  audit(event, KIND, "TradeSettled", p.submitter, null, p.tranche);
}

export function handleOrderCancelled(event: OrderCancelled): void {
  const row = new OrderCancellation(event.params.orderHash);
  row.maker = getMember(event.params.maker, event.block.timestamp).id;
  row.filledCents = event.params.filledCents;
  row.timestamp = event.block.timestamp;
  row.save();
  audit(event, KIND, "OrderCancelled", event.params.maker, null, null);
}

/** ERC-5267's event: the settlement's EIP-712 domain is immutable, so this is never expected; audited if seen. */
export function handleEIP712DomainChanged(event: EIP712DomainChanged): void {
  audit(event, KIND, "EIP712DomainChanged", null, null, null);
}

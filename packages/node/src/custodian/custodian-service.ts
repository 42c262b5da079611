/**
 * The custodian's bank-side movements and the cash-token actions that match them.
 *
 * - A credit (bank reference, amount, value date, beneficiary member) mints the same amount to the
 *   beneficiary, citing keccak256(bankRef) on chain.
 * - A payout confirmation (the bank paid, with its reference) burns the escrowed payout; a rejection
 *   returns it to the holder (the reference hash is the reason).
 * Each is recorded in the bank ledger first, then sent through the chain bridge under the key
 * `bank:<bankRef>`: the same reference twice records once and sends once, and `recover()` finishes an
 * action interrupted by a crash from the bridge journal.
 */
import { Contract, Interface, type JsonRpcProvider, id as keccakText } from "ethers";
import { type Logger } from "pino";
import { CASH_TOKEN_ABI } from "../chain/abi";
import { type ChainBridge, type ChainCall } from "../chain/bridge";
import { ChainError, CustodianError } from "../errors";
import { type BankLedgerEntry, type LevelBankLedger, balanceEffect } from "./bank-ledger";

const CASH = new Interface(CASH_TOKEN_ABI);

export interface CreditInput {
  readonly bankRef: string;
  readonly amountCents: bigint;
  readonly valueDate: string;
  readonly beneficiary: string;
}

export interface PayoutDecisionInput {
  readonly payoutId: bigint;
  readonly bankRef: string;
  readonly valueDate: string;
}

export interface RecordOutcome {
  /** `recorded`: this call recorded and settled it; `already-recorded`: the same movement was known. */
  readonly status: "recorded" | "already-recorded";
  readonly entry: BankLedgerEntry;
}

export interface CustodianBalances {
  /** The node's recorded bank balance: settled credits minus confirmed payouts. */
  readonly recordedBankBalanceCents: bigint;
  readonly chain: { readonly totalSupplyCents: bigint; readonly recordedBankBalanceCents: bigint };
}

function callOf(cashToken: string, entry: BankLedgerEntry): ChainCall {
  const ref = keccakText(entry.bankRef);
  if (entry.kind === "credit") {
    const data = CASH.encodeFunctionData("mint", [entry.beneficiary, BigInt(entry.amountCents), ref]);
    return { to: cashToken, data, label: "cash mint" };
  }
  const fn = entry.kind === "payout-confirmed" ? "confirmPayout" : "rejectPayout";
  return { to: cashToken, data: CASH.encodeFunctionData(fn, [BigInt(entry.payoutId), ref]), label: `cash ${fn}` };
}

/** Same movement: everything but the bookkeeping fields agrees. */
function sameMovement(a: BankLedgerEntry, b: BankLedgerEntry): boolean {
  const canonical = ({ state: _s, recordedAt: _r, txHash: _t, blockNumber: _b, ...rest }: BankLedgerEntry) =>
    JSON.stringify(Object.entries(rest).sort(([x], [y]) => (x < y ? -1 : 1)));
  return canonical(a) === canonical(b);
}

export class CustodianService {
  private readonly cash: Contract;
  /** One movement per bank reference at a time in this process. */
  private readonly inflight = new Map<string, Promise<RecordOutcome>>();

  constructor(
    private readonly deps: {
      readonly ledger: LevelBankLedger;
      readonly bridge: ChainBridge;
      readonly provider: JsonRpcProvider;
      readonly cashToken: string;
      readonly logger: Logger;
      readonly clock?: () => Date;
    },
  ) {
    this.cash = new Contract(deps.cashToken, CASH_TOKEN_ABI, deps.provider);
  }

  credit(input: CreditInput): Promise<RecordOutcome> {
    return this.record({
      kind: "credit",
      bankRef: input.bankRef,
      amountCents: input.amountCents.toString(),
      valueDate: input.valueDate,
      beneficiary: input.beneficiary.toLowerCase(),
      ...this.fresh(),
    });
  }

  async confirmPayout(input: PayoutDecisionInput): Promise<RecordOutcome> {
    return this.record({ kind: "payout-confirmed", ...(await this.payoutFields(input)), ...this.fresh() });
  }

  async rejectPayout(input: PayoutDecisionInput): Promise<RecordOutcome> {
    return this.record({ kind: "payout-rejected", ...(await this.payoutFields(input)), ...this.fresh() });
  }

  list(): Promise<BankLedgerEntry[]> {
    return this.deps.ledger.list();
  }

  async balances(): Promise<CustodianBalances> {
    const entries = await this.deps.ledger.list();
    const recorded = entries.reduce((sum, e) => sum + balanceEffect(e), 0n);
    const [supply, chainBalance] = await Promise.all([
      this.cash.getFunction("totalSupply").staticCall() as Promise<bigint>,
      this.cash.getFunction("recordedBankBalanceCents").staticCall() as Promise<bigint>,
    ]);
    return {
      recordedBankBalanceCents: recorded,
      chain: { totalSupplyCents: supply, recordedBankBalanceCents: chainBalance },
    };
  }

  /** Finish every movement recorded but not settled (a crash between the record and its chain action). */
  async recover(): Promise<number> {
    const pending = (await this.deps.ledger.list()).filter((e) => e.state === "recorded");
    for (const entry of pending) await this.settle(entry);
    return pending.length;
  }

  private fresh() {
    return { state: "recorded" as const, recordedAt: (this.deps.clock?.() ?? new Date()).toISOString() };
  }

  private async payoutFields(input: PayoutDecisionInput) {
    const known = await this.deps.ledger.get(input.bankRef);
    // A decision already recorded keeps its amount (the payout's escrow is gone once it settled).
    if (known !== undefined && known.kind !== "credit" && known.payoutId === input.payoutId.toString()) {
      return {
        bankRef: input.bankRef,
        valueDate: input.valueDate,
        payoutId: known.payoutId,
        amountCents: known.amountCents,
      };
    }
    let amount = 0n;
    try {
      const payout = (await this.deps.bridge.rpc("CashToken.payout", () =>
        this.cash.getFunction("payout").staticCall(input.payoutId),
      )) as { amountCents: bigint };
      amount = payout.amountCents;
    } catch (error) {
      // An unknown payout reverts the read: the contract's PayoutNotFound answers when the action is
      // simulated. Any other failure (RPC down) must not record a payout of a wrong amount.
      if (!(error instanceof ChainError && error.code === "CHAIN_REVERTED")) throw error;
    }
    return {
      bankRef: input.bankRef,
      valueDate: input.valueDate,
      payoutId: input.payoutId.toString(),
      amountCents: amount.toString(),
    };
  }

  private record(entry: BankLedgerEntry): Promise<RecordOutcome> {
    const current = this.inflight.get(entry.bankRef);
    if (current) return current.then((outcome) => this.repeat(outcome.entry, entry));
    const run = this.recordNow(entry).finally(() => this.inflight.delete(entry.bankRef));
    this.inflight.set(entry.bankRef, run);
    return run;
  }

  private repeat(known: BankLedgerEntry, asked: BankLedgerEntry): RecordOutcome {
    if (!sameMovement(known, asked)) {
      throw new CustodianError(
        "BANK_REF_CONFLICT",
        `bank reference ${JSON.stringify(asked.bankRef)} is already recorded as a ${known.kind} of ${known.amountCents} cents with other details`,
      );
    }
    return { status: "already-recorded", entry: known };
  }

  private async recordNow(entry: BankLedgerEntry): Promise<RecordOutcome> {
    const known = await this.deps.ledger.get(entry.bankRef);
    if (known !== undefined) {
      const outcome = this.repeat(known, entry);
      return known.state === "settled" ? outcome : { status: "already-recorded", entry: await this.settle(known) };
    }
    await this.deps.ledger.put(entry);
    return { status: "recorded", entry: await this.settle(entry) };
  }

  private async settle(entry: BankLedgerEntry): Promise<BankLedgerEntry> {
    const key = `bank:${entry.bankRef}`;
    try {
      const done = await this.deps.bridge.execute(key, callOf(this.deps.cashToken, entry));
      const settled: BankLedgerEntry = {
        ...entry,
        state: "settled",
        txHash: done.txHash,
        blockNumber: done.blockNumber,
      };
      await this.deps.ledger.put(settled);
      this.deps.logger.info(
        { bankRef: entry.bankRef, kind: entry.kind, amountCents: entry.amountCents, txHash: done.txHash },
        "bank movement settled on chain",
      );
      return settled;
    } catch (error) {
      // Refused by the contract (unknown payout, non-member beneficiary ...): nothing happened on chain,
      // so the record is withdrawn and the operator may send a corrected movement with the same reference.
      if (error instanceof ChainError && error.code === "CHAIN_REVERTED") {
        await this.deps.ledger.del(entry.bankRef);
        await this.deps.bridge.forget(key);
      }
      throw error;
    }
  }
}

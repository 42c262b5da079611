/**
 * The chain side of the reconciliation: the cash token's mints (`Minted`) and confirmed payouts
 * (`PayoutConfirmed`) read with `eth_getLogs` (in ranges of at most `BLOCK_RANGE` blocks), decoded by hand,
 * each dated by its block; and the anchoring of a report's digest on the `ReconciliationLog`.
 */
import { AbiCoder, Contract, type ContractRunner, id as keccakText, keccak256, toUtf8Bytes } from "ethers";
import { z } from "zod";
import { epochDayToIsoDate } from "../iso-date";
import { ReconciliationError } from "./errors";
import { type ChainMovement, type ReconciliationReport } from "./reconcile";

/** Anything that takes raw JSON-RPC calls: ethers' JsonRpcProvider, Hardhat's provider. */
export interface RpcSender {
  send(method: string, params: unknown[]): Promise<unknown>;
}

const MINTED = keccakText("Minted(address,uint256,bytes32,uint256)");
const PAYOUT_CONFIRMED = keccakText("PayoutConfirmed(uint256,address,uint256,bytes32,uint256)");
const BLOCK_RANGE = 2_000;

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "expected 0x-hex");
const logSchema = z.object({
  topics: z.array(hex),
  data: hex,
  blockNumber: hex,
  transactionHash: hex,
});
const blockSchema = z.object({ timestamp: hex });

function rpcAnswer<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ReconciliationError(
      "CHAIN_ANSWER_INVALID",
      `Chain answer for ${what} is malformed: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/** Every mint and confirmed payout of `cashToken` from `fromBlock` to the latest block. */
export async function readCashMovements(rpc: RpcSender, cashToken: string, fromBlock = 0): Promise<ChainMovement[]> {
  const latest = Number(BigInt(rpcAnswer(hex, await rpc.send("eth_blockNumber", []), "eth_blockNumber")));
  const dates = new Map<string, string>();
  const dateOf = async (blockNumber: string): Promise<string> => {
    const cached = dates.get(blockNumber);
    if (cached) return cached;
    const block = rpcAnswer(blockSchema, await rpc.send("eth_getBlockByNumber", [blockNumber, false]), "a block");
    const date = epochDayToIsoDate(Number(BigInt(block.timestamp) / 86_400n));
    dates.set(blockNumber, date);
    return date;
  };
  const coder = AbiCoder.defaultAbiCoder();
  const out: ChainMovement[] = [];
  for (let from = fromBlock; from <= latest; from += BLOCK_RANGE) {
    const to = Math.min(latest, from + BLOCK_RANGE - 1);
    const logs = rpcAnswer(
      z.array(logSchema),
      await rpc.send("eth_getLogs", [
        {
          address: cashToken,
          fromBlock: "0x" + from.toString(16),
          toBlock: "0x" + to.toString(16),
          topics: [[MINTED, PAYOUT_CONFIRMED]],
        },
      ]),
      "eth_getLogs",
    );
    for (const log of logs) {
      const [amount] = coder.decode(["uint256", "uint256"], log.data);
      const isMint = log.topics[0] === MINTED;
      const bankRef = isMint ? log.topics[2] : log.topics[3];
      if (typeof amount !== "bigint" || bankRef === undefined) continue;
      out.push({
        kind: isMint ? "mint" : "payout",
        bankRef,
        amountCents: amount,
        date: await dateOf(log.blockNumber),
        txHash: log.transactionHash,
      });
    }
  }
  return out;
}

const LOG_ABI = [
  "function anchor(address cashToken, bytes32 statementId, uint64 statementDate, bytes32 digest, uint32 matchedCount, uint32 breakCount) returns (uint32)",
];

/** The `statementId` the log keys a statement by: keccak256 of its id. */
export function statementKey(statementId: string): string {
  return keccak256(toUtf8Bytes(statementId));
}

/**
 * Anchor `report` on the ReconciliationLog at `logAddress` with the custodian's `signer`; resolves to the
 * transaction hash once mined. `statementDate` is yyyy-mm-dd.
 */
export async function anchorReconciliation(
  signer: ContractRunner,
  logAddress: string,
  cashToken: string,
  report: ReconciliationReport,
  statementDate: string,
): Promise<string> {
  const log = new Contract(logAddress, LOG_ABI, signer);
  const anchor = log.getFunction("anchor");
  const seconds = BigInt(Date.parse(`${statementDate}T00:00:00Z`) / 1000);
  const tx = await anchor.send(
    cashToken,
    statementKey(report.statementId),
    seconds,
    report.digest,
    report.matched.length,
    report.breaks.length,
  );
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) {
    throw new ReconciliationError("ANCHOR_FAILED", `anchor: transaction ${tx.hash} failed`);
  }
  return tx.hash;
}

/**
 * Re-checking an audit export against the chain, event by event, so that a regulator need not trust the
 * indexer that produced it:
 * - every block an event names has, on chain, the hash the export says (and the checkpoint's block too);
 * - every event is a log of its transaction's receipt: same block, same log index, same contract, and its
 *   topics and data decode (with the consortium's ABIs) to the exported name and arguments;
 * - the export's signature, when it has one, is the indexer's key's over the export's digest.
 * Every difference is reported with the event it concerns; nothing is skipped after the first.
 */
import { keccak256, toUtf8Bytes, verifyMessage, type Signer } from "ethers";
import { z } from "zod";
import { type AbiRegistry, type DecodedArgs } from "./abi";
import { IndexerError } from "./errors";
import { type AuditExport } from "./export";
import { type JsonRpcClient } from "./rpc";

/** An export as it travels: the export and, when the indexer holds a key, its signature over `auditDigest`. */
export interface SignedAuditExport extends AuditExport {
  signature?: { signer: string; digest: string; signature: string };
}

/** keccak256 of the export's JSON without its signature: what the indexer signs (EIP-191). */
export function auditDigest(x: AuditExport): string {
  const { range, checkpoint, blocks, events } = x;
  return keccak256(toUtf8Bytes(JSON.stringify({ range, checkpoint, blocks, events })));
}

/** The export signed by `signer` (the indexer's member key). */
export async function signAuditExport(x: AuditExport, signer: Signer): Promise<SignedAuditExport> {
  const digest = auditDigest(x);
  return {
    ...x,
    signature: {
      signer: (await signer.getAddress()).toLowerCase(),
      digest,
      signature: await signer.signMessage(digest),
    },
  };
}

const eventSchema = z
  .object({
    blockNumber: z.string().regex(/^\d+$/),
    blockHash: z.string().regex(/^0x[0-9a-f]{64}$/),
    transactionHash: z.string().regex(/^0x[0-9a-f]{64}$/),
    logIndex: z.string().regex(/^\d+$/),
    contract: z.string().regex(/^0x[0-9a-f]{40}$/),
    contractKind: z.string(),
    name: z.string(),
    args: z.string(),
  })
  .passthrough();

const exportSchema = z.object({
  range: z.object({ fromBlock: z.number().int(), toBlock: z.number().int() }),
  checkpoint: z.object({ number: z.number().int(), hash: z.string() }).nullable(),
  blocks: z.array(z.object({ number: z.number().int(), hash: z.string() })),
  events: z.array(eventSchema),
  signature: z.object({ signer: z.string(), digest: z.string(), signature: z.string() }).optional(),
});

/** Parse an export read from a file; a bad one names the path, what was expected and what was found. */
export function parseAuditExport(json: unknown): SignedAuditExport {
  const parsed = exportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IndexerError(
      "BAD_USER_INPUT",
      `not an audit export: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`,
    );
  }
  // The value as read, not zod's copy: zod puts an object's known keys first, which would change the digest.
  return json as SignedAuditExport;
}

/** One difference between the export and the chain. */
export interface AuditMismatch {
  /** "block 123 log 4 (TapeAnchored)", "checkpoint", "signature" */
  where: string;
  what: string;
  expected: string;
  found: string;
}

export interface AuditVerdict {
  events: number;
  blocks: number;
  /** The key that signed the export, when it was signed and the signature holds */
  signer: string | undefined;
  mismatches: AuditMismatch[];
}

const receiptSchema = z.object({
  blockHash: z.string(),
  blockNumber: z.string(),
  logs: z.array(z.object({ address: z.string(), topics: z.array(z.string()), data: z.string(), logIndex: z.string() })),
});

/** Check `x` against the chain behind `rpc`, decoding logs with `abis` (see the module comment). */
export async function verifyAuditExport(
  x: SignedAuditExport,
  deps: { rpc: JsonRpcClient; abis: AbiRegistry },
): Promise<AuditVerdict> {
  const mismatches: AuditMismatch[] = [];
  const hashOnChain = new Map<number, string | undefined>();
  const chainHash = async (n: number): Promise<string | undefined> => {
    if (!hashOnChain.has(n)) {
      const block = (await deps.rpc.call("eth_getBlockByNumber", ["0x" + n.toString(16), false])) as {
        hash?: string;
      } | null;
      hashOnChain.set(n, block?.hash?.toLowerCase());
    }
    return hashOnChain.get(n);
  };
  for (const b of x.blocks) {
    const found = await chainHash(b.number);
    if (found !== b.hash.toLowerCase()) {
      mismatches.push({
        where: `block ${b.number}`,
        what: "block hash",
        expected: b.hash,
        found: found ?? "no such block",
      });
    }
  }
  if (x.checkpoint) {
    const found = await chainHash(x.checkpoint.number);
    if (found !== x.checkpoint.hash.toLowerCase()) {
      mismatches.push({
        where: "checkpoint",
        what: `hash of block ${x.checkpoint.number}`,
        expected: x.checkpoint.hash,
        found: found ?? "no such block",
      });
    }
  }
  const receipts = new Map<string, z.infer<typeof receiptSchema> | undefined>();
  for (const e of x.events) {
    const where = `block ${e["blockNumber"]} log ${e["logIndex"]} (${String(e["name"])}, tx ${String(e["transactionHash"])})`;
    const event = eventSchema.parse(e);
    const block = Number(event.blockNumber);
    const found = await chainHash(block);
    if (found !== event.blockHash) {
      mismatches.push({ where, what: "block hash", expected: event.blockHash, found: found ?? "no such block" });
      continue;
    }
    if (!receipts.has(event.transactionHash)) {
      const raw = await deps.rpc.call("eth_getTransactionReceipt", [event.transactionHash]);
      const parsed = receiptSchema.safeParse(raw);
      receipts.set(event.transactionHash, parsed.success ? parsed.data : undefined);
    }
    const receipt = receipts.get(event.transactionHash);
    if (receipt === undefined || receipt.blockHash.toLowerCase() !== event.blockHash) {
      mismatches.push({
        where,
        what: "transaction",
        expected: `mined in block ${event.blockHash}`,
        found: receipt ? `mined in ${receipt.blockHash}` : "no receipt",
      });
      continue;
    }
    const log = receipt.logs.find((l) => Number(l.logIndex) === Number(event.logIndex));
    if (log === undefined) {
      mismatches.push({
        where,
        what: "log",
        expected: `log index ${event.logIndex} in the receipt`,
        found: "no such log",
      });
      continue;
    }
    if (log.address.toLowerCase() !== event.contract) {
      mismatches.push({ where, what: "contract", expected: event.contract, found: log.address.toLowerCase() });
    }
    const spec = deps.abis.eventOf(event.contractKind, log.topics[0] ?? "");
    const fallback: DecodedArgs = [
      ["topics", log.topics],
      ["data", log.data],
    ];
    const decoded =
      spec && spec.indexedCount + 1 === log.topics.length
        ? { name: spec.name, args: spec.decode(log.topics, log.data) }
        : { name: log.topics[0] ?? "Anonymous", args: fallback };
    if (decoded.name !== event.name) {
      mismatches.push({ where, what: "event name", expected: event.name, found: decoded.name });
    }
    // The indexer's own rendering of the arguments (indexer.ts, AuditEvent.args).
    const args = JSON.stringify(Object.fromEntries(decoded.args));
    if (args !== event.args) mismatches.push({ where, what: "arguments", expected: event.args, found: args });
  }
  let signer: string | undefined;
  if (x.signature) {
    const digest = auditDigest(x);
    const recovered = recoverSigner(x.signature.digest, x.signature.signature);
    if (x.signature.digest !== digest) {
      mismatches.push({ where: "signature", what: "digest", expected: digest, found: x.signature.digest });
    } else if (recovered !== x.signature.signer.toLowerCase()) {
      mismatches.push({ where: "signature", what: "signer", expected: x.signature.signer, found: recovered });
    } else {
      signer = recovered;
    }
  }
  return { events: x.events.length, blocks: hashOnChain.size, signer, mismatches };
}

/** The key that signed `digest`, lower case, or a description of a signature that cannot be read. */
function recoverSigner(digest: string, signature: string): string {
  try {
    return verifyMessage(digest, signature).toLowerCase();
  } catch {
    return "an unreadable signature";
  }
}

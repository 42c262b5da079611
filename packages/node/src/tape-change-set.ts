/**
 * The change set of a tape version against the previous one: which loans left the pool, which entered, which were
 * corrected, and the principal moved — what `AssetPool.anchorTape` records beside the new root (`TapeChange`).
 *
 * `changeSetRoot` commits to the change set: keccak-256 over the entries' hashes in loan id order, each entry
 * `keccak256(abi.encode(uint8 op, string loanId, uint256 principalCents, bytes32 leaf))` with op 1 added (the new
 * record's principal and leaf), 2 removed (the old record's), 3 corrected (the new record's). Anyone holding both
 * tapes recomputes it.
 *
 * The shape is checked here as the contract checks it (`_requireChangeAllowed`), so a wrong kind is refused before
 * anything is anchored, with what was expected and what was found.
 */
import { AbiCoder, keccak256 } from "ethers";
import { TAPE_CHANGE_KIND_NAMES } from "@abs/core";
import { UploadError } from "./errors";
import { type LevelTapeStore } from "./tape-store";

export interface TapeChangeSet {
  readonly loansAdded: number;
  readonly loansRemoved: number;
  readonly principalAddedCents: bigint;
  readonly principalRemovedCents: bigint;
  readonly changeSetRoot: string;
}

/** A loan of the new tape, as validation commits it. */
export interface NewLoan {
  readonly principalCents: bigint;
  readonly leaf: string;
}

const OP_ADDED = 1;
const OP_REMOVED = 2;
const OP_CORRECTED = 3;
const PAGE = 5_000;
const coder = AbiCoder.defaultAbiCoder();

function entryHash(op: number, loanId: string, principalCents: bigint, leaf: string): string {
  return keccak256(coder.encode(["uint8", "string", "uint256", "bytes32"], [op, loanId, principalCents, leaf]));
}

/**
 * The change set of `next` (loan id → loan) against the stored tape `previousVersion` of `pool`. Reads the stored
 * tape page by page; `next` is emptied as it goes.
 */
export async function computeChangeSet(
  store: LevelTapeStore,
  pool: string,
  previousVersion: number,
  next: Map<string, NewLoan>,
): Promise<TapeChangeSet> {
  const entries: { loanId: string; hash: string }[] = [];
  let loansRemoved = 0;
  let principalRemovedCents = 0n;
  let after: string | undefined;
  do {
    const page = await store.listLoans(pool, previousVersion, { after, limit: PAGE });
    for (const old of page.loans) {
      const id = old.record.loanId;
      const now = next.get(id);
      if (now === undefined) {
        loansRemoved += 1;
        principalRemovedCents += old.record.currentPrincipalCents;
        entries.push({ loanId: id, hash: entryHash(OP_REMOVED, id, old.record.currentPrincipalCents, old.leaf) });
      } else {
        next.delete(id);
        if (now.leaf.toLowerCase() !== old.leaf.toLowerCase()) {
          entries.push({ loanId: id, hash: entryHash(OP_CORRECTED, id, now.principalCents, now.leaf) });
        }
      }
    }
    after = page.next;
  } while (after !== undefined);
  let principalAddedCents = 0n;
  for (const [id, loan] of next) {
    principalAddedCents += loan.principalCents;
    entries.push({ loanId: id, hash: entryHash(OP_ADDED, id, loan.principalCents, loan.leaf) });
  }
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.loanId, "utf8"), Buffer.from(b.loanId, "utf8")));
  const changeSetRoot =
    entries.length === 0
      ? `0x${"00".repeat(32)}`
      : keccak256(Buffer.concat(entries.map((e) => Buffer.from(e.hash.slice(2), "hex"))));
  return { loansAdded: next.size, loansRemoved, principalAddedCents, principalRemovedCents, changeSetRoot };
}

/** Refuses a change set whose shape the kind does not allow (as the contract would, but before anchoring). */
export function requireChangeShape(kindIndex: number, c: TapeChangeSet): void {
  const kind = TAPE_CHANGE_KIND_NAMES[kindIndex] ?? String(kindIndex);
  const found = `${c.loansAdded} loans added (${c.principalAddedCents} cents), ${c.loansRemoved} removed (${c.principalRemovedCents} cents)`;
  const refuse = (expected: string) => {
    throw new UploadError(
      "TAPE_CHANGE_INVALID",
      `a ${kind} tape: expected ${expected}, found ${found} against the previous version`,
    );
  };
  if (c.changeSetRoot === `0x${"00".repeat(32)}`) refuse("a change from the previous version (the tape is identical)");
  if (kind === "Repurchase" && (c.loansRemoved === 0 || c.loansAdded > 0)) refuse("loans removed and none added");
  if (kind === "Substitution" && (c.loansRemoved === 0 || c.loansAdded === 0)) refuse("loans removed and loans added");
  if (kind === "RevolvingPurchase" && (c.loansAdded === 0 || c.loansRemoved > 0))
    refuse("loans added and none removed");
}

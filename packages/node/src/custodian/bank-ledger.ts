/**
 * The custodian's bank ledger in LevelDB (sublevel `bank-ledger`, one entry per bank reference).
 *
 * An entry is written `recorded` before its chain action is sent and `settled` once the action is
 * confirmed; the chain action's key is derived from the bank reference, so a crash between the two
 * resumes the same action (the bridge journal) and never mints or burns twice.
 */
import { type Level } from "level";
import { z } from "zod";
import { CustodianError } from "../errors";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const cents = z.string().regex(/^\d+$/);
const base = {
  bankRef: z.string(),
  valueDate: z.string(),
  recordedAt: z.string(),
  state: z.enum(["recorded", "settled"]),
  txHash: z.string().optional(),
  blockNumber: z.number().int().optional(),
};
const storedEntry = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("credit"), amountCents: cents, beneficiary: address, ...base }),
  z.object({ kind: z.literal("payout-confirmed"), amountCents: cents, payoutId: cents, ...base }),
  z.object({ kind: z.literal("payout-rejected"), amountCents: cents, payoutId: cents, ...base }),
]);
export type BankLedgerEntry = z.output<typeof storedEntry>;

const UTF8 = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;

/** The signed effect of an entry on the custodian's recorded bank balance, cents. */
export function balanceEffect(entry: BankLedgerEntry): bigint {
  if (entry.state !== "settled") return 0n;
  if (entry.kind === "credit") return BigInt(entry.amountCents);
  if (entry.kind === "payout-confirmed") return -BigInt(entry.amountCents);
  return 0n;
}

export class LevelBankLedger {
  private readonly entries;

  constructor(db: Level<string, string>) {
    this.entries = db.sublevel<string, string>("bank-ledger", UTF8);
  }

  async get(bankRef: string): Promise<BankLedgerEntry | undefined> {
    const raw = await this.entries.get(bankRef);
    return raw === undefined ? undefined : parseEntry(bankRef, raw);
  }

  async put(entry: BankLedgerEntry): Promise<void> {
    await this.entries.put(entry.bankRef, JSON.stringify(entry));
  }

  async del(bankRef: string): Promise<void> {
    await this.entries.del(bankRef);
  }

  /** Every entry, in bank-reference order. */
  async list(): Promise<BankLedgerEntry[]> {
    const out: BankLedgerEntry[] = [];
    for await (const [key, raw] of this.entries.iterator()) out.push(parseEntry(key, raw));
    return out;
  }
}

function parseEntry(key: string, raw: string): BankLedgerEntry {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw new CustodianError("BANK_LEDGER_CORRUPT", `bank-ledger entry "${key}" is not JSON`, { cause });
  }
  const parsed = storedEntry.safeParse(json);
  if (!parsed.success) throw new CustodianError("BANK_LEDGER_CORRUPT", `bank-ledger entry "${key}" is corrupt`);
  return parsed.data;
}

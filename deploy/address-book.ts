import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

const addressBookSchema = z
  .object({
    network: z.string(),
    chainId: z.number().int(),
    genesisHash: z.string(),
    updatedAt: z.string(),
    contracts: z.record(z.string(), address),
    deals: z.record(z.string(), z.object({ pool: address, tranches: z.array(address) }).strict()),
  })
  .strict();
export type AddressBookData = z.infer<typeof addressBookSchema>;

/**
 * `deploy/addresses/<network>.json`: what has been deployed where. Written after every step, so a
 * deployment that dies half-way resumes from the last recorded contract instead of redeploying it.
 * A book recorded for another chain (different chain id or genesis block) is discarded.
 */
export class AddressBook {
  private constructor(
    readonly file: string,
    private data: AddressBookData,
  ) {}

  static open(file: string, chain: { network: string; chainId: number; genesisHash: string }): AddressBook {
    const fresh: AddressBookData = { ...chain, updatedAt: new Date().toISOString(), contracts: {}, deals: {} };
    if (!existsSync(file)) return new AddressBook(file, fresh);
    const parsed = addressBookSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) {
      throw new Error(
        `address book ${file} is malformed: ${parsed.error.issues.map((i) => i.path.join(".") + ": " + i.message).join("; ")}`,
      );
    }
    const sameChain = parsed.data.chainId === chain.chainId && parsed.data.genesisHash === chain.genesisHash;
    return new AddressBook(file, sameChain ? parsed.data : fresh);
  }

  static defaultPath(network: string): string {
    return path.join(__dirname, "addresses", `${network}.json`);
  }

  contract(name: string): string | undefined {
    return this.data.contracts[name];
  }

  setContract(name: string, addr: string): void {
    this.data.contracts[name] = addr;
    this.save();
  }

  setDeal(dealId: string, pool: string, tranches: string[]): void {
    this.data.deals[dealId] = { pool, tranches };
    this.save();
  }

  snapshot(): AddressBookData {
    return structuredClone(this.data);
  }

  /** Atomic write: a crash leaves either the old file or the new one, never half of one. */
  private save(): void {
    this.data.updatedAt = new Date().toISOString();
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2) + "\n");
    renameSync(tmp, this.file);
  }
}

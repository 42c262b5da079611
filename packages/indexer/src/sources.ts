import { readFileSync } from "node:fs";
import { z } from "zod";
import { type AbiRegistry } from "./abi";
import { ConfigError } from "./errors";

const bookSchema = z.object({
  chainId: z.number().int(),
  contracts: z.record(z.string(), z.string().regex(/^0x[0-9a-fA-F]{40}$/)),
});

/**
 * The contracts to follow from the start: every contract of the deployment's address book
 * (deploy/addresses/<network>.json), with its artifact name as its kind. Contracts created later
 * (pools, tranche tokens, any deal contract the registry records) are followed when their
 * creation event is indexed.
 */
export function sourcesFromAddressBook(file: string, abis: AbiRegistry): Map<string, string> {
  const sources = new Map<string, string>();
  for (const [name, address] of Object.entries(readAddressBook(file).contracts)) {
    sources.set(address.toLowerCase(), abis.contracts.has(name) ? name : "DealContract");
  }
  return sources;
}

/** The deployment's ConsortiumRegistry, from its address book (sign-in and the member node sync read it). */
export function registryFromAddressBook(file: string): string {
  const registry = readAddressBook(file).contracts["ConsortiumRegistry"];
  if (registry === undefined)
    throw new ConfigError("CONFIG_INVALID", `address book ${file} names no ConsortiumRegistry`);
  return registry;
}

function readAddressBook(file: string): z.infer<typeof bookSchema> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new ConfigError("CONFIG_INVALID", `cannot read the address book ${file}`, { cause });
  }
  const parsed = bookSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError("CONFIG_INVALID", `address book ${file}: expected { chainId, contracts: { name: address } }`);
  }
  return parsed.data;
}

/**
 * Who `abs` acts as. `abs --as trustee ...` (or `$ABS_AS`) selects a member of the consortium file; its key file
 * signs, its node serves, and the file's RPC URL and contract addresses are the defaults of every chain command.
 * Explicit flags (--rpc-url, --hardhat-account, --key-env, --keystore, contract addresses) still win.
 */
import { readFileSync, statSync } from "node:fs";
import { Wallet, getAddress } from "ethers";
import { CliError } from "../errors";
import { type CliIo } from "../io";
import { type ConsortiumFile, type ConsortiumMember, consortiumFilePath, readConsortiumFile } from "./consortium-file";

/** The member name selected by `--as` (set by the program before a command runs) or `$ABS_AS`. */
export function selectedMemberName(io: CliIo): string | undefined {
  return io.selection?.member ?? io.env.ABS_AS;
}

/** The consortium file; a usage error saying how to get one when there is none. */
export function requireConsortiumFile(io: CliIo): ConsortiumFile {
  const file = readConsortiumFile(io);
  if (file === undefined) {
    throw new CliError(
      "USAGE",
      `No consortium file at ${consortiumFilePath(io.env)}: run \`npm start\` (it writes one) or set $ABS_CONSORTIUM_FILE`,
    );
  }
  return file;
}

/** The member named `name` in the file; a usage error listing the names there are. */
export function memberNamed(file: ConsortiumFile, name: string): ConsortiumMember {
  const member = file.members.find((m) => m.name === name);
  if (member === undefined) {
    throw new CliError(
      "USAGE",
      `Unknown member "${name}": expected one of ${file.members.map((m) => m.name).join(", ")}`,
    );
  }
  return member;
}

/** The member `abs` acts as: the one `--as` selects; a usage error when none is selected. */
export function actingMember(io: CliIo): { file: ConsortiumFile; member: ConsortiumMember } {
  const name = selectedMemberName(io);
  if (name === undefined) {
    throw new CliError("USAGE", "Expected a member to act as: `abs --as <member> ...` (or $ABS_AS)");
  }
  const file = requireConsortiumFile(io);
  return { file, member: memberNamed(file, name) };
}

/** The acting member's signing key, read from its key file (owner-only). The key is never printed. */
export function actingWallet(io: CliIo): Wallet {
  return new Wallet(actingKey(io));
}

/** The acting member's 0x key, read from its key file (owner-only). Never printed. */
export function actingKey(io: CliIo): string {
  const { member } = actingMember(io);
  if (member.keyFile === undefined) {
    throw new CliError("KEY_FILE_INVALID", `The consortium file names no key file for ${member.name}`);
  }
  return readKeyFile(member.keyFile);
}

/** An address as given, or the address of the member of that name in the file. */
export function addressOfMember(file: ConsortiumFile, nameOrAddress: string): string {
  return /^0x[0-9a-fA-F]{40}$/.test(nameOrAddress) ? nameOrAddress : memberNamed(file, nameOrAddress).address;
}

/** A 0x key from `file`, refused when group or others can read the file. */
export function readKeyFile(file: string): string {
  let mode: number;
  let text: string;
  try {
    mode = statSync(file).mode;
    text = readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new CliError("KEY_FILE_INVALID", `Cannot read the key file ${JSON.stringify(file)}`, { cause: error });
  }
  if ((mode & 0o077) !== 0) {
    throw new CliError(
      "KEY_FILE_INVALID",
      `The key file ${JSON.stringify(file)} is readable by others: expected mode 0600, found 0${(mode & 0o777).toString(8)}`,
    );
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) {
    throw new CliError(
      "KEY_FILE_INVALID",
      `Invalid key file ${JSON.stringify(file)}: expected a 0x-prefixed 32-byte hex key (value not shown)`,
    );
  }
  return text;
}

/** A contract's address from the consortium file (e.g. "AssetPoolFactory"); a usage error when it is missing. */
export function consortiumContract(file: ConsortiumFile, name: string): string {
  const found = file.contracts[name];
  if (found === undefined) {
    throw new CliError(
      "USAGE",
      `The consortium file records no ${name} contract (found ${Object.keys(file.contracts).join(", ")})`,
    );
  }
  return getAddress(found);
}

/**
 * Names addresses for people: "trustee" for a member of the file, the contract's name for a consortium
 * contract, else the address itself.
 */
export class AddressNames {
  private readonly names = new Map<string, string>();

  constructor(file: ConsortiumFile | undefined) {
    for (const m of file?.members ?? []) this.names.set(m.address.toLowerCase(), m.name);
    for (const [name, addr] of Object.entries(file?.contracts ?? {})) this.names.set(addr.toLowerCase(), name);
  }

  /** Adds a name (a deal's pool, waterfall, tranches). */
  add(addr: string, name: string): void {
    this.names.set(addr.toLowerCase(), name);
  }

  of(addr: string): string {
    return this.names.get(addr.toLowerCase()) ?? addr;
  }
}

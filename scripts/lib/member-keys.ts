/**
 * Each member's signing key as its own file (`<dir>/<member>.key`, mode 0600, the 0x key on one line): what the
 * member's node (ABS_NODE_KEY_FILE) and its `abs --as <member>` read. On the local consortium the keys are
 * Hardhat's public development keys (or the environment variable a member's signer names): never real keys.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hardhatDevWallet } from "@abs/core";
import { type NetworkConfig } from "../../deploy/config";

/** Writes one key file per member of `config`; returns member name → key file. */
export function writeMemberKeyFiles(config: NetworkConfig, dir: string): Map<string, string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = new Map<string, string>();
  for (const member of config.members) {
    const key =
      "hardhatAccount" in member.signer
        ? hardhatDevWallet(member.signer.hardhatAccount).privateKey
        : process.env[member.signer.privateKeyEnv];
    if (key === undefined || !/^0x[0-9a-fA-F]{64}$/.test(key)) {
      throw new Error(`member ${member.name}: its signer gives no 0x-prefixed 32-byte key`);
    }
    const file = path.join(dir, `${member.name}.key`);
    writeFileSync(file, `${key}\n`, { mode: 0o600 });
    // An existing file keeps its mode on write: make sure it is the owner's only.
    chmodSync(file, 0o600);
    files.set(member.name, file);
  }
  return files;
}

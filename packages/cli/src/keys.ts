/**
 * The originator's master key, read from a key file, and the keys derived from it. The key never goes to
 * an output stream, a log line or an error message.
 */
import { readFile } from "node:fs/promises";
import { deriveOriginatorKeys, type OriginatorKeys } from "@abs/core";
import { CliError } from "./errors";

const HEX_KEY = /^(?:0x)?((?:[0-9a-fA-F]{2}){32,})$/;

/**
 * Reads a key file: one line holding the master key as at least 64 hex digits (32 bytes), with or
 * without "0x". Returns the borrower and salt keys derived from it.
 */
export async function readOriginatorKeys(path: string): Promise<OriginatorKeys> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CliError("KEY_FILE_INVALID", `Cannot read the key file ${JSON.stringify(path)}`, { cause: error });
  }
  const match = HEX_KEY.exec(text.trim());
  const hex = match?.[1];
  if (hex === undefined) {
    throw new CliError(
      "KEY_FILE_INVALID",
      `Invalid key file ${JSON.stringify(path)}: expected at least 64 hex digits (a 32-byte key), found ${text.trim().length} other characters`,
    );
  }
  return deriveOriginatorKeys(Buffer.from(hex, "hex"));
}

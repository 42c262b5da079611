/**
 * `abs pool create --factory ADDR --deal-id CODE --name NAME --originator ADDR --servicer ADDR --cash-token ADDR`:
 * creates a deal's pool through the AssetPoolFactory, signed by the deal's TRUSTEE (the factory only lets the
 * trustee named in the pool create it). The honest path is the chain itself: there is no node in between.
 * Exit 0 created, 1 refused by the chain (decoded custom error), 2 usage error.
 */
import { type Command } from "commander";
import { Interface, encodeBytes32String } from "ethers";
import { z } from "zod";
import { ASSET_POOL_FACTORY_ABI } from "@abs/node";
import {
  address,
  providerFor,
  rpcUrlOf,
  sendTransaction,
  signerSchema,
  withRpcOption,
  withSignerOptions,
} from "../../chain";
import { CliError, EXIT } from "../../errors";
import { senderOf } from "../../member-sender";
import { type CliIo } from "../../io";
import { formatKeyValues, writeJson } from "../../output";
import { parseOptions } from "../parse-options";
import { addressOfMember, consortiumContract } from "../../consortium/acting-member";
import { readConsortiumFile } from "../../consortium/consortium-file";

const FACTORY = new Interface(ASSET_POOL_FACTORY_ABI);

const optionsSchema = z.strictObject({
  rpcUrl: z.string().optional(),
  factory: address.optional(),
  dealId: z.string().regex(/^[\x21-\x7e]{1,31}$/, "expected a deal code of 1-31 printable ASCII characters"),
  name: z.string().min(1, "expected a deal name"),
  originator: z.string().min(1),
  servicer: z.string().min(1),
  cashToken: address.optional(),
  confirmations: z.coerce.number().int().min(1).max(64).default(1),
  json: z.boolean().default(false),
  ...signerSchema,
});

async function run(raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  const provider = providerFor(rpcUrlOf(options.rpcUrl, io));
  const file = readConsortiumFile(io);
  /** A flag's address, else the consortium file's: a member by name, a contract by its name. */
  const member = (value: string, flag: string) => {
    if (file === undefined && !/^0x[0-9a-fA-F]{40}$/.test(value))
      throw new CliError(
        "USAGE",
        `Invalid option ${flag}: expected an address (or a member name, with a consortium file), found ${value}`,
      );
    return file === undefined ? value : addressOfMember(file, value);
  };
  const contract = (value: string | undefined, name: string, flag: string) => {
    if (value !== undefined) return value;
    if (file === undefined)
      throw new CliError("USAGE", `Invalid option ${flag}: expected an address (no consortium file to read it from)`);
    return consortiumContract(file, name);
  };
  const factoryAddress = contract(options.factory, "AssetPoolFactory", "--factory");
  try {
    const trustee = await senderOf(options, io, provider);
    const dealId = encodeBytes32String(options.dealId);
    const data = FACTORY.encodeFunctionData("createPool", [
      {
        dealId,
        name: options.name,
        originator: member(options.originator, "--originator"),
        servicer: member(options.servicer, "--servicer"),
        trustee: trustee.address,
        cashToken: contract(options.cashToken, "CashToken", "--cash-token"),
      },
    ]);
    const receipt = await sendTransaction(
      trustee.sender,
      provider,
      { to: factoryAddress, data, label: `createPool(${options.dealId})` },
      options.confirmations,
    );
    const created = receipt.logs
      .map((log) => FACTORY.parseLog({ topics: [...log.topics], data: log.data }))
      .find((parsed) => parsed?.name === "PoolCreated");
    const pool = created?.args.getValue("pool") as string | undefined;
    if (pool === undefined) throw new CliError("CHAIN_FAILED", `transaction ${receipt.hash} created no pool`);
    const result = {
      pool,
      dealId: options.dealId,
      trustee: trustee.address,
      txHash: receipt.hash,
      blockNumber: receipt.blockNumber,
    };
    if (options.json) writeJson(io.stdout, result);
    else
      io.stdout.write(
        `Pool created\n${formatKeyValues([
          ["Pool", pool],
          ["Deal", options.dealId],
          ["Trustee", trustee.address],
          ["Transaction", `${receipt.hash} (block ${receipt.blockNumber})`],
        ])}`,
      );
    return EXIT.ok;
  } finally {
    provider.destroy();
  }
}

export function registerPoolCreate(pool: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = pool
    .command("create")
    .description("create a deal's pool through the AssetPoolFactory (signed by the deal's trustee)")
    .option("--factory <address>", "the AssetPoolFactory (default: the consortium file's)")
    .requiredOption("--deal-id <code>", "the deal's code, unique in the consortium (e.g. HUAXIA-2026-2)")
    .requiredOption("--name <name>", "the deal's name")
    .requiredOption("--originator <member>", "the originator (anchors tapes): a member name or an address")
    .requiredOption("--servicer <member>", "the servicer (submits period reports): a member name or an address")
    .option("--cash-token <address>", "the custodian's cash token the deal settles in (default: the consortium file's)")
    .option("--confirmations <n>", "blocks to wait for", "1")
    .option("--json", "print the result as JSON", false);
  withSignerOptions(withRpcOption(command))
    .addHelpText("after", "\nThe signer is the trustee. Exit codes: 0 created, 1 refused by the chain, 2 usage error.")
    .action(async (raw: unknown) => {
      setExitCode(await run(raw, io));
    });
}

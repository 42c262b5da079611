/**
 * `abs indexer login [--indexer URL]`: signs in to an indexer with the member's own key (EIP-4361: the
 * indexer's challenge, signed locally; the key never leaves this process) and prints the session: the
 * bearer token for GraphQL clients and a dashboard link that signs the browser in. The registry decides
 * at every request what the member may read. Exit 0 signed in, 1 refused or unreachable, 2 usage error.
 */
import { type Command } from "commander";
import { z } from "zod";
import { signerOf, signerSchema, withSignerOptions } from "../../chain";
import { readConsortiumFile } from "../../consortium/consortium-file";
import { CliError, EXIT } from "../../errors";
import { type CliIo } from "../../io";
import { formatKeyValues, writeJson } from "../../output";
import { parseOptions } from "../parse-options";

const DEFAULT_INDEXER = "http://127.0.0.1:4350";

const optionsSchema = z.strictObject({
  indexer: z
    .string()
    .regex(/^https?:\/\/\S+$/, "expected an http(s) URL")
    .optional(),
  json: z.boolean().default(false),
  ...signerSchema,
});

async function run(raw: unknown, io: CliIo): Promise<number> {
  const options = parseOptions(optionsSchema, raw);
  const indexer = (
    options.indexer ??
    io.env.ABS_INDEXER_URL ??
    readConsortiumFile(io)?.indexerUrl ??
    DEFAULT_INDEXER
  ).replace(/\/+$/, "");
  const signer = await signerOf(options, io);
  // Loaded here only: the indexer's package is large, and no other command needs it.
  const { signInToIndexer } = await import("@abs/indexer");
  let session: Awaited<ReturnType<typeof signInToIndexer>>;
  try {
    session = await signInToIndexer(indexer, signer);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError("INDEXER_REQUEST_FAILED", `could not sign in to ${indexer}: ${reason}`, { cause: error });
  }
  const dashboard = `${indexer}/#session=${session.token}`;
  if (options.json) {
    writeJson(io.stdout, { ...session, indexer, dashboard });
  } else {
    io.stdout.write(
      `Signed in to ${indexer}\n${formatKeyValues([
        ["Member", `${session.memberId} (${session.roles.join(", ") || "no roles"})`],
        ["Address", session.address],
        ["Expires", session.expiresAt],
        ["Dashboard", dashboard],
        ["GraphQL", `${indexer}/graphql with the header "Authorization: Bearer ${session.token}"`],
      ])}`,
    );
  }
  return EXIT.ok;
}

export function registerIndexerLogin(group: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = group
    .command("login")
    .description("sign in to an indexer with your member key; prints a session token and a dashboard link")
    .option("--indexer <url>", `the indexer (default: $ABS_INDEXER_URL or ${DEFAULT_INDEXER})`)
    .option("--json", "print the session as JSON", false);
  withSignerOptions(command)
    .addHelpText(
      "after",
      "\nThe session is short-lived (the indexer's ABS_INDEXER_SESSION_TTL_S); the token is a secret: do not share the link.\nExit codes: 0 signed in, 1 refused or unreachable, 2 usage error.",
    )
    .action(async (raw: unknown) => {
      setExitCode(await run(raw, io));
    });
}

/**
 * `abs --as originator deal sign --deal CODE --type PROSPECTUS`: signs the deal's current document of that type off
 * for the acting member's role (the first of its roles the document still needs, or --role).
 */
import { type Command } from "commander";
import { encodeBytes32String } from "ethers";
import { z } from "zod";
import { ROLE_NAMES, Role } from "@abs/core";
import { readCall, sendCall } from "../../contracts/chain-calls";
import { registerDealCommand } from "../../deal/deal-command";
import { type DealView, signedConsortium } from "../../deal/deal-session";
import { CliError } from "../../errors";
import { type CliIo } from "../../io";

export function registerDealSign(deal: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    deal,
    {
      name: "sign",
      description: "sign a deal document off for your role",
      by: "a member whose role the document requires",
      options: (c) =>
        c
          .option("--type <type>", "the document type, e.g. PROSPECTUS (required)")
          .option("--role <role>", "the role signed for (default: the first one still needed that you hold)"),
      shape: {
        type: z
          .string("expected --type <type> (required)")
          .regex(/^[A-Z][A-Z0-9_]{0,30}$/, "expected a document type such as PROSPECTUS"),
        role: z.enum(ROLE_NAMES).optional(),
      },
      run: async (session, view, options) => {
        const d = view as DealView;
        const registry = await signedConsortium(session, "DocumentRegistry");
        const [docId] = await readCall<[bigint, bigint]>(registry, "latestVersion", [
          d.pool,
          encodeBytes32String(options.type),
        ]);
        if (docId === 0n)
          throw new CliError(
            "USAGE",
            `Deal ${d.code} has no ${options.type} document (the trustee registers it with \`abs deal structure\`)`,
          );
        const doc = await readCall<{ requiredRoles: bigint; signedRoles: bigint }>(registry, "document", [docId]);
        const me = await session.signer();
        const { roles: memberRoles } = await readCall<{ roles: bigint }>(
          session.contract("ConsortiumRegistry"),
          "member",
          [me.address],
        );
        const pending = ROLE_NAMES.filter(
          (r) =>
            (doc.requiredRoles & (1n << BigInt(Role[r]))) !== 0n && (doc.signedRoles & (1n << BigInt(Role[r]))) === 0n,
        );
        const role = options.role ?? pending.find((r) => (memberRoles & (1n << BigInt(Role[r]))) !== 0n);
        if (role === undefined) {
          throw new CliError(
            "USAGE",
            `Nothing for ${session.names.of(me.address)} to sign on ${options.type} #${docId}: still needed ${pending.join(", ") || "nothing (approved)"}`,
          );
        }
        const sent = await sendCall(
          registry,
          "signOff",
          [docId, Role[role]],
          `signOff(${options.type} #${docId}, ${role})`,
        );
        const approved = await readCall<boolean>(registry, "isApproved", [docId]);
        return {
          title: `${options.type} #${docId} of ${d.code} signed off for ${role}${approved ? ": approved by every required role" : ""}`,
          lines: [
            ["Still needed", pending.filter((r) => r !== role).join(", ") || "nothing"],
            ["Transaction", `${sent.hash} (block ${sent.blockNumber})`],
          ],
          json: { deal: d.code, document: docId, type: options.type, role, approved, txHash: sent.hash },
        };
      },
    },
    io,
    setExitCode,
  );
}

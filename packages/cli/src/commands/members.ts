/**
 * `abs members`: the consortium file's members — name, roles, address, node, key file — and, read from the
 * registry, whether each is active. The table `npm start` prints, for `abs --as <name>`.
 */
import { type Command } from "commander";
import { MEMBER_STATUS_NAMES } from "@abs/core";
import { readCall } from "../contracts/chain-calls";
import { registerDealCommand } from "../deal/deal-command";
import { type CliIo } from "../io";
import { formatTable } from "../output";

export function registerMembersCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    program,
    {
      name: "members",
      description: "the consortium's members: name (for --as), roles, address, node, key file, status",
      by: "anyone with the consortium file",
      needsDeal: false,
      options: (c) => c,
      shape: {},
      run: async (session) => {
        const registry = session.contract("ConsortiumRegistry");
        const rows = await Promise.all(
          session.file.members.map(async (m) => {
            const onChain = await readCall<{ status: bigint }>(registry, "member", [m.address]);
            return { ...m, status: MEMBER_STATUS_NAMES[Number(onChain.status)] ?? "?" };
          }),
        );
        const table = formatTable(
          ["name", "roles", "status", "address", "node", "key file"],
          rows.map((m) => [m.name, m.roles.join("+"), m.status, m.address, m.nodeUrl ?? "-", m.keyFile ?? "-"]),
          { maxColumnWidth: 60 },
        );
        return {
          title: `Members of the ${session.file.network} consortium (chain ${session.file.chainId}, ${session.file.rpcUrl})\n${table.trimEnd()}`,
          lines: [],
          json: rows,
        };
      },
    },
    io,
    setExitCode,
  );
}

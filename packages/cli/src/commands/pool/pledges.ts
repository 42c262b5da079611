/**
 * `abs --as trustee pool pledges --deal CODE --policy refuse|alert|none`: what the deal's pool does with a loan
 * already pledged to another pool, in the consortium's PledgeRegistry. Set it before the first tape: the originator's
 * node registers each tape's loans (by consortium fingerprint) when the pool has a policy. Without --policy, anyone
 * reads the pool's policy and how many loans are registered to it.
 */
import { type Command } from "commander";
import { z } from "zod";
import { readCall, sendCall } from "../../contracts/chain-calls";
import { registerDealCommand } from "../../deal/deal-command";
import { type DealView, signedConsortium } from "../../deal/deal-session";
import { type CliIo } from "../../io";

/** `IPledgeRegistry.PledgePolicy`, by value. */
const POLICIES = ["none", "alert", "refuse"] as const;

const MEANING: Readonly<Record<(typeof POLICIES)[number], string>> = {
  none: "the pool registers no pledges",
  alert: "a loan pledged elsewhere is registered and raised to the regulator (DoublePledge)",
  refuse: "a tape holding a loan pledged elsewhere is refused: nothing anchored",
};

export function registerPoolPledges(pool: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    pool,
    {
      name: "pledges",
      description: "set (--policy) or show what the pool does with a loan already pledged to another pool",
      by: "the deal's trustee (any member to show)",
      options: (c) => c.option("--policy <policy>", `one of ${POLICIES.join(", ")}; omitted: show the current one`),
      shape: { policy: z.enum(POLICIES, { error: `expected --policy ${POLICIES.join("|")}` }).optional() },
      run: async (session, view, options) => {
        const deal = view as DealView;
        const registry = await signedConsortium(session, "PledgeRegistry");
        const before = POLICIES[Number(await readCall<bigint>(registry, "policyOf", [deal.pool]))] ?? "none";
        let txHash: string | undefined;
        if (options.policy !== undefined && options.policy !== before) {
          const value = POLICIES.indexOf(options.policy);
          txHash = (await sendCall(registry, "setPolicy", [deal.pool, value], `setPolicy(${options.policy})`)).hash;
        }
        const policy = options.policy ?? before;
        const registered = await readCall<bigint>(registry, "pledgeCount", [deal.pool]);
        return {
          title: `Deal ${deal.code}: pledge policy ${policy}${txHash === undefined ? "" : ` (was ${before})`}`,
          lines: [
            ["Policy", `${policy}: ${MEANING[policy]}`],
            ["Loans registered", registered.toString()],
            ...(txHash === undefined ? [] : [["Transaction", txHash] as const]),
          ],
          json: {
            deal: deal.code,
            pool: deal.pool,
            policy,
            previous: before,
            registered: registered.toString(),
            txHash,
          },
        };
      },
    },
    io,
    setExitCode,
  );
}

/**
 * `abs --as trustee pool release-pledges --deal CODE --loans L1,L2,...`: releases loans that left the deal's pool
 * (repurchased, substituted) from the PledgeRegistry, so another pool may take them. The trustee names the loans by
 * their ids; the pool's originator node says which fingerprint each was registered under (a signed loan-level
 * request), and each must be pledged to this pool on chain: otherwise nothing is sent.
 */
import { type Command } from "commander";
import { ZeroAddress } from "ethers";
import { z } from "zod";
import { NodeError, fetchLoanPledge, loanIdPattern } from "@abs/node";
import { readCall, sendCall } from "../../contracts/chain-calls";
import { registerDealCommand } from "../../deal/deal-command";
import { type DealView, signedConsortium } from "../../deal/deal-session";
import { CliError } from "../../errors";
import { type CliIo } from "../../io";
import { originatorOf, peerSigning } from "./originator-node";

const loanIds = z
  .string("expected --loans L1,L2,... (required)")
  .transform((s) => s.split(",").map((x) => x.trim()))
  .pipe(
    z
      .array(z.string().regex(loanIdPattern, "expected loan ids of 1-64 characters A-Z a-z 0-9 . _ -"))
      .min(1)
      .max(400, "expected at most 400 loans a release"),
  );

export function registerPoolReleasePledges(pool: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    pool,
    {
      name: "release-pledges",
      description: "release loans that left the pool from the pledge registry (another pool may then take them)",
      by: "the deal's trustee",
      options: (c) => c.option("--loans <ids>", "the loan ids, comma-separated (at most 400)"),
      shape: { loans: loanIds },
      run: async (session, view, options) => {
        const deal = view as DealView;
        const { member } = await originatorOf(session, deal.pool);
        if (member?.nodeUrl === undefined) {
          throw new CliError("USAGE", `The consortium file names no node for the originator of deal ${deal.code}`);
        }
        const target = {
          ...(await peerSigning(session, options, io)),
          baseUrl: member.nodeUrl,
          target: member.memberId,
        };
        const registry = await signedConsortium(session, "PledgeRegistry");
        const fingerprints: string[] = [];
        for (const loanId of options.loans) {
          let fingerprint: string;
          try {
            fingerprint = await fetchLoanPledge(target, deal.pool, loanId);
          } catch (error) {
            if (!(error instanceof NodeError)) throw error;
            throw new CliError(
              "NODE_REQUEST_FAILED",
              `Loan ${loanId}: ${error.message} (${error.code}); nothing released`,
              {
                cause: error,
              },
            );
          }
          fingerprints.push(fingerprint);
        }
        // Each must be pledged to this pool: one read for all of them.
        const holders = await readCall<string[]>(registry, "pledgesOf", [fingerprints]);
        holders.forEach((holder, i) => {
          if (holder.toLowerCase() === deal.pool.toLowerCase()) return;
          throw new CliError(
            "USAGE",
            `Loan ${options.loans[i]}: expected it pledged to deal ${deal.code}'s pool ${deal.pool}, found ${holder === ZeroAddress ? "no pledge" : `pool ${holder}`}; nothing released`,
          );
        });
        const sent = await sendCall(
          registry,
          "release",
          [deal.pool, fingerprints],
          `release ${fingerprints.length} pledges`,
        );
        const left = await readCall<bigint>(registry, "pledgeCount", [deal.pool]);
        return {
          title: `Deal ${deal.code}: ${fingerprints.length} loan${fingerprints.length === 1 ? "" : "s"} released from the pledge registry`,
          lines: [
            ["Loans", options.loans.join(", ")],
            ["Still registered to the pool", left.toString()],
            ["Transaction", `${sent.hash} (block ${sent.blockNumber})`],
          ],
          json: {
            deal: deal.code,
            pool: deal.pool,
            released: options.loans,
            fingerprints,
            registered: left.toString(),
            txHash: sent.hash,
          },
        };
      },
    },
    io,
    setExitCode,
  );
}

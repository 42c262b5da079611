/**
 * `abs --as regulator pool double-pledges [--deal CODE]`: every loan pledged to a second pool (the PledgeRegistry's
 * DoublePledge alerts, of one deal's pool or all), each resolved to the loan of both pools by asking each pool's
 * originator node which of its loans it registered under the fingerprint (a signed loan-level request: the
 * regulator's or a trustee's key). A node that cannot answer is shown with its reason, never dropped.
 */
import { type Command } from "commander";
import { NodeError, type PeerTarget, fetchPledgedLoan } from "@abs/node";
import { consortiumContract } from "../../consortium/acting-member";
import { dealCode, registerDealCommand } from "../../deal/deal-command";
import { readDeal } from "../../deal/deal-session";
import { type CliIo } from "../../io";
import { originatorOf, peerSigning } from "./originator-node";

interface PoolSide {
  readonly pool: string;
  readonly originator: string;
  /** The loan its originator's node registered under the fingerprint, or why it could not say. */
  readonly loanId?: string;
  readonly tapeVersion?: number;
  readonly unresolved?: string;
}

export function registerPoolDoublePledges(pool: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    pool,
    {
      name: "double-pledges",
      description: "the loans pledged to two pools, each named by both pools' originator nodes",
      by: "the regulator or a deal's trustee (loan-level readers)",
      options: (c) => c.option("--deal <code>", "only the alerts involving this deal's pool"),
      shape: { deal: dealCode.optional() },
      needsDeal: false,
      run: async (session, _none, options) => {
        const only =
          options.deal === undefined ? undefined : (await readDeal(session, options.deal)).pool.toLowerCase();
        const registry = consortiumContract(session.file, "PledgeRegistry");
        const events = session.contract("PledgeRegistry").interface;
        const topic = events.getEvent("DoublePledge")?.topicHash;
        if (topic === undefined) throw new Error("the generated PledgeRegistry ABI has no DoublePledge event");
        const logs = await session.provider.getLogs({ address: registry, topics: [topic], fromBlock: 0 });
        const peer = await peerSigning(session, options, io);
        // A pool's originator is read once, however many alerts name the pool.
        const originators = new Map<string, ReturnType<typeof originatorOf>>();
        const originator = (p: string) => {
          const known = originators.get(p) ?? originatorOf(session, p);
          originators.set(p, known);
          return known;
        };
        const alerts = [];
        for (const log of logs) {
          const parsed = events.parseLog({ topics: [...log.topics], data: log.data });
          if (parsed?.name !== "DoublePledge") continue;
          const fingerprint = String(parsed.args.getValue("fingerprint")).toLowerCase();
          const first = String(parsed.args.getValue("firstPool")).toLowerCase();
          const second = String(parsed.args.getValue("secondPool")).toLowerCase();
          if (only !== undefined && first !== only && second !== only) continue;
          const side = async (p: string) => resolve(p, await originator(p), fingerprint, peer);
          alerts.push({
            fingerprint,
            first: await side(first),
            second: await side(second),
            by: String(parsed.args.getValue("by")),
            blockNumber: log.blockNumber,
            txHash: log.transactionHash,
          });
        }
        const named = (s: PoolSide) =>
          `${session.names.of(s.pool)} ${s.loanId === undefined ? `(${s.unresolved ?? "?"})` : `loan ${s.loanId} (tape v${s.tapeVersion})`}`;
        return {
          title: `${alerts.length} loan${alerts.length === 1 ? "" : "s"} pledged to two pools${only === undefined ? "" : ` (deal ${options.deal})`}`,
          lines: alerts.map(
            (a) =>
              [
                a.fingerprint.slice(0, 18) + "…",
                `first ${named(a.first)}; again ${named(a.second)} by ${session.names.of(a.by)} (block ${a.blockNumber})`,
              ] as const,
          ),
          json: { registry, alerts },
        };
      },
    },
    io,
    setExitCode,
  );
}

/** One pool of an alert: its originator and the loan its node names, or why not. */
async function resolve(
  pool: string,
  { address: originator, member }: Awaited<ReturnType<typeof originatorOf>>,
  fingerprint: string,
  peer: Omit<PeerTarget, "baseUrl" | "target">,
): Promise<PoolSide> {
  if (member?.nodeUrl === undefined) {
    return { pool, originator, unresolved: "the consortium file names no node for its originator" };
  }
  try {
    const loan = await fetchPledgedLoan(
      { ...peer, baseUrl: member.nodeUrl, target: member.memberId },
      pool,
      fingerprint,
    );
    return { pool, originator, loanId: loan.loanId, tapeVersion: loan.version };
  } catch (error) {
    if (!(error instanceof NodeError)) throw error;
    return { pool, originator, unresolved: `${member.name}'s node: ${error.message}` };
  }
}

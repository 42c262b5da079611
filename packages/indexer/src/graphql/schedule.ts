import { AbiCoder, Contract, type ContractRunner, keccak256 } from "ethers";
import { GraphQLError } from "graphql";
import { type IndexerStore } from "../store";

/**
 * Indexer-only query field: a scheduled (PAC/TAC) deal's target balances. The `Waterfall` entity keeps what the
 * `ScheduleSet` event says (the schedule's hash, the scheduled tranches, the number of periods and the address of
 * the data contract holding it); the targets themselves are read from that data contract through the deal's
 * `WaterfallEngine.readSchedule` and served only if they hash to the indexed `scheduleHash`.
 */
export const SCHEDULE_TYPE_DEFS = `
"""
One scheduled (PAC or TAC) class of a deal in the scheduled principal mode: its target balance after each period,
as fixed at structuring (Waterfall.setSchedule). Read from the schedule's data contract and checked against the
waterfall's scheduleHash (keccak-256 of the ABI-encoded uint256[][] of targets).
"""
type ScheduledClass {
  "The tranche's index, most senior first (0 = the first tranche)"
  tranche: Int!
  "Target balance after period 1, 2, ... in cents"
  targetBalancesCents: [BigInt!]!
}
extend type Query {
  "A scheduled deal's target balances per scheduled class; empty when the waterfall has no schedule"
  waterfallSchedule(waterfall: Bytes!): [ScheduledClass!]!
}
`;

const WATERFALL_ABI = ["function engine() view returns (address)"];
const ENGINE_ABI = [
  "function readSchedule(address scheduleStore, uint256 periods, uint256 mask) view returns (uint8[] tranches, uint256[][] targetsCents)",
];

export function scheduleResolvers(store: IndexerStore, chain: ContractRunner | undefined): Record<string, unknown> {
  return {
    waterfallSchedule: async (_: unknown, args: { waterfall: string }) => {
      const address = String(args.waterfall).toLowerCase();
      if (!/^0x[0-9a-f]{40}$/.test(address)) {
        throw new GraphQLError(
          `waterfall: expected an address (0x and 40 hex digits), found ${JSON.stringify(args.waterfall)}`,
          { extensions: { code: "BAD_USER_INPUT" } },
        );
      }
      const entity = await store.get("Waterfall", address);
      const hash = entity?.["scheduleHash"];
      if (entity === undefined || typeof hash !== "string") return [];
      if (chain === undefined) {
        throw new GraphQLError("waterfallSchedule: this indexer has no chain connection to read the schedule from", {
          extensions: { code: "UNAVAILABLE" },
        });
      }
      const engine = new Contract(
        String(await new Contract(address, WATERFALL_ABI, chain).getFunction("engine").staticCall()),
        ENGINE_ABI,
        chain,
      );
      const [tranches, lists] = (await engine
        .getFunction("readSchedule")
        .staticCall(entity["scheduleStore"], entity["schedulePeriods"], entity["scheduledMask"])) as [
        bigint[],
        bigint[][],
      ];
      const targets = lists.map((list) => [...list]);
      const actual = keccak256(AbiCoder.defaultAbiCoder().encode(["uint256[][]"], [targets]));
      if (actual !== hash.toLowerCase()) {
        throw new GraphQLError(
          `waterfallSchedule: the schedule store of ${address} hashes to ${actual}, expected the indexed ${hash}`,
          { extensions: { code: "SCHEDULE_MISMATCH" } },
        );
      }
      return tranches.map((tranche, k) => ({
        tranche: Number(tranche),
        targetBalancesCents: (targets[k] ?? []).map(String),
      }));
    },
  };
}

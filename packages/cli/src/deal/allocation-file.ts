/**
 * The trustee's allocation file for `abs offering close --allocation FILE`: for an oversubscribed class, the face
 * each investor is allotted, in currency units, by member name (or 0x address):
 *
 *     A:
 *       investor-1: "5500000.00"
 *       investor-2: "4000000.00"
 *
 * A class the file does not name is allocated pro-rata. A named class becomes the contract's table for that tranche:
 * one amount per subscriber, in subscription order (`Offering.subscribersOf`), 0 for a subscriber the file leaves
 * out. What only the chain knows is checked by the contract before anything is minted (each amount at most the
 * order, the amounts adding up to exactly the class's size, the class oversubscribed); what the file alone gets
 * wrong is refused here, before any transaction: an unknown class or member, an investor with no order in the
 * class, the same investor twice, an amount that is not whole cents.
 */
import { z } from "zod";
import { parseCents } from "@abs/core";
import { type ConsortiumFile } from "../consortium/consortium-file";
import { addressOfMember } from "../consortium/acting-member";
import { AMOUNT_IN_UNITS } from "./deal-command";
import { type DealView, trancheOfClass } from "./deal-session";
import { CliError } from "../errors";
import { readYamlFile } from "../yaml-file";

const amount = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .pipe(z.string().regex(AMOUNT_IN_UNITS.pattern, AMOUNT_IN_UNITS.message));

const allocationFileSchema = z.record(z.string(), z.record(z.string(), amount));

/** Class name → investor (member name or address) → amount in currency units, as written. */
export type AllocationFile = z.output<typeof allocationFileSchema>;

export function readAllocationFile(file: string): Promise<AllocationFile> {
  return readYamlFile(file, "allocation file", allocationFileSchema);
}

/**
 * The contract's tables (one per tranche, in the deal's tranche order): empty for a class the file does not name,
 * else one amount in cents per subscriber of `subscribers[index]`.
 *
 * @throws CliError `USAGE` for what the file alone gets wrong (see the module comment)
 */
export function allocationTables(
  allocation: AllocationFile,
  deal: DealView,
  consortium: ConsortiumFile,
  subscribers: readonly (readonly string[])[],
  nameOf: (address: string) => string,
): bigint[][] {
  const tables: bigint[][] = deal.tranches.map(() => []);
  for (const [className, amounts] of Object.entries(allocation)) {
    const tranche = trancheOfClass(deal, className);
    const ofClass = subscribers[tranche.index] ?? [];
    const orderOf = new Map(ofClass.map((a, i) => [a.toLowerCase(), i]));
    const table = ofClass.map(() => 0n);
    const seen = new Set<string>();
    for (const [investor, units] of Object.entries(amounts)) {
      const address = addressOfMember(consortium, investor).toLowerCase();
      const index = orderOf.get(address);
      if (index === undefined) {
        const names = [...orderOf.keys()].map(nameOf).join(", ") || "none";
        throw new CliError(
          "USAGE",
          `Allocation file, class ${className}: ${investor} has no order in the class (its subscribers: ${names})`,
        );
      }
      if (seen.has(address)) {
        throw new CliError("USAGE", `Allocation file, class ${className}: ${investor} is allotted twice`);
      }
      seen.add(address);
      table[index] = parseCents(units);
    }
    tables[tranche.index] = table;
  }
  return tables;
}

/**
 * A closing resumed (it was `Closing` or `Failing` before this command) with other tables than it started with: the
 * contract refuses with `CloseParamsChanged`; the error then says what to do. Any other error is returned as it is.
 */
export function withResumeHint(error: unknown, statusBefore: string): unknown {
  const resumed = statusBefore === "Closing" || statusBefore === "Failing";
  if (!resumed || !(error instanceof CliError) || !error.message.includes("CloseParamsChanged")) return error;
  return new CliError(
    error.code,
    `${error.message}. This closing started with other allocation tables: resume it with the same --allocation file ` +
      "(or without one if it started pro-rata)",
    { cause: error, details: error.details },
  );
}

/** The trustee's allocation file (`abs offering close --allocation`): what it becomes, and what it gets wrong. */
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { allocationTables, readAllocationFile, withResumeHint, type AllocationFile } from "../src/deal/allocation-file";
import { type ConsortiumFile } from "../src/consortium/consortium-file";
import { type DealTrancheView, type DealView } from "../src/deal/deal-session";
import { CliError } from "../src/errors";
import { temporaryDirectory } from "./helpers";

const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const member = (name: string, n: number) => ({
  name,
  memberId: name,
  legalEntity: name,
  roles: ["INVESTOR" as const],
  address: address(n),
});
const CONSORTIUM: ConsortiumFile = {
  version: 1,
  network: "test",
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:8545",
  currency: "CNY",
  contracts: {},
  members: [member("investor-1", 1), member("investor-2", 2), member("investor-3", 3)],
};
const tranche = (index: number, cls: string): DealTrancheView => ({
  index,
  address: address(100 + index),
  class: cls,
  name: `Class ${cls}`,
  symbol: `T${cls}`,
  seniority: index + 1,
  couponType: "fixed",
  couponRateWad: 0n,
  originalFaceCents: 1_000_000_00n,
  allowedInvestorClasses: 1,
});
const DEAL: DealView = {
  code: "TEST-1",
  pool: address(50),
  state: "Offering",
  tranches: [tranche(0, "A"), tranche(1, "B")],
  waterfall: address(0),
  offering: address(51),
  cashToken: address(52),
  trustee: address(53),
  originator: address(54),
  servicer: address(55),
};
/** Class A's subscribers in subscription order: investor-2 first; class B: investor-1. */
const SUBSCRIBERS = [[address(2), address(1)], [address(1)]];
const nameOf = (a: string) => CONSORTIUM.members.find((m) => m.address === a)?.name ?? a;
const tables = (file: AllocationFile) => allocationTables(file, DEAL, CONSORTIUM, SUBSCRIBERS, nameOf);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("allocation file", () => {
  it("becomes one amount per subscriber in subscription order, 0 for one left out; other classes pro-rata", () => {
    expect(tables({ A: { "investor-1": "600000.00", "investor-2": "400000.01" } })).to.deep.equal([
      [400_000_01n, 600_000_00n],
      [],
    ]);
    expect(tables({ A: { [address(1)]: "1000000" } })).to.deep.equal([[0n, 1_000_000_00n], []]);
  });

  it("refuses an unknown class, an unknown member, a member with no order, the same investor twice", () => {
    expect(refusal(() => tables({ C: { "investor-1": "1.00" } }))).to.contain('no class "C": expected one of A, B');
    expect(refusal(() => tables({ A: { "investor-9": "1.00" } }))).to.contain('Unknown member "investor-9"');
    expect(refusal(() => tables({ B: { "investor-2": "1.00" } }))).to.equal(
      "Allocation file, class B: investor-2 has no order in the class (its subscribers: investor-1)",
    );
    expect(refusal(() => tables({ A: { "investor-1": "1.00", [address(1)]: "2.00" } }))).to.contain(
      "is allotted twice",
    );
  });

  it("reads YAML, and refuses an amount that is not whole cents with the place and what it found", async () => {
    const dir = temporaryDirectory();
    try {
      const good = join(dir.path, "good.yaml");
      writeFileSync(good, 'A:\n  investor-1: "600000.00"\n  investor-2: 400000.5\n');
      expect(await readAllocationFile(good)).to.deep.equal({
        A: { "investor-1": "600000.00", "investor-2": "400000.5" },
      });
      const bad = join(dir.path, "bad.yaml");
      writeFileSync(bad, 'A:\n  investor-1: "600000.001"\n');
      const error = await readAllocationFile(bad).then(
        () => undefined,
        (e: unknown) => e as CliError,
      );
      expect(error).to.be.instanceOf(CliError);
      expect(JSON.stringify(error?.details)).to.contain("A.investor-1").and.to.contain("600000.001");
    } finally {
      dir.remove();
    }
  });

  it("a closing resumed with other tables is told to repeat its allocation file; other errors pass unchanged", () => {
    const refused = new CliError(
      "CHAIN_FAILED",
      "close the offering (call 1) refused by the chain: CloseParamsChanged(...)",
    );
    const hinted = withResumeHint(refused, "Closing") as CliError;
    expect(hinted.message).to.contain("resume it with the same --allocation file");
    expect(hinted.code).to.equal("CHAIN_FAILED");
    expect(withResumeHint(refused, "Open")).to.equal(refused);
    const other = new CliError("CHAIN_FAILED", "refused by the chain: TransferRestricted(...)");
    expect(withResumeHint(other, "Closing")).to.equal(other);
  });
});

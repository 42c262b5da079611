import { expect } from "chai";
import { ALLOCATION_LINES_MAX, allocationLines } from "../src/commands/offering/allocation-lines";

describe("offering close: allocation lines", () => {
  it("lists each allocation while they fit on a screen", () => {
    const lines = allocationLines(
      [
        { trancheClass: "A", investor: "investor-1", allocatedCents: 600_000_000n },
        { trancheClass: "B", investor: "investor-2", allocatedCents: 12_345n },
      ],
      "CNY",
    );
    expect(lines).to.deep.equal([
      ["Class A", "investor-1 allotted 6,000,000.00 CNY"],
      ["Class B", "investor-2 allotted 123.45 CNY"],
    ]);
  });

  it("sums more than that per class, naming the largest, every cent counted", () => {
    const many = Array.from({ length: ALLOCATION_LINES_MAX + 5 }, (_, i) => ({
      trancheClass: i % 5 === 0 ? "B" : "A",
      investor: `investor-${i}`,
      allocatedCents: BigInt(100 + i),
    }));
    const lines = allocationLines(many, "CNY");
    const a = many.filter((m) => m.trancheClass === "A");
    const b = many.filter((m) => m.trancheClass === "B");
    const sum = (list: typeof many) => list.reduce((s, m) => s + m.allocatedCents, 0n);
    expect(lines).to.have.length(2);
    expect(lines[0]?.[0]).to.equal("Class B");
    expect(lines[0]?.[1]).to.contain(`${b.length} investors allotted ${(Number(sum(b)) / 100).toFixed(2)} CNY in all`);
    expect(lines[0]?.[1]).to.contain("the largest, investor-20, 1.20 CNY");
    expect(lines[1]?.[1]).to.contain(`${a.length} investors allotted ${(Number(sum(a)) / 100).toFixed(2)} CNY in all`);
    expect(lines[1]?.[1]).to.contain("(each one: --json)");
  });
});

import { expect } from "chai";
import { CoreError } from "../src/errors";
import { mulberry32 } from "../src/prng";

/** The published mulberry32 (Tommy Ettinger), written independently as an oracle. */
function referenceMulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    let t = (a += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("prng", () => {
  it("matches the reference mulberry32 sequence", () => {
    for (const seed of [0, 1, 42, 0x7fff_ffff, 0xffff_ffff]) {
      const ours = mulberry32(seed);
      const reference = referenceMulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(ours.next(), `seed ${seed} draw ${i}`).to.equal(reference());
    }
  });

  it("draws integers in an inclusive range, hitting both ends", () => {
    const random = mulberry32(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const value = random.int(-2, 3);
      expect(value >= -2 && value <= 3 && Number.isInteger(value)).to.equal(true);
      seen.add(value);
    }
    expect([...seen].sort((a, b) => a - b)).to.deep.equal([-2, -1, 0, 1, 2, 3]);
    expect(random.int(5, 5)).to.equal(5);
  });

  it("picks weighted items in proportion", () => {
    const random = mulberry32(11);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++)
      counts[
        random.weighted<keyof typeof counts>([
          ["a", 1],
          ["b", 3],
          ["c", 0],
        ])
      ] += 1;
    expect(counts.c).to.equal(0);
    expect(counts.b / 10_000).to.be.within(0.72, 0.78);
  });

  it("rejects a seed outside uint32 and a bad range", () => {
    for (const seed of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(() => mulberry32(seed))
        .to.throw(CoreError, `Invalid seed: expected an integer from 0 to 4294967295, found ${seed}`)
        .with.property("code", "INVALID_ARGUMENT");
    }
    expect(() => mulberry32(1).int(3, 2))
      .to.throw(CoreError)
      .with.property("code", "INVALID_ARGUMENT");
    expect(() => mulberry32(1).weighted([]))
      .to.throw(CoreError)
      .with.property("code", "INVALID_ARGUMENT");
  });
});

import { expect } from "chai";
import { cachedRead } from "../src/chain/cached-read";

describe("cachedRead", () => {
  it("answers every call within the TTL with one read, and reads again after it", async () => {
    let now = 1_000;
    let reads = 0;
    const read = cachedRead(
      500,
      async () => ++reads,
      () => now,
    );
    expect(await Promise.all([read(), read(), read()])).to.deep.equal([1, 1, 1]);
    now += 499;
    expect(await read()).to.equal(1);
    now += 1;
    expect(await read()).to.equal(2);
    expect(reads).to.equal(2);
  });

  it("keeps no failure: the next call asks again", async () => {
    let reads = 0;
    const read = cachedRead(60_000, async () => {
      reads += 1;
      if (reads === 1) throw new Error("node down");
      return reads;
    });
    await read().then(
      () => expect.fail("expected the first read to fail"),
      (error: Error) => expect(error.message).to.equal("node down"),
    );
    expect(await read()).to.equal(2);
  });
});

/** The store's cache of committed entity values: what it answers, and its bound. */
import { expect } from "chai";
import { EntityCache } from "../src/entity-cache";

describe("EntityCache", () => {
  it("tells a cached absence (null) from a key it does not hold (undefined)", () => {
    const cache = new EntityCache(10);
    cache.set("e.Position", "a", null);
    expect(cache.text("e.Position", "a")).to.equal(null);
    expect(cache.text("e.Position", "b")).to.equal(undefined);
    expect(cache.text("e.Member", "a")).to.equal(undefined);
  });

  it("keeps a decoded form only beside a cached value, and drops it when the value changes", () => {
    const cache = new EntityCache(10);
    cache.setDecoded("e.Position", "a", { balance: "1" });
    expect(cache.decoded("e.Position", "a")).to.equal(undefined);
    cache.set("e.Position", "a", '{"balance":"1"}');
    cache.setDecoded("e.Position", "a", { balance: "1" });
    expect(cache.decoded("e.Position", "a")).to.deep.equal({ balance: "1" });
    cache.set("e.Position", "a", '{"balance":"2"}');
    expect(cache.decoded("e.Position", "a")).to.equal(undefined);
    cache.set("e.Position", "a", null, { balance: "3" });
    expect(cache.decoded("e.Position", "a")).to.equal(undefined);
  });

  it("forgets a deleted key, and clears itself whole once it holds `limit` entries", () => {
    const cache = new EntityCache(3);
    cache.set("e.Position", "a", "1");
    cache.set("e.Member", "a", "2");
    cache.delete("e.Member", "a");
    expect(cache.text("e.Member", "a")).to.equal(undefined);
    cache.set("e.Member", "b", "3");
    cache.set("e.Member", "c", "4");
    cache.set("e.Member", "b", "5"); // an update does not count as a new entry
    expect(cache.text("e.Position", "a")).to.equal("1");
    cache.set("e.Member", "d", "6");
    expect(cache.text("e.Position", "a")).to.equal(undefined);
    expect(cache.text("e.Member", "b")).to.equal(undefined);
    expect(cache.text("e.Member", "d")).to.equal("6");
  });
});

/** The registry answer cache: one call for concurrent lookups, reuse within the TTL only, failures never kept. */
import { expect } from "chai";
import { type MemberDirectory, type MemberRecord } from "@abs/node";
import { CachedMemberDirectory } from "../src";

/** A directory that counts its lookups and answers what the test sets (the registry's state over time). */
class CountingDirectory implements MemberDirectory {
  calls = 0;
  status: MemberRecord["status"] = "Active";
  fail = false;
  async lookup(address: string): Promise<MemberRecord> {
    this.calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.fail) throw new Error("registry unreachable");
    return { address, memberId: "M", status: this.status, roles: ["REGULATOR"] };
  }
}

describe("CachedMemberDirectory", () => {
  let now = 0;
  const A = "0x00000000000000000000000000000000000000Aa";

  it("shares one registry call among concurrent lookups of a key, in any case", async () => {
    const inner = new CountingDirectory();
    const cache = new CachedMemberDirectory(inner, 1_000, () => now);
    await Promise.all([cache.lookup(A), cache.lookup(A.toLowerCase()), cache.lookup(A)]);
    expect(inner.calls).to.equal(1);
  });

  it("reuses an answer within the TTL, asks again after it (a suspension shows within the TTL)", async () => {
    const inner = new CountingDirectory();
    const cache = new CachedMemberDirectory(inner, 1_000, () => now);
    expect((await cache.lookup(A)).status).to.equal("Active");
    inner.status = "Suspended";
    now += 999;
    expect((await cache.lookup(A)).status).to.equal("Active");
    now += 1;
    expect((await cache.lookup(A)).status).to.equal("Suspended");
    expect(inner.calls).to.equal(2);
  });

  it("keeps no failure, and with a TTL of 0 asks every time", async () => {
    const inner = new CountingDirectory();
    inner.fail = true;
    const cache = new CachedMemberDirectory(inner, 1_000, () => now);
    let failed = false;
    await cache.lookup(A).catch(() => (failed = true));
    expect(failed).to.equal(true);
    inner.fail = false;
    expect((await cache.lookup(A)).status).to.equal("Active");
    const uncached = new CachedMemberDirectory(inner, 0, () => now);
    await uncached.lookup(A);
    await uncached.lookup(A);
    expect(inner.calls).to.equal(4);
  });
});

/**
 * The member-node refresh's walk over tape versions (`joinTapes`): which versions it joins, and that one
 * version it cannot join does not keep the others out. The joins against a real originator node are in
 * member-node.test.ts; here the join is a recording function, to reach failures a live node rarely gives.
 */
import { expect } from "chai";
import { IndexerError } from "../src";
import { joinTapes } from "../src/member-node-sync";

const POOL_A = "0x" + "aa".repeat(20);
const POOL_B = "0x" + "bb".repeat(20);

function recorder(fail: (pool: string, version: number) => Error | undefined) {
  const joined: string[] = [];
  const join = (pool: string, version: number): Promise<void> => {
    const error = fail(pool, version);
    if (error) return Promise.reject(error);
    joined.push(`${pool.slice(0, 4)}@${version}`);
    return Promise.resolve();
  };
  return { joined, join };
}

describe("joinTapes (member-node refresh)", () => {
  const tapes = new Map([
    [POOL_A, [2, 1, 3]],
    [POOL_B, [1]],
  ]);

  it("joins the versions the book lacks and the latest of each pool again, in version order", async () => {
    const held = new Set([`${POOL_A}@1`, `${POOL_A}@3`, `${POOL_B}@1`]);
    const { joined, join } = recorder(() => undefined);
    const outcome = await joinTapes(tapes, { hasVersion: (p, v) => held.has(`${p}@${v}`) }, join);
    expect(joined).to.deep.equal(["0xaa@2", "0xaa@3", "0xbb@1"]);
    expect(outcome).to.deep.equal({ attempted: 3, failures: [] });
  });

  it("joins every other version when one cannot be joined, and names the one that failed", async () => {
    const lost = new IndexerError("RPC_FAILED", "tape not found on the node");
    const { joined, join } = recorder((pool, version) => (pool === POOL_A && version === 2 ? lost : undefined));
    const outcome = await joinTapes(tapes, { hasVersion: () => false }, join);
    expect(joined).to.deep.equal(["0xaa@1", "0xaa@3", "0xbb@1"]);
    expect(outcome.attempted).to.equal(4);
    expect(outcome.failures).to.deep.equal([{ pool: POOL_A, version: 2, error: lost }]);
    expect(outcome.refusal).to.equal(undefined);
  });

  it("stops at a NOT_ENTITLED answer: the node refuses this key every tape", async () => {
    const refused = new IndexerError("NOT_ENTITLED", "403 PEER_NOT_ENTITLED");
    const { joined, join } = recorder((_, version) => (version === 2 ? refused : undefined));
    const outcome = await joinTapes(tapes, { hasVersion: () => false }, join);
    expect(joined).to.deep.equal(["0xaa@1"]);
    expect(outcome.refusal).to.equal(refused);
    expect(outcome.failures).to.deep.equal([]);
  });
});

import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type CashToken } from "../../typechain-types";
import { deployCashToken } from "../helpers/cash-token";

/**
 * Random sequences of mint / transfer / requestPayout / confirmPayout / rejectPayout / suspend-or-reinstate
 * against the real CashToken, checked step by step against a plain TypeScript model.
 * Invariants CT-1 .. CT-5 in test/INVARIANTS.md.
 */

const BENEFICIARY = ethers.id("beneficiary:property");
const REASON = ethers.id("reason:property");
/** Mirrors `ICashToken.PayoutStatus`. */
const Status = { Requested: 1n, Confirmed: 2n, Rejected: 3n } as const;

/** Actor indices: 0-2 investors, 3 a registered deal contract, 4 an outsider, 5 the custodian. */
const ACTORS = 6;
const OUTSIDER = 4;
/** Accounts whose suspension the sequences toggle: the three investors and the custodian. */
const SUSPENDABLE = [0, 1, 2, 5] as const;
/** Bank references 1..REFS are drawn from a small pool so that reuse is frequent; 0 means the zero hash. */
const REFS = 6;
/** Every holder (not the outsider) starts with 100.00, credited under references outside that pool. */
const SEED_CENTS = 10_000n;

/** A concrete operation, as sent to the token. */
type Op =
  | { kind: "mint"; to: number; amount: bigint; ref: number }
  | { kind: "transfer"; from: number; to: number; amount: bigint }
  | { kind: "request"; holder: number; amount: bigint }
  | { kind: "confirm"; payoutId: number; ref: number }
  | { kind: "reject"; payoutId: number }
  | { kind: "toggleSuspension"; who: number };

/**
 * A drawn operation. Amounts are drawn as a percentage of the sender's balance (up to 110%, so some
 * exceed it) and payout ids as a pick among the existing payouts (picks 0 and 1 name unknown ids),
 * so that most draws reach the success paths and the settle-twice attempts, not only the reverts.
 */
type Draw =
  | { kind: "mint"; to: number; amount: bigint; ref: number }
  | { kind: "transfer"; from: number; to: number; percent: number }
  | { kind: "request"; holder: number; percent: number }
  | { kind: "confirm"; pick: number; ref: number }
  | { kind: "reject"; pick: number }
  | { kind: "toggleSuspension"; who: number };

const actor = fc.integer({ min: 0, max: ACTORS - 1 });
const ref = fc.integer({ min: 0, max: REFS });
const percent = fc.integer({ min: 0, max: 110 });
const pick = fc.integer({ min: 0, max: 9 });
const drawArb: fc.Arbitrary<Draw> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("mint" as const), to: actor, amount: fc.bigInt(0n, 5_000n), ref }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("transfer" as const), from: actor, to: actor, percent }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("request" as const), holder: actor, percent }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("confirm" as const), pick, ref }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("reject" as const), pick }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("toggleSuspension" as const), who: fc.constantFrom(...SUSPENDABLE) }),
  },
);

interface ModelPayout {
  holder: number;
  amount: bigint;
  status: bigint;
}

/** What the token should hold: the reference the contract is compared with after every step. */
class Model {
  readonly balances: bigint[] = Array.from({ length: ACTORS }, (_, i) => (i === OUTSIDER ? 0n : SEED_CENTS));
  readonly suspended = new Set<number>();
  readonly usedRefs = new Set<number>();
  readonly payouts: ModelPayout[] = [];
  escrow = 0n;
  recorded = SEED_CENTS * BigInt(ACTORS - 1);

  isHolder(i: number): boolean {
    return i !== OUTSIDER && !this.suspended.has(i);
  }

  custodianActive(): boolean {
    return !this.suspended.has(5);
  }

  balance(i: number): bigint {
    return this.balances[i] ?? 0n;
  }

  credit(i: number, amount: bigint): void {
    this.balances[i] = this.balance(i) + amount;
  }

  payout(id: number): ModelPayout | undefined {
    return id >= 1 ? this.payouts[id - 1] : undefined;
  }
}

function refHash(n: number): string {
  return n === 0 ? ethers.ZeroHash : ethers.id(`property-ref:${n}`);
}

async function deployCashTokenForProperties() {
  const { token, dealAccount, ...consortium } = await deployCashToken();
  const actors: HardhatEthersSigner[] = [
    consortium.investor1,
    consortium.investor2,
    consortium.investor3,
    dealAccount,
    consortium.outsider,
    consortium.custodian,
  ];
  for (const [i, s] of actors.entries()) {
    if (i === OUTSIDER) continue;
    const seedRef = ethers.id(`property-seed:${i}`);
    await (await token.connect(consortium.custodian).mint(s.address, SEED_CENTS, seedRef)).wait();
  }
  const startBlock = await ethers.provider.getBlockNumber();
  return { ...consortium, token, actors, startBlock };
}

type Fixture = Awaited<ReturnType<typeof deployCashTokenForProperties>>;
type Expected = { error: string; args: unknown[] } | null;

function signerAt(f: Fixture, i: number): HardhatEthersSigner {
  const s = f.actors[i];
  if (!s) throw new Error(`no actor ${i}`);
  return s;
}

/** Turns a draw into a concrete operation against the model's current state. */
function resolve(m: Model, d: Draw): Op {
  const share = (balance: bigint, pct: number) => (balance === 0n ? BigInt(pct) : (balance * BigInt(pct)) / 100n);
  const id = (p: number) => {
    const count = m.payouts.length;
    if (p === 0 || count === 0) return 0;
    if (p === 1) return count + 1;
    return 1 + (p % count);
  };
  switch (d.kind) {
    case "transfer":
      return { kind: "transfer", from: d.from, to: d.to, amount: share(m.balance(d.from), d.percent) };
    case "request":
      return { kind: "request", holder: d.holder, amount: share(m.balance(d.holder), d.percent) };
    case "confirm":
      return { kind: "confirm", payoutId: id(d.pick), ref: d.ref };
    case "reject":
      return { kind: "reject", payoutId: id(d.pick) };
    default:
      return d;
  }
}

/** Predicts the outcome of `op` from the model, applies it to the model if it succeeds. */
function step(m: Model, f: Fixture, op: Op): Expected {
  const addr = (i: number) => signerAt(f, i).address;
  const custodian = f.custodian.address;
  switch (op.kind) {
    case "mint": {
      if (!m.custodianActive()) return { error: "NotCustodian", args: [custodian] };
      if (op.amount === 0n) return { error: "CashAmountZero", args: [] };
      if (!m.isHolder(op.to)) return { error: "NotCashHolder", args: [addr(op.to)] };
      if (op.ref === 0) return { error: "BankReferenceMissing", args: [] };
      if (m.usedRefs.has(op.ref)) return { error: "BankReferenceUsed", args: [refHash(op.ref)] };
      m.usedRefs.add(op.ref);
      m.credit(op.to, op.amount);
      m.recorded += op.amount;
      return null;
    }
    case "transfer": {
      if (!m.isHolder(op.from)) return { error: "CashTransferRestricted", args: [addr(op.from), addr(op.to), 1] };
      if (!m.isHolder(op.to)) return { error: "CashTransferRestricted", args: [addr(op.from), addr(op.to), 2] };
      const balance = m.balance(op.from);
      if (balance < op.amount) return { error: "ERC20InsufficientBalance", args: [addr(op.from), balance, op.amount] };
      m.credit(op.from, -op.amount);
      m.credit(op.to, op.amount);
      return null;
    }
    case "request": {
      if (!m.isHolder(op.holder)) return { error: "NotCashHolder", args: [addr(op.holder)] };
      if (op.amount === 0n) return { error: "CashAmountZero", args: [] };
      const balance = m.balance(op.holder);
      if (balance < op.amount)
        return { error: "ERC20InsufficientBalance", args: [addr(op.holder), balance, op.amount] };
      m.credit(op.holder, -op.amount);
      m.escrow += op.amount;
      m.payouts.push({ holder: op.holder, amount: op.amount, status: Status.Requested });
      return null;
    }
    case "confirm":
    case "reject": {
      if (!m.custodianActive()) return { error: "NotCustodian", args: [custodian] };
      const p = m.payout(op.payoutId);
      if (!p) return { error: "PayoutNotFound", args: [op.payoutId] };
      if (p.status !== Status.Requested) return { error: "PayoutNotPending", args: [op.payoutId, p.status] };
      if (op.kind === "confirm") {
        if (op.ref === 0) return { error: "BankReferenceMissing", args: [] };
        if (m.usedRefs.has(op.ref)) return { error: "BankReferenceUsed", args: [refHash(op.ref)] };
        m.usedRefs.add(op.ref);
        m.recorded -= p.amount;
        p.status = Status.Confirmed;
      } else {
        m.credit(p.holder, p.amount);
        p.status = Status.Rejected;
      }
      m.escrow -= p.amount;
      return null;
    }
    case "toggleSuspension": {
      if (m.suspended.has(op.who)) m.suspended.delete(op.who);
      else m.suspended.add(op.who);
      return null;
    }
  }
}

function send(f: Fixture, token: CashToken, op: Op) {
  switch (op.kind) {
    case "mint":
      return token.connect(f.custodian).mint(signerAt(f, op.to).address, op.amount, refHash(op.ref));
    case "transfer":
      return token.connect(signerAt(f, op.from)).transfer(signerAt(f, op.to).address, op.amount);
    case "request":
      return token.connect(signerAt(f, op.holder)).requestPayout(op.amount, BENEFICIARY);
    case "confirm":
      return token.connect(f.custodian).confirmPayout(op.payoutId, refHash(op.ref));
    case "reject":
      return token.connect(f.custodian).rejectPayout(op.payoutId, REASON);
    case "toggleSuspension":
      throw new Error("governed, not sent to the token");
  }
}

async function balancesOf(f: Fixture): Promise<bigint[]> {
  return Promise.all(f.actors.map((s) => f.token.balanceOf(s.address)));
}

describe("CashToken (property)", () => {
  it("keeps supply, bank balance, balances and escrow in step, and settles each payout once", async function () {
    this.timeout(900_000);
    await fc.assert(
      fc.asyncProperty(fc.array(drawArb, { minLength: 1, maxLength: 20, size: "medium" }), async (draws) => {
        const f = await loadFixture(deployCashTokenForProperties);
        const { token } = f;
        const tokenAddress = await token.getAddress();
        const m = new Model();

        for (const draw of draws) {
          const op = resolve(m, draw);
          const holdersBefore = f.actors.map((_, i) => m.isHolder(i));
          const before = await balancesOf(f);
          const expected = step(m, f, op);

          if (op.kind === "toggleSuspension") {
            const account = signerAt(f, op.who).address;
            await (m.suspended.has(op.who) ? f.suspend(account) : f.reinstate(account));
          } else if (expected) {
            await expect(send(f, token, op))
              .to.be.revertedWithCustomError(token, expected.error)
              .withArgs(...expected.args);
          } else {
            await (await send(f, token, op)).wait();
          }

          const after = await balancesOf(f);
          const escrow = await token.balanceOf(tokenAddress);
          const supply = await token.totalSupply();
          const recorded = await token.recordedBankBalanceCents();
          const sum = after.reduce((a, b) => a + b, escrow);

          // CT-1: supply == recorded bank balance == every balance, escrow included.
          expect(supply).to.equal(recorded);
          expect(supply).to.equal(sum);
          expect(recorded).to.equal(m.recorded);
          expect(after).to.deep.equal(m.balances);
          // CT-2: the escrow is exactly the pending payouts.
          const pending = m.payouts.filter((p) => p.status === Status.Requested).reduce((a, p) => a + p.amount, 0n);
          expect(escrow).to.equal(pending);
          expect(escrow).to.equal(m.escrow);
          // CT-5: an account that is not a cash holder never gains cash, except its own rejected payout's refund.
          for (let i = 0; i < ACTORS; ++i) {
            const gained = (after[i] ?? 0n) > (before[i] ?? 0n);
            const refund = op.kind === "reject" && !expected && m.payout(op.payoutId)?.holder === i;
            if (gained && !holdersBefore[i]) expect(refund, `actor ${i} gained cash while not a holder`).to.equal(true);
          }
        }

        // CT-3: every payout's status matches the model, and it has at most one settlement event,
        // exactly one once settled.
        expect(await token.payoutCount()).to.equal(BigInt(m.payouts.length));
        const confirmed = await token.queryFilter(token.filters.PayoutConfirmed(), f.startBlock + 1);
        const rejected = await token.queryFilter(token.filters.PayoutRejected(), f.startBlock + 1);
        for (const [index, p] of m.payouts.entries()) {
          const id = BigInt(index + 1);
          expect((await token.payout(id)).status).to.equal(p.status);
          const settlements =
            confirmed.filter((e) => e.args.payoutId === id).length +
            rejected.filter((e) => e.args.payoutId === id).length;
          expect(settlements).to.equal(p.status === Status.Requested ? 0 : 1);
        }
        // CT-4: bank references are used once across credits and payouts.
        const minted = await token.queryFilter(token.filters.Minted(), f.startBlock + 1);
        const refs = [...minted.map((e) => e.args.bankRef), ...confirmed.map((e) => e.args.bankRef)];
        expect(new Set(refs).size).to.equal(refs.length);
        expect(refs.length).to.equal(m.usedRefs.size);
      }),
      { numRuns: 100 },
    );
  });
});

import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { type HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { type TrancheToken } from "../../typechain-types";
import { HolderCode } from "../helpers/roles";
import { deployTranche, ForcedTransferReason, Restriction, TERMS } from "../unit/tranche-token.fixture";

/**
 * Random action sequences against a tranche token on the sample consortium, checked after every step
 * against the invariants TT-1..TT-8 of test/INVARIANTS.md and against a reference model of the
 * restriction rules written from the spec (TT-8).
 */

/** A small face so that random mints also hit the face cap. */
const FACE_CENTS = 300_000n;
const SEED_CENTS = 100_000n;
const EVIDENCE = ethers.id("evidence:property-test");
const REASON = ethers.id("reason:property-test");

/** The actors: three investors (eligible at the start), a member that is not an investor, a non-member. */
const ACTORS = ["investor1", "investor2", "investor3", "custodian", "outsider"] as const;
type ActorIndex = 0 | 1 | 2 | 3 | 4;
const INVESTORS = [0, 1, 2] as const;
type InvestorIndex = (typeof INVESTORS)[number];

async function deployPropertyTranche() {
  const f = await deployTranche();
  const token = await ethers.deployContract("TrancheToken", [
    { ...TERMS, originalFaceCents: FACE_CENTS },
    f.poolAddress,
  ]);
  await token.waitForDeployment();
  const tokenAddress = await token.getAddress();
  const asPool = (data: string) => f.pool.exec(tokenAddress, data);
  const signers: HardhatEthersSigner[] = [f.investor1, f.investor2, f.investor3, f.custodian, f.outsider];
  await (await asPool(token.interface.encodeFunctionData("mint", [f.investor1.address, SEED_CENTS]))).wait();
  await (await asPool(token.interface.encodeFunctionData("mint", [f.investor2.address, SEED_CENTS]))).wait();
  // Every actor lets the exchange move its units, so `transferFrom` is exercised too.
  for (const s of signers) await (await token.connect(s).approve(f.exchange.address, ethers.MaxUint256)).wait();
  return { ...f, token, tokenAddress, asPool, signers };
}
type PropertyFixture = Awaited<ReturnType<typeof deployPropertyTranche>>;

// ------------------------------------------------------------------ actions

/** An amount: a number, or one relative to the model state when the action runs (boundaries). */
type AmountPick = bigint | "balance" | "balance+1" | "unfrozen" | "unfrozen+1" | "frozen";
const amountArb: fc.Arbitrary<AmountPick> = fc.oneof(
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 60_000n }) },
  { weight: 3, arbitrary: fc.constantFrom<AmountPick>("balance", "balance+1", "unfrozen", "unfrozen+1", "frozen") },
);
/** Mostly investors, so that sequences reach the freeze and pause rules, not only eligibility. */
const actorArb: fc.Arbitrary<ActorIndex> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<ActorIndex>(0) },
  { weight: 6, arbitrary: fc.constant<ActorIndex>(1) },
  { weight: 2, arbitrary: fc.constant<ActorIndex>(2) },
  { weight: 2, arbitrary: fc.constantFrom<ActorIndex>(3, 4) },
);
const investorArb = fc.constantFrom<InvestorIndex>(...INVESTORS);

type Action =
  | { kind: "mint"; to: ActorIndex; amount: AmountPick }
  | { kind: "transfer"; from: ActorIndex; to: ActorIndex; amount: AmountPick; viaExchange: boolean }
  | { kind: "burn"; from: ActorIndex; amount: AmountPick }
  | { kind: "freeze" | "unfreeze"; who: ActorIndex }
  | { kind: "freezeAmount" | "unfreezeAmount"; who: ActorIndex; amount: AmountPick }
  | { kind: "pause" | "unpause" }
  | { kind: "suspend" | "reinstate" | "expire" | "renew"; who: InvestorIndex }
  | { kind: "forceTransfer"; from: ActorIndex; to: ActorIndex; amount: AmountPick; recovery: boolean };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("mint" as const), to: actorArb, amount: amountArb }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("transfer" as const),
      from: actorArb,
      to: actorArb,
      amount: amountArb,
      viaExchange: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("burn" as const), from: actorArb, amount: amountArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("freeze" as const, "unfreeze" as const), who: actorArb }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("freezeAmount" as const), who: actorArb, amount: amountArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("unfreezeAmount" as const), who: actorArb, amount: amountArb }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("pause" as const, "unpause" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom("suspend" as const, "reinstate" as const, "expire" as const, "renew" as const),
      who: investorArb,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("forceTransfer" as const),
      from: actorArb,
      to: actorArb,
      amount: amountArb,
      recovery: fc.boolean(),
    }),
  },
);

// ------------------------------------------------------------------ reference model (from the spec)

interface Model {
  balances: bigint[];
  whole: boolean[];
  frozen: bigint[];
  paused: boolean;
  suspended: boolean[]; // investors only
  expired: boolean[]; // investors only
}

function initialModel(): Model {
  return {
    balances: [SEED_CENTS, SEED_CENTS, 0n, 0n, 0n],
    whole: [false, false, false, false, false],
    frozen: [0n, 0n, 0n, 0n, 0n],
    paused: false,
    suspended: [false, false, false],
    expired: [false, false, false],
  };
}

function at<T>(list: readonly T[], i: number): T {
  const v = list[i];
  if (v === undefined) throw new Error(`index ${i} out of range`);
  return v;
}

/** The registry's holder code of an actor, as the spec defines it. */
function holderCode(m: Model, i: ActorIndex): number {
  if (i === 4) return HolderCode.NOT_MEMBER;
  if (i === 3) return HolderCode.NOT_INVESTOR;
  if (at(m.suspended, i)) return HolderCode.NOT_ACTIVE;
  if (at(m.expired, i)) return HolderCode.ELIGIBILITY_EXPIRED;
  return HolderCode.ELIGIBLE;
}

function amountFrozenCode(m: Model, from: ActorIndex, amount: bigint): number {
  const balance = at(m.balances, from);
  const frozen = at(m.frozen, from);
  return frozen > 0n && amount <= balance && balance - amount < frozen ? Restriction.AMOUNT_FROZEN : 0;
}

/** The expected ERC-1404 code; `null` stands for `address(0)` (mint / burn). */
function expectedCode(m: Model, from: ActorIndex | null, to: ActorIndex | null, amount: bigint): number {
  if (from === null && to === null) throw new Error("mint and burn at once");
  if (to === null) {
    if (from === null) throw new Error("unreachable");
    return at(m.whole, from) ? Restriction.SENDER_FROZEN : amountFrozenCode(m, from, amount);
  }
  if (m.paused) return Restriction.PAUSED;
  if (from === null) {
    const toCode = holderCode(m, to);
    if (toCode !== 0) return Restriction.RECEIVER_BASE + toCode;
    return at(m.whole, to) ? Restriction.RECEIVER_FROZEN : 0;
  }
  const fromCode = holderCode(m, from);
  if (fromCode !== 0) return Restriction.SENDER_BASE + fromCode;
  const toCode = holderCode(m, to);
  if (toCode !== 0) return Restriction.RECEIVER_BASE + toCode;
  if (at(m.whole, from)) return Restriction.SENDER_FROZEN;
  if (at(m.whole, to)) return Restriction.RECEIVER_FROZEN;
  return amountFrozenCode(m, from, amount);
}

function resolveAmount(m: Model, who: ActorIndex, pick: AmountPick): bigint {
  const balance = at(m.balances, who);
  const frozen = at(m.frozen, who);
  switch (pick) {
    case "balance":
      return balance;
    case "balance+1":
      return balance + 1n;
    case "unfrozen":
      return balance - frozen;
    case "unfrozen+1":
      return balance - frozen + 1n;
    case "frozen":
      return frozen;
    default:
      return pick;
  }
}

/** The account whose balance an amount pick refers to. */
function subjectOf(a: Action): ActorIndex {
  switch (a.kind) {
    case "mint":
      return a.to;
    case "transfer":
    case "burn":
    case "forceTransfer":
      return a.from;
    case "freeze":
    case "unfreeze":
    case "freezeAmount":
    case "unfreezeAmount":
    case "suspend":
    case "reinstate":
    case "expire":
    case "renew":
      return a.who;
    case "pause":
    case "unpause":
      return 0;
  }
}

/** What the spec says a token action does: the error it reverts with, or `null` for success. */
type Expected = { error: string; code?: number } | null;
const restricted = (code: number): Expected => (code === 0 ? null : { error: "TransferRestricted", code });

function move(m: Model, from: ActorIndex, to: ActorIndex, amount: bigint) {
  m.balances[from] = at(m.balances, from) - amount;
  m.balances[to] = at(m.balances, to) + amount;
}

/** Applies a token action to a copy of the model; returns the expectation and the next model. */
function step(m: Model, a: Action, amount: bigint): { expected: Expected; next: Model } {
  const next = structuredClone(m);
  const supply = m.balances.reduce((s, b) => s + b, 0n);
  switch (a.kind) {
    case "mint": {
      if (supply + amount > FACE_CENTS) return { expected: { error: "MintExceedsFace" }, next: m };
      const e = restricted(expectedCode(m, null, a.to, amount));
      if (e) return { expected: e, next: m };
      next.balances[a.to] = at(m.balances, a.to) + amount;
      return { expected: null, next };
    }
    case "transfer": {
      const e = restricted(expectedCode(m, a.from, a.to, amount));
      if (e) return { expected: e, next: m };
      if (amount > at(m.balances, a.from)) return { expected: { error: "ERC20InsufficientBalance" }, next: m };
      move(next, a.from, a.to, amount);
      return { expected: null, next };
    }
    case "burn": {
      const e = restricted(expectedCode(m, a.from, null, amount));
      if (e) return { expected: e, next: m };
      if (amount > at(m.balances, a.from)) return { expected: { error: "ERC20InsufficientBalance" }, next: m };
      next.balances[a.from] = at(m.balances, a.from) - amount;
      return { expected: null, next };
    }
    case "freeze":
      if (at(m.whole, a.who)) return { expected: { error: "AccountAlreadyFrozen" }, next: m };
      next.whole[a.who] = true;
      return { expected: null, next };
    case "unfreeze":
      if (!at(m.whole, a.who)) return { expected: { error: "AccountNotFrozen" }, next: m };
      next.whole[a.who] = false;
      return { expected: null, next };
    case "freezeAmount":
      if (amount === 0n) return { expected: { error: "AmountZero" }, next: m };
      if (at(m.frozen, a.who) + amount > at(m.balances, a.who)) {
        return { expected: { error: "FreezeExceedsBalance" }, next: m };
      }
      next.frozen[a.who] = at(m.frozen, a.who) + amount;
      return { expected: null, next };
    case "unfreezeAmount":
      if (amount === 0n) return { expected: { error: "AmountZero" }, next: m };
      if (amount > at(m.frozen, a.who)) return { expected: { error: "UnfreezeExceedsFrozen" }, next: m };
      next.frozen[a.who] = at(m.frozen, a.who) - amount;
      return { expected: null, next };
    case "pause":
      if (m.paused) return { expected: { error: "EnforcedPause" }, next: m };
      next.paused = true;
      return { expected: null, next };
    case "unpause":
      if (!m.paused) return { expected: { error: "ExpectedPause" }, next: m };
      next.paused = false;
      return { expected: null, next };
    case "forceTransfer": {
      const toCode = holderCode(m, a.to);
      if (toCode !== 0)
        return { expected: { error: "TransferRestricted", code: Restriction.RECEIVER_BASE + toCode }, next: m };
      if (amount > at(m.balances, a.from)) return { expected: { error: "ERC20InsufficientBalance" }, next: m };
      move(next, a.from, a.to, amount);
      const balance = at(next.balances, a.from);
      if (at(next.frozen, a.from) > balance) next.frozen[a.from] = balance;
      return { expected: null, next };
    }
    default:
      throw new Error(`not a token action: ${a.kind}`);
  }
}

// ------------------------------------------------------------------ chain state

interface ChainState {
  balances: bigint[];
  whole: boolean[];
  frozen: bigint[];
  paused: boolean;
  totalSupply: bigint;
  factorRay: bigint;
}

async function readState(f: PropertyFixture): Promise<ChainState> {
  const { token, signers } = f;
  const balances: bigint[] = [];
  const whole: boolean[] = [];
  const frozen: bigint[] = [];
  for (const s of signers) {
    balances.push(await token.balanceOf(s.address));
    const fr = await token.freezeOf(s.address);
    whole.push(fr.whole);
    frozen.push(fr.amountCents);
  }
  return {
    balances,
    whole,
    frozen,
    paused: await token.paused(),
    totalSupply: await token.totalSupply(),
    factorRay: await token.factorRay(),
  };
}

/** The registry's holder code of actor `i` for this tranche, read from the chain. */
async function chainHolderCode(f: PropertyFixture, i: number): Promise<number> {
  return Number(await f.registry.holderCode(at(f.signers, i).address, TERMS.allowedInvestorClasses));
}

/** The custom error of a failed transaction, decoded with the token's (or the registry's) ABI. */
function decodeError(token: TrancheToken, err: unknown): { name: string; args: readonly unknown[] } {
  const data = (err as { data?: unknown }).data;
  if (typeof data !== "string") throw err;
  const parsed = token.interface.parseError(data);
  if (!parsed) throw new Error(`undecodable revert data ${data}`);
  return { name: parsed.name, args: parsed.args.toArray() };
}

// ------------------------------------------------------------------ the property

async function send(f: PropertyFixture, a: Action, amount: bigint) {
  const { token, trustee, signers, exchange } = f;
  const who = (i: ActorIndex) => at(signers, i);
  const enc = token.interface;
  switch (a.kind) {
    case "mint":
      return f.asPool(enc.encodeFunctionData("mint", [who(a.to).address, amount]));
    case "burn":
      return f.asPool(enc.encodeFunctionData("burn", [who(a.from).address, amount]));
    case "transfer":
      return a.viaExchange
        ? token.connect(exchange).transferFrom(who(a.from).address, who(a.to).address, amount)
        : token.connect(who(a.from)).transfer(who(a.to).address, amount);
    case "freeze":
      return token.connect(trustee).freeze(who(a.who).address, REASON);
    case "unfreeze":
      return token.connect(trustee).unfreeze(who(a.who).address);
    case "freezeAmount":
      return token.connect(trustee).freezeAmount(who(a.who).address, amount, REASON);
    case "unfreezeAmount":
      return token.connect(trustee).unfreezeAmount(who(a.who).address, amount);
    case "pause":
      return token.connect(trustee).pause();
    case "unpause":
      return token.connect(trustee).unpause();
    case "forceTransfer":
      return token
        .connect(trustee)
        .forceTransfer(
          who(a.from).address,
          who(a.to).address,
          amount,
          a.recovery ? ForcedTransferReason.WalletRecovery : ForcedTransferReason.LegalOrder,
          EVIDENCE,
        );
    default:
      throw new Error(`not a token action: ${a.kind}`);
  }
}

/** Governance actions on an investor; a no-op (nothing sent) when the member is already in that state. */
async function governed(f: PropertyFixture, m: Model, a: Action & { who: InvestorIndex }): Promise<Model> {
  const next = structuredClone(m);
  const account = at(f.signers, a.who).address;
  if (a.kind === "suspend" && !at(m.suspended, a.who)) {
    await f.suspend(account);
    next.suspended[a.who] = true;
  } else if (a.kind === "reinstate" && at(m.suspended, a.who)) {
    await f.reinstate(account);
    next.suspended[a.who] = false;
  } else if (a.kind === "expire" && !at(m.expired, a.who)) {
    await f.expire(account);
    next.expired[a.who] = true;
  } else if (a.kind === "renew" && at(m.expired, a.who)) {
    await f.renew(account);
    next.expired[a.who] = false;
  }
  return next;
}

function expectChainMatchesModel(s: ChainState, m: Model, label: string) {
  expect(s.balances, `${label}: balances`).to.deep.equal(m.balances);
  expect(s.whole, `${label}: whole-account freezes`).to.deep.equal(m.whole);
  expect(s.frozen, `${label}: frozen amounts`).to.deep.equal(m.frozen);
  expect(s.paused, `${label}: paused`).to.equal(m.paused);
}

/** The registry agrees with the model's membership (checked after every membership change). */
async function expectHolderCodesMatchModel(f: PropertyFixture, m: Model, label: string) {
  for (const i of [0, 1, 2, 3, 4] as const) {
    expect(await chainHolderCode(f, i), `${label}: holder code of ${ACTORS[i]}`).to.equal(holderCode(m, i));
  }
}

async function expectInvariants(
  f: PropertyFixture,
  before: ChainState,
  after: ChainState,
  a: Action,
  succeeded: boolean,
  label: string,
) {
  // TT-1: the balances of all actors (the only accounts that can hold) add up to the supply.
  expect(
    after.balances.reduce((s, b) => s + b, 0n),
    `${label}: TT-1`,
  ).to.equal(after.totalSupply);
  // TT-2: no account that is not an eligible holder gains balance (token actions leave the
  // registry unchanged, so its state now is its state at the time of the action).
  for (let i = 0; i < ACTORS.length; i++) {
    if (at(after.balances, i) > at(before.balances, i)) {
      expect(await chainHolderCode(f, i), `${label}: TT-2 ${ACTORS[i] ?? i} gained while ineligible`).to.equal(0);
    }
  }
  // TT-3: the frozen amount never exceeds the balance.
  for (let i = 0; i < ACTORS.length; i++) {
    expect(at(after.frozen, i) <= at(after.balances, i), `${label}: TT-3 ${ACTORS[i] ?? i}`).to.equal(true);
  }
  // TT-4: only a forced transfer moves frozen units or touches a whole-frozen account's balance.
  if (a.kind !== "forceTransfer") {
    for (let i = 0; i < ACTORS.length; i++) {
      const [b0, b1] = [at(before.balances, i), at(after.balances, i)];
      if (b1 < b0) expect(b1 >= at(before.frozen, i), `${label}: TT-4 frozen units moved`).to.equal(true);
      if (at(before.whole, i)) expect(b1, `${label}: TT-4 whole-frozen balance changed`).to.equal(b0);
    }
  }
  // TT-5: while paused, only burns and forced transfers change balances.
  if (before.paused && a.kind !== "burn" && a.kind !== "forceTransfer") {
    expect(after.balances, `${label}: TT-5`).to.deep.equal(before.balances);
  }
  // TT-6: the supply never exceeds the original face; the factor is untouched by these actions.
  expect(after.totalSupply <= FACE_CENTS, `${label}: TT-6`).to.equal(true);
  expect(after.factorRay, `${label}: factor`).to.equal(before.factorRay);
  // TT-7: a failed action leaves the state unchanged.
  if (!succeeded) expect(after, `${label}: TT-7`).to.deep.equal(before);
}

/** TT-8 at the frozen-amount boundary: investor1 -> investor2 of exactly its unfrozen units, and one more. */
async function expectBoundaryProbe(f: PropertyFixture, m: Model, label: string) {
  const unfrozen = at(m.balances, 0) - at(m.frozen, 0);
  for (const amount of [unfrozen, unfrozen + 1n]) {
    const code = Number(await f.token.detectTransferRestriction(f.investor1.address, f.investor2.address, amount));
    expect(code, `${label}: TT-8 probe of ${amount}`).to.equal(expectedCode(m, 0, 1, amount));
  }
}

describe("TrancheToken (property)", () => {
  it("keeps TT-1..TT-8 over random sequences of token, trustee and membership actions", async () => {
    const outcomes = { ok: 0, restricted: 0, otherError: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 10 }), async (actions) => {
        const f = await loadFixture(deployPropertyTranche);
        let model = initialModel();
        let before = await readState(f);
        expectChainMatchesModel(before, model, "initial");
        await expectHolderCodesMatchModel(f, model, "initial");

        for (const [n, a] of actions.entries()) {
          const label = `step ${n} ${JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`;
          if (a.kind === "suspend" || a.kind === "reinstate" || a.kind === "expire" || a.kind === "renew") {
            model = await governed(f, model, a);
            const after = await readState(f);
            expect(after.balances, `${label}: membership changes move nothing`).to.deep.equal(before.balances);
            expectChainMatchesModel(after, model, label);
            await expectHolderCodesMatchModel(f, model, label);
            before = after;
            continue;
          }

          const amount = "amount" in a ? resolveAmount(model, subjectOf(a), a.amount) : 0n;
          const { expected, next } = step(model, a, amount);

          // TT-8: the view pre-check agrees with the spec's model before every transfer, mint and burn.
          const { token, signers } = f;
          const addr = (i: ActorIndex) => at(signers, i).address;
          if (a.kind === "transfer") {
            const code = Number(await token.detectTransferRestriction(addr(a.from), addr(a.to), amount));
            expect(code, `${label}: TT-8 pre-check`).to.equal(expectedCode(model, a.from, a.to, amount));
          } else if (a.kind === "mint") {
            const code = Number(await token.detectTransferRestriction(ethers.ZeroAddress, addr(a.to), amount));
            expect(code, `${label}: TT-8 pre-check`).to.equal(expectedCode(model, null, a.to, amount));
          } else if (a.kind === "burn") {
            const code = Number(await token.detectTransferRestriction(addr(a.from), ethers.ZeroAddress, amount));
            expect(code, `${label}: TT-8 pre-check`).to.equal(expectedCode(model, a.from, null, amount));
          }

          let succeeded = true;
          try {
            await (await send(f, a, amount)).wait();
          } catch (err) {
            succeeded = false;
            const { name, args } = decodeError(f.token, err);
            expect(expected, `${label}: unexpected failure ${name}(${args.join(", ")})`).to.not.equal(null);
            expect(name, `${label}: error`).to.equal(expected?.error);
            if (expected?.code !== undefined)
              expect(Number(args[0]), `${label}: restriction code`).to.equal(expected.code);
            if (name === "TransferRestricted") outcomes.restricted++;
            else outcomes.otherError++;
          }
          if (succeeded) {
            expect(expected, `${label}: succeeded but the spec expects ${expected?.error ?? ""}`).to.equal(null);
            outcomes.ok++;
            model = next;
          }

          const after = await readState(f);
          await expectInvariants(f, before, after, a, succeeded, label);
          expectChainMatchesModel(after, model, label);
          await expectBoundaryProbe(f, model, label);
          before = after;
        }
      }),
      { numRuns: 100 },
    );
    // The generator must reach all three outcomes, or the property proves little.
    expect(outcomes.ok).to.be.greaterThan(50);
    expect(outcomes.restricted).to.be.greaterThan(20);
    expect(outcomes.otherError).to.be.greaterThan(10);
  });
});

import { expect } from "chai";
import fc from "fast-check";
import {
  AMORTIZATIONS,
  CashflowError,
  DAY_COUNTS,
  PAYMENT_FREQUENCIES,
  type PoolCashflows,
  type ProjectionLoan,
  WAD,
  availableFundsCents,
  cprToSmm,
  parseAssumptionSet,
  parseCalendarDate,
  parseTieredAssumptions,
  percentToWad,
  projectPool,
  psaCpr,
  repLinesFromLoans,
  scheduledAmortization,
  singleTier,
} from "../../src/cashflow";

const CUTOFF = parseCalendarDate("2024-01-31");

const loan = (overrides: Partial<ProjectionLoan>): ProjectionLoan => ({
  currentPrincipalCents: 100_000_000n,
  rateWad: percentToWad("6"),
  remainingTermMonths: 12,
  ageMonths: 0,
  amortization: "levelPayment",
  paymentFrequency: "monthly",
  dayCount: "30/360",
  tierKey: "all",
  ...overrides,
});

const flat = (overrides: Record<string, unknown> = {}) =>
  parseAssumptionSet({
    prepayment: { type: "SMM", value: 0 },
    default: { type: "MDR", value: 0 },
    recovery: { severityPercent: 0, lagMonths: 0 },
    ...overrides,
  });

const dollars = (cents: bigint): bigint => (cents + 50n) / 100n; // half up to the dollar

describe("cashflow/projection", () => {
  it("reproduces Fabozzi's 100 PSA pass-through cash flow (Exhibit 11-3), months 1-3, to the dollar", () => {
    // Fabozzi, Bond Markets, Analysis, and Strategies, Exhibit 11-3: a $400 million pass-through, mortgages with
    // WAC 8.125% and WAM 357 months (so seasoned 3 months: month 1 is loan age 4), pass-through rate 7.5% (a
    // 62.5 bp servicing and guarantee strip), 100 PSA. Columns: beginning balance, SMM, mortgage payment, net
    // interest, scheduled principal, prepayment, total principal, cash flow.
    const exhibit = [
      [400_000_000, 0.00067, 2_975_868, 2_500_000, 267_535, 267_470, 535_005, 3_035_005],
      [399_464_995, 0.00084, 2_973_877, 2_496_656, 269_166, 334_198, 603_364, 3_100_020],
      [398_861_631, 0.00101, 2_971_387, 2_492_885, 270_762, 400_800, 671_562, 3_164_447],
    ];
    const pool = projectPool(
      [
        loan({
          currentPrincipalCents: 400_000_000_00n,
          rateWad: percentToWad("8.125"),
          remainingTermMonths: 357,
          ageMonths: 3,
        }),
      ],
      singleTier(flat({ prepayment: { type: "PSA", value: 100 }, servicingFeeBps: "62.5" })),
    );
    exhibit.forEach(([balance, smm, payment, netInterest, scheduled, prepaid, principal, cashflow], index) => {
      const row = pool.periods[index];
      if (row === undefined) throw new Error(`no month ${index + 1}`);
      const net = row.interestCents - row.servicingFeeCents;
      const actual = [
        dollars(row.beginningBalanceCents),
        Number((Number(cprToSmm(psaCpr(WAD, 4 + index))) / 1e18).toFixed(5)),
        dollars(row.interestCents + row.scheduledPrincipalCents),
        dollars(net),
        dollars(row.scheduledPrincipalCents),
        dollars(row.prepaidPrincipalCents),
        dollars(row.scheduledPrincipalCents + row.prepaidPrincipalCents),
        dollars(net + row.scheduledPrincipalCents + row.prepaidPrincipalCents),
      ];
      expect(actual, `month ${index + 1}`).to.deep.equal([
        BigInt(balance ?? 0),
        smm,
        ...[payment, netInterest, scheduled, prepaid, principal, cashflow].map((value) => BigInt(value ?? 0)),
      ]);
    });
  });

  it("applies defaults, then scheduled principal, then prepayments, in the SIFMA order (hand-computed)", () => {
    // $1,000,000 at 6%, 12 months, level pay; MDR 1%, SMM 2%, severity 40%, 3-month lag, interest advancing.
    // Month 1, in cents:
    //   defaults      D  = 100,000,000 x 1%                                   = 1,000,000
    //   level payment    = 100,000,000 x 0.005 / (1 - 1.005^-12) = 8,606,642.97 -> 8,606,643
    //   its principal    = 8,606,643 - 500,000 (interest on the scheduled balance)   = 8,106,643
    //   scheduled     SP = floor(99,000,000 x 8,106,643 / 100,000,000)       = 8,025,576
    //   prepayment    P  = floor((100,000,000 - 8,106,643) x 2%)             = 1,837,867
    //                      (SF-18: the beginning balance after its own scheduled principal, defaults included)
    //   ending           = 99,000,000 - 8,025,576 - 1,837,867                = 89,136,557
    //   interest         = 99,000,000 x 6% / 12                              = 495,000
    //   advance          = 1,000,000 x 6% / 12 = 5,000 in months 1-3, reimbursed (15,000) at liquidation in month 4
    //   liquidation (month 4): recovery = 1,000,000 x 60% = 600,000, loss 400,000
    const pool = projectPool(
      [loan({})],
      singleTier(
        flat({
          prepayment: { type: "SMM", value: 2 },
          default: { type: "MDR", value: 1 },
          recovery: { severityPercent: 40, lagMonths: 3 },
          advancing: "interest",
        }),
      ),
    );
    const [first, second] = pool.periods;
    expect(first).to.deep.include({
      beginningBalanceCents: 100_000_000n,
      defaultedPrincipalCents: 1_000_000n,
      scheduledPrincipalCents: 8_025_576n,
      prepaidPrincipalCents: 1_837_867n,
      endingBalanceCents: 89_136_557n,
      interestCents: 495_000n,
      advancedInterestCents: 5_000n,
      pipelineBalanceCents: 1_000_000n,
      recoveryCents: 0n,
    });
    if (first === undefined) throw new Error("no month 1");
    // Cash to the deal: interest 495,000 + advance 5,000 + principal 8,025,576 + 1,837,867.
    expect(availableFundsCents(first)).to.equal(10_363_443n);
    expect(second?.defaultedPrincipalCents).to.equal(891_365n); // floor(89,136,557 x 1%)
    expect(pool.periods[3]).to.deep.include({ recoveryCents: 600_000n, lossCents: 400_000n });
    expect(pool.periods[3]?.advanceReimbursementCents).to.equal(15_000n);
    // In month 4 the servicer advances on the defaults of months 2-4 (month 1's are liquidated): D x 0.5%, half up.
    const advanceOn = (month: number) => ((pool.periods[month - 1]?.defaultedPrincipalCents ?? 0n) * 5n + 500n) / 1000n;
    expect(advanceOn(2)).to.equal(4_457n); // 891,365 x 0.5% = 4,456.825
    expect(pool.periods[3]?.advancedInterestCents).to.equal(advanceOn(2) + advanceOn(3) + advanceOn(4));
    expect(pool.periods.length).to.equal(12 + 3);
  });

  it("with no prepayments or defaults, reproduces each loan's scheduled amortization exactly", () => {
    fc.assert(
      fc.property(
        fc.record({
          currentPrincipalCents: fc.bigInt({ min: 0n, max: 10n ** 10n }),
          rateWad: fc.bigInt({ min: 0n, max: WAD / 5n }),
          remainingTermMonths: fc.integer({ min: 1, max: 240 }),
          ageMonths: fc.integer({ min: 0, max: 120 }),
          amortization: fc.constantFrom(...AMORTIZATIONS),
          paymentFrequency: fc.constantFrom(...PAYMENT_FREQUENCIES),
          dayCount: fc.constantFrom(...DAY_COUNTS),
          tierKey: fc.constant("all"),
        }),
        (single) => {
          const pool = projectPool([single], singleTier(flat()), { cutoffDate: CUTOFF });
          const schedule = scheduledAmortization(single, { cutoffDate: CUTOFF });
          for (const row of schedule) {
            const period = pool.periods[row.month - 1];
            if (single.currentPrincipalCents === 0n) break;
            expect(period?.scheduledPrincipalCents, `month ${row.month}`).to.equal(row.principalCents);
            expect(period?.interestCents, `month ${row.month}`).to.equal(row.interestCents);
            expect(period?.endingBalanceCents, `month ${row.month}`).to.equal(row.balanceCents);
          }
          expect(pool.totals.prepaidPrincipalCents + pool.totals.defaultedPrincipalCents).to.equal(0n);
        },
      ),
      { numRuns: 150 },
    );
  });

  describe("conservation (property)", () => {
    const assumptionInput = fc.record({
      prepayment: fc.oneof(rateInput("CPR", 60), rateInput("SMM", 8), rateInput("PSA", 1_000), rateInput("ABS", 4)),
      default: fc.oneof(rateInput("CDR", 40), rateInput("MDR", 5), rateInput("SDA", 3_000)),
      recovery: fc.record({
        severityPercent: fc.integer({ min: 0, max: 100 }),
        lagMonths: fc.integer({ min: 0, max: 24 }),
      }),
      advancing: fc.constantFrom("none", "interest"),
      servicingFeeBps: fc.integer({ min: 0, max: 200 }),
    });
    const loanArbitrary = fc.record({
      currentPrincipalCents: fc.bigInt({ min: 0n, max: 10n ** 11n }),
      rateWad: fc.bigInt({ min: 0n, max: WAD / 4n }),
      remainingTermMonths: fc.integer({ min: 1, max: 180 }),
      ageMonths: fc.integer({ min: 0, max: 150 }),
      amortization: fc.constantFrom(...AMORTIZATIONS),
      paymentFrequency: fc.constantFrom(...PAYMENT_FREQUENCIES),
      dayCount: fc.constantFrom(...DAY_COUNTS),
      tierKey: fc.constantFrom("A", "B"),
    });

    it("conserves principal exactly every month and liquidates every default", () => {
      fc.assert(
        fc.property(
          fc.array(loanArbitrary, { minLength: 1, maxLength: 4 }),
          assumptionInput,
          assumptionInput,
          (loans, tierA, tierB) => {
            const tiers = parseTieredAssumptions({ attribute: "grade", tiers: { A: tierA, B: tierB } });
            const pool = projectPool(loans, tiers, { cutoffDate: CUTOFF });
            assertConserved(pool, loans);
          },
        ),
        { numRuns: 120 },
      );
    });

    it("a pool's flows are the sums of its loans' flows", () => {
      fc.assert(
        fc.property(fc.array(loanArbitrary, { minLength: 2, maxLength: 4 }), assumptionInput, (loans, input) => {
          const tiers = singleTier(parseAssumptionSet(input));
          const pool = projectPool(loans, tiers, { cutoffDate: CUTOFF });
          const parts = loans.map((one) => projectPool([one], tiers, { cutoffDate: CUTOFF }));
          pool.periods.forEach((period, index) => {
            const sum = (pick: (p: PoolCashflows["periods"][number]) => bigint): bigint =>
              parts.reduce((total, part) => {
                const row = part.periods[index];
                return total + (row === undefined ? 0n : pick(row));
              }, 0n);
            expect(period.prepaidPrincipalCents).to.equal(sum((p) => p.prepaidPrincipalCents));
            expect(period.interestCents).to.equal(sum((p) => p.interestCents));
            expect(period.lossCents).to.equal(sum((p) => p.lossCents));
            expect(period.endingBalanceCents).to.equal(sum((p) => p.endingBalanceCents));
            expect(period.advancedInterestCents).to.equal(sum((p) => p.advancedInterestCents));
          });
        }),
        { numRuns: 60 },
      );
    });
  });

  describe("assumption forms", () => {
    it("a vector of one repeated value projects exactly like the constant", () => {
      fc.assert(
        fc.property(
          fc.constantFrom("CPR", "SMM", "PSA", "ABS"),
          fc.constantFrom("CDR", "MDR", "SDA"),
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: 1, max: 400 }),
          (prepaymentType, defaultType, speed, vectorLength) => {
            const loans = [
              loan({ ageMonths: 5, remainingTermMonths: 60 }),
              loan({ ageMonths: 33, amortization: "equalPrincipal", paymentFrequency: "quarterly" }),
            ];
            const common = { recovery: { severityPercent: 35, lagMonths: 6 }, advancing: "interest" };
            const constant = parseAssumptionSet({
              ...common,
              prepayment: { type: prepaymentType, value: speed },
              default: { type: defaultType, value: speed / 4 },
            });
            const vector = parseAssumptionSet({
              ...common,
              prepayment: { type: prepaymentType, vector: new Array(vectorLength).fill(speed) },
              default: { type: defaultType, vector: new Array(vectorLength).fill(speed / 4) },
            });
            expect(projectPool(loans, singleTier(vector))).to.deep.equal(projectPool(loans, singleTier(constant)));
          },
        ),
        { numRuns: 40 },
      );
    });

    it("ramps PSA on each loan's own age: a seasoned loan prepays at full speed from month 1", () => {
      const tiers = singleTier(flat({ prepayment: { type: "PSA", value: 100 } }));
      const [fresh, seasoned] = [0, 40].map((ageMonths) =>
        projectPool([loan({ ageMonths, amortization: "interestOnlyBullet" })], tiers),
      );
      // Interest-only: no scheduled principal, so month-1 prepayment = balance x SMM(age + 1).
      expect(fresh?.periods[0]?.prepaidPrincipalCents).to.equal((100_000_000n * cprToSmm(percentToWad("0.2"))) / WAD);
      expect(seasoned?.periods[0]?.prepaidPrincipalCents).to.equal((100_000_000n * cprToSmm(percentToWad("6"))) / WAD);
    });

    it("compounds monthly rates over a quarterly loan's period and books the flows in its payment month", () => {
      const pool = projectPool(
        [
          loan({
            currentPrincipalCents: 1_000_000n,
            amortization: "interestOnlyBullet",
            paymentFrequency: "quarterly",
          }),
        ],
        singleTier(flat({ prepayment: { type: "SMM", value: 10 } })),
      );
      // Survival 0.9^3 = 0.729: the quarter prepays 27.1% at its end (month 3); months 1-2 just carry the balance.
      expect(
        pool.periods.slice(0, 3).map((p) => [p.beginningBalanceCents, p.prepaidPrincipalCents, p.interestCents]),
      ).to.deep.equal([
        [1_000_000n, 0n, 0n],
        [1_000_000n, 0n, 0n],
        [1_000_000n, 271_000n, 15_000n], // interest: 1,000,000 x 6% x 90/360
      ]);
    });

    it("bullet loans pay accrued interest with prepaid principal", () => {
      const pool = projectPool(
        [loan({ currentPrincipalCents: 10_000_000n, amortization: "bullet" })],
        singleTier(flat({ prepayment: { type: "SMM", value: 1 } })),
      );
      const [month1, month2] = pool.periods;
      expect([month1?.prepaidPrincipalCents, month1?.interestCents]).to.deep.equal([100_000n, 500n]); // 30 days
      expect([month2?.prepaidPrincipalCents, month2?.interestCents]).to.deep.equal([99_000n, 990n]); // 60 days
    });
  });

  describe("tiers", () => {
    const tiers = parseTieredAssumptions({
      attribute: "creditGrade",
      tiers: {
        A: {
          prepayment: { type: "CPR", value: 10 },
          default: { type: "CDR", value: 0.5 },
          recovery: { severityPercent: 30, lagMonths: 6 },
        },
        C: {
          prepayment: { type: "CPR", value: 4 },
          default: { type: "CDR", value: 8 },
          recovery: { severityPercent: 60, lagMonths: 12 },
        },
      },
    });

    it("prices each loan with its own tier's assumptions", () => {
      const a = loan({ tierKey: "A", remainingTermMonths: 60 });
      const c = loan({ tierKey: "C", remainingTermMonths: 60 });
      const both = projectPool([a, c], tiers);
      const onlyA = projectPool([a], tiers);
      const onlyC = projectPool([c], tiers);
      expect(onlyC.totals.lossCents > onlyA.totals.lossCents * 10n).to.equal(true);
      expect(both.totals.lossCents).to.equal(onlyA.totals.lossCents + onlyC.totals.lossCents);
      expect(both.periods.length).to.equal(60 + 12); // the longest lag of the tiers in use
    });

    it("names the loan when its tier is unknown", () => {
      expect(() => projectPool([loan({ tierKey: "A" }), loan({ tierKey: "B", loanId: "L-2" })], tiers))
        .to.throw(CashflowError, /loan 1 \(L-2\): creditGrade: expected one of the tiers \(A, C\), found "B"/)
        .with.property("code", "TIER_NOT_FOUND");
    });
  });

  it("rejects bad loans and actual-day counts without a cut-off date", () => {
    expect(() => projectPool([loan({ ageMonths: -1 })], singleTier(flat())))
      .to.throw(CashflowError, /loan 0: ageMonths: expected an integer/)
      .with.property("code", "INVALID_LOAN");
    expect(() => projectPool([loan({ dayCount: "ACT/365F" })], singleTier(flat())))
      .to.throw(CashflowError)
      .with.property("code", "MISSING_CUTOFF_DATE");
    expect(projectPool([], singleTier(flat())).periods).to.deep.equal([]);
  });

  describe("rep lines (pool-level projection)", () => {
    it("aggregates balance-weighted WAC, WAM and WALA per tier and loan type", () => {
      const lines = repLinesFromLoans([
        loan({ currentPrincipalCents: 300n, rateWad: percentToWad("4"), remainingTermMonths: 100, ageMonths: 10 }),
        loan({ currentPrincipalCents: 100n, rateWad: percentToWad("8"), remainingTermMonths: 200, ageMonths: 30 }),
        loan({ currentPrincipalCents: 0n, rateWad: percentToWad("20"), remainingTermMonths: 300 }),
        loan({ currentPrincipalCents: 50n, tierKey: "other" }),
      ]);
      expect(lines).to.have.length(2);
      expect(lines[0]).to.deep.include({
        currentPrincipalCents: 400n,
        rateWad: percentToWad("5"), // (300 x 4% + 100 x 8%) / 400
        remainingTermMonths: 125, // (300 x 100 + 100 x 200) / 400
        ageMonths: 15,
      });
    });

    it("a rep line of one loan is that loan; a homogeneous pool's rep line tracks the loan-level projection", () => {
      const tiers = singleTier(
        parseAssumptionSet({
          prepayment: { type: "PSA", value: 150 },
          default: { type: "SDA", value: 200 },
          recovery: { severityPercent: 40, lagMonths: 12 },
        }),
      );
      const one = loan({ remainingTermMonths: 240, ageMonths: 12 });
      const [line] = repLinesFromLoans([one]);
      if (line === undefined) throw new Error("no rep line");
      expect(projectPool([line], tiers).periods).to.deep.equal(projectPool([one], tiers).periods);

      const many = Array.from({ length: 50 }, (_, i) =>
        loan({ ...one, currentPrincipalCents: 1_000_000n + BigInt(i) }),
      );
      const loanLevel = projectPool(many, tiers).totals;
      const poolLevel = projectPool(repLinesFromLoans(many), tiers).totals;
      const gap = loanLevel.lossCents - poolLevel.lossCents;
      // Only rounding differs (each loan rounds down on its own): at most a few cents per loan-month.
      expect(gap >= 0n && gap < 50n * 240n).to.equal(true);
    });
  });
});

/** A rate quote input of `type` between 0 and `max` (one decimal), constant or as a short vector. */
function rateInput(type: string, max: number) {
  const quote = fc.integer({ min: 0, max: max * 10 }).map((tenths) => (tenths / 10).toString());
  return fc.oneof(
    quote.map((value) => ({ type, value })),
    fc.array(quote, { minLength: 1, maxLength: 24 }).map((vector) => ({ type, vector })),
  );
}

/** Every conservation identity the projection promises, checked on one result. */
function assertConserved(pool: PoolCashflows, loans: readonly ProjectionLoan[]): void {
  const initial = loans.reduce((sum, one) => sum + one.currentPrincipalCents, 0n);
  expect(pool.totals.initialBalanceCents).to.equal(initial);
  let previousEnding = initial;
  let pipeline = 0n;
  for (const period of pool.periods) {
    expect(period.beginningBalanceCents, `month ${period.month} begins where the last ended`).to.equal(previousEnding);
    expect(
      period.scheduledPrincipalCents +
        period.prepaidPrincipalCents +
        period.defaultedPrincipalCents +
        period.endingBalanceCents,
      `month ${period.month}: beginning = scheduled + prepaid + defaulted + ending`,
    ).to.equal(period.beginningBalanceCents);
    for (const [name, value] of Object.entries(period)) {
      if (typeof value === "bigint") expect(value >= 0n, `month ${period.month}: ${name} = ${value}`).to.equal(true);
    }
    pipeline += period.defaultedPrincipalCents - period.lossCents - period.recoveryCents;
    expect(period.pipelineBalanceCents).to.equal(pipeline);
    previousEnding = period.endingBalanceCents;
  }
  const totals = pool.totals;
  expect(previousEnding, "every loan is paid off, prepaid or defaulted").to.equal(0n);
  expect(pipeline, "every default is liquidated within the horizon").to.equal(0n);
  expect(totals.scheduledPrincipalCents + totals.prepaidPrincipalCents + totals.defaultedPrincipalCents).to.equal(
    initial,
  );
  expect(totals.lossCents + totals.recoveryCents).to.equal(totals.defaultedPrincipalCents);
  expect(totals.advanceReimbursementCents).to.equal(totals.advancedInterestCents);
}

import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { parseDealFile } from "../src/deal/deal-file";
import { dealSchedule } from "../src/deal/deal-schedule";
import { decimalToWad, trancheFaces, trancheTerms, wadToDecimal, waterfallConfig } from "../src/deal/deal-terms";
import { CliError } from "../src/errors";

const FIXTURE = path.resolve(__dirname, "..", "..", "..", "test", "e2e", "fixtures", "deal-acme.yaml");
const text = readFileSync(FIXTURE, "utf8");

function problems(source: string): string[] {
  try {
    parseDealFile(source, "deal.yaml");
  } catch (error) {
    expect(error).to.be.instanceOf(CliError);
    return [(error as CliError).message, ...(error as CliError).details];
  }
  throw new Error("expected the deal file to be refused");
}

describe("the deal file", () => {
  it("reads the fixture (YAML) and the same deal as JSON", () => {
    const deal = parseDealFile(text, "deal.yaml");
    expect(deal.tranches.map((t) => t.class)).to.deep.equal(["A", "B", "S"]);
    expect(parseDealFile(JSON.stringify(deal), "deal.json")).to.deep.equal(deal);
  });

  it("faces from shares add up to the tape's principal exactly; the most junior share takes the remainder", () => {
    const deal = parseDealFile(text, "deal.yaml");
    const faces = trancheFaces(deal, 1_000_000_01n);
    expect(faces).to.deep.equal([80_000_000n, 12_000_000n, 8_000_001n]);
    expect(faces.reduce((a, b) => a + b, 0n)).to.equal(1_000_000_01n);
    const terms = trancheTerms(deal, faces);
    expect(terms[0]).to.include({ symbol: "AC261A", couponType: 0, allowedInvestorClasses: 0b11 });
    expect(terms[2]).to.include({ couponType: 2, couponRateWad: 0n });
  });

  it("builds the waterfall's configuration: fees first, interest by seniority, principal, reserve, guarantee", () => {
    const config = waterfallConfig(parseDealFile(text, "deal.yaml"), 100n);
    expect(config.steps.map((s) => `${s.kind}${s.index}`)).to.deep.equal([
      "fee0",
      "fee1",
      "interest0",
      "interest1",
      "interest2",
      "principal0",
      "reserveTopUp0",
      "guaranteeFee0",
      "guaranteeReimbursement0",
    ]);
    expect(config.yearBasisDays).to.equal(360);
    expect(config.fees[0]).to.deep.equal({ fixedCents: 150_000n, rateWad: 0n });
    expect(config.triggers[1]).to.include({
      kind: "cumulativeNetLoss",
      effect: "eventOfDefault",
      thresholdWad: 5n * 10n ** 16n,
    });
  });

  it("decimals round-trip exactly", () => {
    for (const d of ["0", "1", "0.0285", "0.000000000000000001", "105.5"])
      expect(wadToDecimal(decimalToWad(d))).to.equal(d);
  });

  it("names each bad field with its path, what was expected and what was found", () => {
    const bad = text
      .replace('share: "0.80"', "share: 0.8")
      .replace('type: fixed, rate: "0.0450"', 'type: fixd, rate: "0.0450"')
      .replace("effect: eventOfDefault", "effect: default");
    const found = problems(bad);
    expect(found[0]).to.contain("deal.yaml is invalid");
    const all = found.join("\n");
    expect(all).to.contain("tranches.0.share").and.contain("found 0.8");
    expect(all).to.contain("tranches.1.coupon").and.contain("fixed, floating, none or inverseFloating");
    expect(all).to.contain("triggers.1.effect").and.contain('found "default"');
    // Rules across fields are checked once every field is well formed.
    expect(problems(text.replace("seniority: 2", "seniority: 4")).join("\n")).to.contain(
      "tranches.1.seniority: expected 2 (most senior first, no gaps), found 4",
    );
  });

  it("refuses a tranche with both a face and a share, an unknown key, a class whose name the chain cannot keep, a price for no class", () => {
    const all = problems(
      text
        .replace('share: "0.12"', 'share: "0.12"\n    face: "100.00"')
        .replace("residual: originator", "residual: originator\nsurprise: 1")
        .replace("name: Acme 2026-1 Class S", "name: Acme Subordinated")
        .replace('increment: "0.01"', 'increment: "0.01"\n  prices: { Z: "99.00" }'),
    ).join("\n");
    expect(all).to.contain("exactly one of face");
    expect(all).to.contain("surprise");
    expect(all).to.contain("tranches.2.name").and.contain("Class <class>");
    expect(all).to.contain("offering.prices.Z");
  });

  it("takes an inverse floater: constant - multiplier x index within floor and cap, its token typed InverseFloating", () => {
    const deal = parseDealFile(
      text.replace(
        'coupon: { type: fixed, rate: "0.0450" }',
        'coupon: { type: inverseFloating, constant: "0.285", multiplier: "3", floor: "0" }',
      ),
      "deal.yaml",
    );
    const config = waterfallConfig(deal, 100n);
    expect(config.tranches[1]).to.deep.equal({
      couponType: "inverseFloating",
      couponRateWad: 285n * 10n ** 15n,
      floorRateWad: 0n,
      capRateWad: 0n,
      indexMultiplierWad: 3n * 10n ** 18n,
    });
    expect(trancheTerms(deal, [1n, 1n, 1n])[1]).to.include({ couponType: 3, couponRateWad: 285n * 10n ** 15n });
    expect(
      problems(
        text.replace('coupon: { type: fixed, rate: "0.0450" }', 'coupon: { type: inverseFloating, constant: "0.285" }'),
      ).join("\n"),
    ).to.contain("multiplier");
  });

  it("reads a liquidity facility: usage fee, commitment fee on the undrawn part, expiry; a plain guarantee has none", () => {
    // The fixture's own facility is replaced by each of these.
    const withFacility = (guarantee: string) => text.replace(/^guarantee:\n( {2}.*\n)+/m, `guarantee: ${guarantee}\n`);
    const facility = parseDealFile(
      withFacility(
        '{ guarantor: guarantor, limit: "50000.00", feeRate: "0.0035", feeOn: undrawn, usageRate: "0.045", ' +
          "expiryPeriod: 36, coversFees: true, coveredTranches: 2 }",
      ),
      "deal.yaml",
    );
    expect(waterfallConfig(facility, 100n).guarantee).to.deep.equal({
      limitCents: 5_000_000n,
      feeRateWad: 35n * 10n ** 14n,
      coversFees: true,
      coveredTranches: 2,
      usageRateWad: 45n * 10n ** 15n,
      feeOnUndrawn: true,
      expiryPeriod: 36,
    });
    const guarantee = parseDealFile(withFacility('{ guarantor: guarantor, limit: "50000.00", feeRate: "0.002" }'), "d");
    expect(waterfallConfig(guarantee, 100n).guarantee).to.deep.equal({
      limitCents: 5_000_000n,
      feeRateWad: 2n * 10n ** 15n,
      coversFees: false,
      coveredTranches: 0,
    });
    const bad = problems(withFacility('{ guarantor: guarantor, limit: "1.00", feeOn: drawn, expiryPeriod: 0 }')).join(
      "\n",
    );
    expect(bad).to.contain("feeOn").and.to.contain("expiryPeriod");
  });

  it("reads an interest-rate swap as a cap whose strike is the fixed rate, paid through the fee it names", () => {
    const reserveLine = 'reserve: { target: "0.005", coversFees: true, coveredTranches: 1 }\n';
    const swapFee = "  - { name: swap, payee: guarantor }\n";
    const withSwap = (swap: string) =>
      text.replace(reserveLine, `${reserveLine}${swap}\n`).replace(/(servicing fee.*\n)/, `$1${swapFee}`);
    const deal = parseDealFile(withSwap('interestRateSwap: { fixedRate: "0.045", scope: 1, fee: swap }'), "deal.yaml");
    const config = waterfallConfig(deal, 100n);
    expect(config.cap).to.deep.equal({ strikeRateWad: 45n * 10n ** 15n, trancheScope: 1, payLegFee: 3 });
    expect(config.fees[2]).to.deep.equal({ fixedCents: 0n, rateWad: 0n });
    const capOnly = waterfallConfig(
      parseDealFile(withSwap('interestRateCap: { strike: "0.05", scope: 2 }'), "d"),
      100n,
    );
    expect(capOnly.cap).to.deep.equal({ strikeRateWad: 5n * 10n ** 16n, trancheScope: 2 });
    // A term: the last period the hedge pays or is paid in.
    const termed = parseDealFile(
      withSwap('interestRateSwap: { fixedRate: "0.045", scope: 1, fee: swap, expiryPeriod: 24 }'),
      "d",
    );
    expect(waterfallConfig(termed, 100n).cap).to.include({ payLegFee: 3, expiryPeriod: 24 });
    expect(problems(withSwap('interestRateCap: { strike: "0.05", scope: 2, expiryPeriod: 0 }')).join("\n")).to.contain(
      "expiryPeriod",
    );

    const unknown = problems(withSwap('interestRateSwap: { fixedRate: "0.045", scope: 1, fee: hedge }')).join("\n");
    expect(unknown)
      .to.contain("interestRateSwap.fee")
      .and.contain("trustee fee, servicing fee, swap")
      .and.contain("hedge");
    const both = problems(
      withSwap(
        'interestRateSwap: { fixedRate: "0.045", scope: 1, fee: swap }\ninterestRateCap: { strike: "0.05", scope: 1 }',
      ),
    ).join("\n");
    expect(both).to.contain("expected one hedge, an interestRateCap or an interestRateSwap, found both");
    const priced = problems(
      withSwap('interestRateSwap: { fixedRate: "0.045", scope: 1, fee: swap }').replace(
        "{ name: swap, payee: guarantor }",
        '{ name: swap, payee: guarantor, fixed: "10.00" }',
      ),
    ).join("\n");
    expect(priced).to.contain("fees.2").and.contain("no fixed amount or rate of its own").and.contain("fixed 10.00");
  });

  it("refuses text that is neither YAML nor JSON", () => {
    expect(problems("deal: [unclosed")[0]).to.contain("neither YAML nor JSON");
  });
});

describe("a PAC/Z deal file (principal classes, a schedule fixed at structuring)", () => {
  const PAC_FIXTURE = path.resolve(__dirname, "..", "..", "..", "test", "e2e", "fixtures", "deal-acme-pac.yaml");
  const pacText = readFileSync(PAC_FIXTURE, "utf8");
  const pacProblems = (source: string) => problems(source).join("\n");

  it("maps pac, support and z to the waterfall's scheduled, support and accrual classes", () => {
    const deal = parseDealFile(pacText, PAC_FIXTURE);
    const config = waterfallConfig(deal, 1_000_000_00n);
    expect(config.principalMode).to.equal("scheduled");
    expect(config.classes?.map((c) => c.kind)).to.deep.equal([
      "scheduled",
      "interestOnly",
      "support",
      "accrual",
      "standard",
    ]);
    // A deal without classes, lockouts or a step-down keeps the chain's empty list and zero (no optional fields).
    const plain = waterfallConfig(parseDealFile(text, "deal.yaml"), 100n);
    expect(plain).to.not.have.property("classes");
    expect(plain).to.not.have.property("stepDownPeriod");
    expect(plain).to.not.have.property("principalDeficiencyLedger");
    // A step-down: sequential before period 13, pro rata from it; a lockout on S.
    const stepped = parseDealFile(
      text
        .replace(
          'principal: { mode: proRata, ocTarget: "0.00" }',
          'principal: { mode: proRata, ocTarget: "0.00", stepDownPeriod: 13, deficiencyLedger: true }',
        )
        .replace("    coupon: { type: none }\n", "    coupon: { type: none }\n    lockoutPeriods: 6\n"),
      "deal.yaml",
    );
    const steppedConfig = waterfallConfig(stepped, 100n);
    expect(steppedConfig.stepDownPeriod).to.equal(13);
    expect(steppedConfig.principalDeficiencyLedger).to.equal(true);
    expect(steppedConfig.classes?.map((c) => c.lockoutPeriods)).to.deep.equal([0, 0, 6]);
  });

  it("fixes A's schedule from the 100-300 PSA band over the pool file: non-increasing from below the face to zero", async () => {
    const deal = parseDealFile(pacText, PAC_FIXTURE);
    const faces = trancheFaces(deal, 1_000_000_00n);
    const schedule = await dealSchedule(deal, PAC_FIXTURE, faces);
    expect(schedule).to.have.length(1);
    const targets = schedule?.[0] ?? [];
    expect(targets.at(-1)).to.equal(0n);
    expect(targets.filter((t) => t === 0n)).to.have.length(1); // trailing zero periods are dropped
    targets.forEach((t, i) => expect(t <= (i === 0 ? (faces[0] ?? 0n) : (targets[i - 1] ?? 0n))).to.equal(true));
    // Each period pays at most the slower side of the band: the same as the projection engine's PAC schedule.
    expect((targets[0] ?? 0n) < (faces[0] ?? 0n)).to.equal(true);
    // Listed targets are taken as given, per class.
    const listed = parseDealFile(
      pacText.replace(
        "schedule: { band: { low: 100, high: 300 }, pool: pac-pool.yaml }",
        'schedule: { targets: { A: ["500000.00", "250000.00", "0.00"] } }',
      ),
      PAC_FIXTURE,
    );
    expect(await dealSchedule(listed, PAC_FIXTURE, faces)).to.deep.equal([[500_000_00n, 250_000_00n, 0n]]);
  });

  it("refuses a band the pool cannot support (at 3000 PSA the pool is gone in months), naming the classes and the band", async () => {
    const deal = parseDealFile(pacText.replace("high: 300", "high: 3000"), PAC_FIXTURE);
    const error = await dealSchedule(deal, PAC_FIXTURE, trancheFaces(deal, 1_000_000_00n)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(CliError);
    expect((error as CliError).message)
      .to.contain("100-3000 PSA band over pac-pool.yaml")
      .and.contain("(A)");
  });

  it("takes io as an interest-only strip of the tranche before it: A's face as its notional, not principal", () => {
    const deal = parseDealFile(pacText, PAC_FIXTURE);
    const faces = trancheFaces(deal, 1_000_000_00n);
    // A 55%, AIO A's face again (a notional), B 25%, Z 12%, S the rest: the principal faces add up to the tape.
    expect(faces).to.deep.equal([550_000_00n, 550_000_00n, 250_000_00n, 120_000_00n, 80_000_00n]);
    expect(faces.filter((_, i) => i !== 1).reduce((a, b) => a + b, 0n)).to.equal(1_000_000_00n);
    const terms = trancheTerms(deal, faces);
    expect(terms[1]).to.include({ symbol: "ACP26AIO", originalFaceCents: 550_000_00n, couponRateWad: 5n * 10n ** 15n });
  });

  it("refuses an io tranche first, after another io, with a face or share, or with a lockout", () => {
    // A as io: the first tranche strips nothing.
    expect(
      pacProblems(pacText.replace('    share: "0.55"\n', "").replace("principalClass: pac", "principalClass: io")),
    ).to.contain("expected an io tranche after the tranche it strips, found it first");
    expect(
      pacProblems(pacText.replace("principalClass: support", "principalClass: io").replace('    share: "0.25"\n', "")),
    ).to.contain("found it after io tranche AIO");
    expect(
      pacProblems(pacText.replace("    principalClass: io\n", '    principalClass: io\n    share: "0.10"\n')),
    ).to.contain("expected no face or share on an io tranche");
    expect(
      pacProblems(pacText.replace("    principalClass: io\n", "    principalClass: io\n    lockoutPeriods: 3\n")),
    ).to.contain(
      "expected an io tranche with a coupon and no lockout (it is paid interest only), found lockoutPeriods 3",
    );
  });

  it("refuses pac outside scheduled mode, scheduled mode without pac, a missing schedule, targets for other classes", () => {
    expect(pacProblems(pacText.replace("mode: scheduled", "mode: sequential"))).to.contain(
      "expected mode scheduled for the pac/tac tranches (A), found sequential",
    );
    expect(pacProblems(pacText.replace("principalClass: pac", "principalClass: standard"))).to.contain(
      "expected a pac or tac tranche in scheduled mode, found none",
    );
    expect(
      pacProblems(pacText.replace("  schedule: { band: { low: 100, high: 300 }, pool: pac-pool.yaml }\n", "")),
    ).to.contain("expected the schedule of the pac/tac tranches");
    expect(
      pacProblems(
        pacText.replace(
          "schedule: { band: { low: 100, high: 300 }, pool: pac-pool.yaml }",
          'schedule: { targets: { B: ["1.00"] } }',
        ),
      ),
    ).to.contain("expected one list per pac/tac class (A), found B");
    expect(pacProblems(pacText.replace("low: 100, high: 300", "low: 300, high: 100"))).to.contain("low <= high");
    expect(pacProblems(pacText.replace("principalClass: z", "principalClass: y"))).to.contain("principalClass");
  });
});

/**
 * Annex XII's tests/events/triggers (IVSR) and cash-flow (IVSF) sections from a period the engine ran: every item of
 * the priority of payments in order, inflows positive and payments negative, the available funds running down to
 * 0.00 (Q&A 1430's layout), and one record per trigger with its threshold, value and status.
 */
import { expect } from "chai";
import fc from "fast-check";
import { buildInvestorReport } from "../../src/disclosure/build";
import { parseDisclosure } from "../../src/disclosure/disclosure-file";
import { type InvestorReportInput } from "../../src/disclosure/esma-annex12";
import {
  cashFlowItems,
  ESMA_ANNEX12_CASHFLOW_FIELDS,
  ESMA_ANNEX12_TRIGGER_FIELDS,
  type PeriodDistribution,
} from "../../src/disclosure/esma-annex12-sections";
import { runWaterfall } from "../../src/waterfall/engine";
import { sampleDeal } from "../../src/waterfall/sample";

const UID = "529900T8BM49AURSDO55N202501";

function reportInput(distribution: PeriodDistribution): InvestorReportInput {
  const { inputs } = distribution;
  return {
    uniqueIdentifier: UID,
    dataCutOffDate: "2025-09-30",
    securitisationName: "ACME-2026-1",
    reportingEntityName: "Zhongxin Trust",
    contact: { person: "Li Wei", telephone: "+86 10 5555 0100", emails: "abs@example.com" },
    triggerBreached: distribution.result.triggers.some((t) => t.breached),
    report: {
      interestCollectedCents: inputs.interestCollectionsCents,
      scheduledPrincipalCents: inputs.principalCollectionsCents,
      prepaymentCents: 0n,
      recoveryCents: inputs.recoveriesCents,
      newDefaultsCents: inputs.newDefaultsCents,
      endingBalanceCents: inputs.poolBalanceEndCents,
    },
    openingBalanceCents: inputs.poolBalanceBeginCents,
    cumulativeDefaultsCents: inputs.newDefaultsCents,
    notesOutstandingCents: undefined,
    distribution,
  };
}

function sampleDistribution(change: (d: ReturnType<typeof sampleDeal>) => ReturnType<typeof sampleDeal> = (d) => d) {
  const { config, state, inputs } = change(sampleDeal());
  return {
    config,
    inputs,
    result: runWaterfall(config, state, inputs),
    trancheNames: ["A", "B", "C", "D", "E"],
    feeNames: ["trustee", "servicer", "custodian"],
  };
}

function sections(distribution: PeriodDistribution) {
  const built = buildInvestorReport(reportInput(distribution), { template: "esma-annex12" });
  const records = parseDisclosure(built.text).records;
  return {
    built,
    triggers: records.filter((r) => r.element === "TstEvtTrggrInf").map((r) => r.cells),
    cashFlow: records.filter((r) => r.element === "CshFlwInf").map((r) => r.cells),
    first: records[0],
  };
}

const cents = (text: string | undefined): bigint => {
  const [units = "", fraction = ""] = (text ?? "").replace("-", "").split(".");
  const magnitude = BigInt(units) * 100n + BigInt(fraction.padEnd(2, "0"));
  return text?.startsWith("-") ? -magnitude : magnitude;
};

describe("disclosure/Annex XII tests/events/triggers and cash-flow sections", () => {
  it("the sample period: sources first, then every step in the configured order, down to 0.00", () => {
    const distribution = sampleDistribution();
    const { built, cashFlow, first } = sections(distribution);
    expect(first?.element).to.equal("SctstnInf");
    const { result, inputs } = distribution;
    const expected: [string, bigint][] = [
      ["Interest collections", inputs.interestCollectionsCents],
      ["Principal collections, recoveries included", inputs.principalCollectionsCents],
      ["Reserve account release above its target", result.reserveReleaseCents],
      ["Reserve account draw", result.reserveDrawCents],
      ["Guarantee or liquidity facility draw", result.guaranteeDrawCents],
      ["Fee: trustee", -(result.fees[0]?.paidCents ?? 0n)],
      ["Fee: servicer", -(result.fees[1]?.paidCents ?? 0n)],
      ["Fee: custodian", -(result.fees[2]?.paidCents ?? 0n)],
      ...["A", "B", "C", "D"].map((name, j): [string, bigint] => [
        `Interest: ${name}`,
        -(result.tranches[j]?.interestPaidCents ?? 0n),
      ]),
      ...["A", "B", "C", "D", "E"].map((name, j): [string, bigint] => [
        `Principal: ${name}`,
        -(result.tranches[j]?.principalPaidCents ?? 0n),
      ]),
      ["Reserve account top-up", -result.reserveTopUpCents],
      ["Guarantee or facility fee", -result.guaranteeFeePaidCents],
      ["Reimbursement of facility draws", -result.guaranteeReimbursedCents],
      ["Interest: E", -(result.tranches[4]?.interestPaidCents ?? 0n)],
      ["Residual to the equity holder", -result.residualCents],
    ];
    expect(cashFlow.map((c) => [c.get("IVSF4"), cents(c.get("IVSF5"))])).to.deep.equal(expected);
    // Known figures of the sample period: 7,200,000.00 interest and 25,000,000.00 principal collected.
    expect(cashFlow[0]?.get("IVSF5")).to.equal("7200000.00");
    expect(cashFlow[1]?.get("IVSF6")).to.equal("32200000.00");
    let available = 0n;
    for (const [index, cells] of cashFlow.entries()) {
      expect([...cells.keys()]).to.deep.equal(ESMA_ANNEX12_CASHFLOW_FIELDS.map((f) => f.code));
      expect(cells.get("IVSF1")).to.equal(UID);
      const id = `${UID}C${String(index + 1).padStart(3, "0")}`;
      expect([cells.get("IVSF2"), cells.get("IVSF3")]).to.deep.equal([id, id]);
      available += cents(cells.get("IVSF5"));
      expect(cents(cells.get("IVSF6")), `item ${index + 1}`).to.equal(available);
    }
    expect(cashFlow.at(-1)?.get("IVSF6")).to.equal("0.00");
    expect(built.quality.failures.size, [...built.quality.failures.keys()].join("; ")).to.equal(0);
    expect(built.quality.records).to.equal(1 + 4 + cashFlow.length);
  });

  it("one record per trigger: threshold and value as percentages, status, cure period, frequency, consequence", () => {
    const distribution = sampleDistribution();
    const { triggers } = sections(distribution);
    expect(triggers).to.have.length(4);
    expect(triggers.map((c) => [...c.keys()])).to.deep.equal(
      triggers.map(() => ESMA_ANNEX12_TRIGGER_FIELDS.map((f) => f.code)),
    );
    const [oc, ic, cnl, dq] = triggers;
    expect(oc?.get("IVSR2")).to.equal(`${UID}T001`);
    expect(oc?.get("IVSR4")).to.match(
      /^Overcollateralisation: .* the 2 most senior classes, at least the threshold\. If breached, principal is paid sequentially/,
    );
    expect(oc?.get("IVSR5")).to.equal("115");
    expect(ic?.get("IVSR5")).to.equal("110");
    // The loss trigger's threshold is the schedule's for period 4 (4%), not the flat 8%.
    expect(cnl?.get("IVSR5")).to.equal("4");
    expect(cnl?.get("IVSR8")).to.equal("ND5");
    expect(cnl?.get("IVSR4")).to.contain("once breached, breached for good");
    expect(dq?.get("IVSR8")).to.equal("0");
    distribution.result.triggers.forEach((outcome, k) => {
      const cells = triggers[k];
      expect(cells?.get("IVSR7")).to.equal(outcome.breached ? "Y" : "N");
      expect(Number(cells?.get("IVSR6"))).to.be.closeTo(Number(outcome.valueWad) / 1e16, 1e-8);
      expect(cells?.get("IVSR9")).to.equal("1");
      expect(cells?.get("IVSR10")).to.equal("CHPP");
    });
  });

  it("a breached trigger reads Y, and a short period shows the reserve paying in", () => {
    const distribution = sampleDistribution((d) => ({
      ...d,
      inputs: {
        ...d.inputs,
        interestCollectionsCents: 50_000_000n,
        principalCollectionsCents: 0n,
        recoveriesCents: 0n,
        poolBalanceEndCents: d.inputs.poolBalanceBeginCents - d.inputs.newDefaultsCents,
        delinquent60PlusCents: 9_000_000_000n,
      },
    }));
    const { triggers, cashFlow, built } = sections(distribution);
    expect(triggers[3]?.get("IVSR7")).to.equal("Y");
    const items = new Map(cashFlow.map((c) => [c.get("IVSF4"), cents(c.get("IVSF5"))]));
    expect((items.get("Reserve account draw") ?? 0n) > 0n, "the reserve pays in").to.equal(true);
    expect(cashFlow.at(-1)?.get("IVSF6")).to.equal("0.00");
    expect(built.quality.failures.size).to.equal(0);
  });

  it("on random periods the items sum to zero and the funds never go negative (WF-1 as reported)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2_000_000_000n }),
        fc.bigInt({ min: 0n, max: 5_000_000_000n }),
        fc.bigInt({ min: 0n, max: 20_000_000_000n }),
        (interest, principal, delinquent) => {
          const distribution = sampleDistribution((d) => ({
            ...d,
            inputs: {
              ...d.inputs,
              interestCollectionsCents: interest,
              principalCollectionsCents: principal,
              recoveriesCents: principal < d.inputs.recoveriesCents ? principal : d.inputs.recoveriesCents,
              poolBalanceEndCents: d.inputs.poolBalanceBeginCents - principal - d.inputs.newDefaultsCents,
              delinquent60PlusCents: delinquent,
            },
          }));
          const items = cashFlowItems(distribution);
          expect(items.reduce((sum, item) => sum + item.amountCents, 0n)).to.equal(0n);
          let available = 0n;
          for (const item of items) {
            available += item.amountCents;
            expect(available >= 0n, item.name).to.equal(true);
          }
          expect(sections(distribution).built.quality.failures.size).to.equal(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a deal without a waterfall run for the period writes the securitisation record alone", () => {
    const distribution = sampleDistribution();
    const input = { ...reportInput(distribution), distribution: undefined };
    const records = parseDisclosure(buildInvestorReport(input, {}).text).records;
    expect(records.map((r) => r.element)).to.deep.equal(["SctstnInf"]);
  });
});

/**
 * Building a disclosure file from committed data: the loan-level templates (one record per loan, sorted by loan id)
 * and the investor report (one securitisation record). See `disclosure-file.ts` for the layout and the score.
 */
import { cellText } from "./cells";
import {
  combinedQuality,
  type DataQuality,
  DataQualityCounter,
  dataQualityLine,
  DISCLOSURE_CLOSING,
  disclosureOpening,
  type DisclosureHeader,
  recordLine,
} from "./disclosure-file";
import { ESMA_ANNEX12_CHECKS, ESMA_ANNEX12_FIELDS, investorReportRow, type InvestorReportInput } from "./esma-annex12";
import {
  CASHFLOW_ELEMENT,
  CASHFLOW_ENDS_AT_ZERO,
  cashFlowRows,
  ESMA_ANNEX12_CASHFLOW_CHECKS,
  ESMA_ANNEX12_CASHFLOW_FIELDS,
  ESMA_ANNEX12_TRIGGER_FIELDS,
  TRIGGER_ELEMENT,
  triggerRows,
} from "./esma-annex12-sections";
import { ESMA_ANNEX6 } from "./esma-annex6";
import { type DisclosureContext, type LoanDisclosureInput } from "./loan-disclosure";
import { REGAB_AUTO } from "./regab-auto";
import { cellsByCode, type LoanTemplate } from "./template";

/** The loan-level templates by `--template` name. */
export const LOAN_TEMPLATES: Readonly<Record<string, LoanTemplate>> = {
  [ESMA_ANNEX6.id]: ESMA_ANNEX6,
  [REGAB_AUTO.id]: REGAB_AUTO,
};

export const INVESTOR_REPORT_TEMPLATE = "esma-annex12";
export const INVESTOR_REPORT_ELEMENT = "SctstnInf";

/** Every `--template` name. */
export const DISCLOSURE_TEMPLATES: readonly string[] = [ESMA_ANNEX6.id, INVESTOR_REPORT_TEMPLATE, REGAB_AUTO.id];

export interface BuiltDisclosure {
  readonly text: string;
  readonly quality: DataQuality;
}

/** A loan-level file: one record per loan, in loan id order (byte order of the ids). */
export function buildLoanDisclosure(
  template: LoanTemplate,
  loans: readonly LoanDisclosureInput[],
  context: DisclosureContext,
  header: DisclosureHeader,
): BuiltDisclosure {
  const counter = new DataQualityCounter(template.fields, template.checks);
  const sorted = [...loans].sort((a, b) =>
    a.record.loanId < b.record.loanId ? -1 : a.record.loanId > b.record.loanId ? 1 : 0,
  );
  const lines = sorted.map((loan) => {
    const row = template.row(loan, context);
    counter.add(row);
    return recordLine(template.recordElement, template.fields, row);
  });
  const quality = counter.result();
  return { text: disclosureOpening(header) + dataQualityLine(quality) + lines.join("") + DISCLOSURE_CLOSING, quality };
}

/**
 * The investor report: the securitisation information record, then (when the period was distributed by the
 * deal's waterfall) one tests/events/triggers record per trigger and one cash-flow record per item of the
 * priority of payments. The three sections are scored apart and added up.
 */
export function buildInvestorReport(input: InvestorReportInput, header: DisclosureHeader): BuiltDisclosure {
  const securitisation = new DataQualityCounter(ESMA_ANNEX12_FIELDS, ESMA_ANNEX12_CHECKS);
  const row = investorReportRow(input);
  securitisation.add(row);
  const lines = [recordLine(INVESTOR_REPORT_ELEMENT, ESMA_ANNEX12_FIELDS, row)];
  const parts = [securitisation];
  const distribution = input.distribution;
  if (distribution !== undefined) {
    const triggers = new DataQualityCounter(ESMA_ANNEX12_TRIGGER_FIELDS, []);
    for (const trigger of triggerRows(input.uniqueIdentifier, distribution)) {
      triggers.add(trigger);
      lines.push(recordLine(TRIGGER_ELEMENT, ESMA_ANNEX12_TRIGGER_FIELDS, trigger));
    }
    const cashFlow = new DataQualityCounter(ESMA_ANNEX12_CASHFLOW_FIELDS, ESMA_ANNEX12_CASHFLOW_CHECKS);
    const items = cashFlowRows(input.uniqueIdentifier, distribution);
    for (const item of items) {
      cashFlow.add(item);
      lines.push(recordLine(CASHFLOW_ELEMENT, ESMA_ANNEX12_CASHFLOW_FIELDS, item));
    }
    const last = items.at(-1)?.[5];
    cashFlow.count(CASHFLOW_ENDS_AT_ZERO, last !== undefined && "value" in last && last.value === "0.00");
    parts.push(triggers, cashFlow);
  }
  const quality = combinedQuality(parts.map((part) => part.result()));
  return { text: disclosureOpening(header) + dataQualityLine(quality) + lines.join("") + DISCLOSURE_CLOSING, quality };
}

/** A loan's row as the template builds it from its committed data, by field code (absent cells left out). */
export function loanRowByCode(
  template: LoanTemplate,
  loan: LoanDisclosureInput,
  context: DisclosureContext,
): Map<string, string> {
  const cells = cellsByCode(template.fields, template.row(loan, context).map(cellText));
  return new Map([...cells].filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * `abs disclose`: regulatory disclosure files built from committed data only, anchored on chain, provable row by
 * row.
 *
 * Write (the deal's trustee, the reporting entity):
 *   `abs --as trustee disclose --deal D --template esma-annex6|esma-annex12|regab-auto --period N [--out FILE]`
 * - loan-level templates: every loan state of periods 1..N is fetched from the servicer's node and verified against
 *   each period's anchored loan-state root, every record of the tape from the originator's node against the tape's
 *   anchored root (refused loans refuse the whole file: nothing is written); then one record per loan;
 * - the investor report: from the pool's anchored period reports, and (once the waterfall distributed the period)
 *   its tests/events/triggers and cash-flow sections from the waterfall's `PeriodDistributed` event;
 * - the file carries its data-quality figures and score; its keccak-256 is registered in the DocumentRegistry as the
 *   document `<template>/<N>` of the deal (a new version if the content changed), signed off by the trustee.
 *
 * Verify (an entitled reader: trustee, regulator):
 *   `abs --as regulator disclose --deal D --verify FILE [--loan ID]`
 * - the file's hash must be the current anchored version of its document;
 * - the investor report is rebuilt from the chain (the anchored reports, the waterfall's record of the period) with
 *   the file's own header and contact cells, and compared record by record, cell by cell;
 * - with `--loan`, the loan's record and its states are fetched with proofs, verified against the anchored roots,
 *   the row rebuilt and compared cell by cell with the file's row.
 * Exit 0 written / verified, 1 not verified or refused, 2 usage error.
 */
import { readFile } from "node:fs/promises";
import { type Command } from "commander";
import { type Contract, encodeBytes32String, keccak256, ZeroAddress } from "ethers";
import { z } from "zod";
import { disclosure, Role, waterfall as wf, type LoanRecord, type LoanState } from "@abs/core";
import {
  AssetPoolRootReader,
  fetchVerifiedLoan,
  fetchVerifiedLoanState,
  fetchVerifiedPeriod,
  fetchVerifiedTape,
  NodeError,
  PeerRecordError,
  readPoolView,
  type PeerTarget,
  type PoolView,
} from "@abs/node";
import { writeFileAtomically } from "../atomic-write";
import { contractAt, readCall, sendCall } from "../contracts/chain-calls";
import { registerDealCommand } from "../deal/deal-command";
import { type ChainSession, type DealView, signedConsortium } from "../deal/deal-session";
import { chainFailure } from "../chain";
import { CliError } from "../errors";
import { type CliIo } from "../io";
import { peerSigning } from "./pool/originator-node";

type Template = string;

type ReportView = PoolView["periods"][number];

/** What the chain says about the pool up to period N. */
interface PoolFacts {
  readonly reports: readonly ReportView[];
  readonly tapeVersion: number;
  readonly tapeRoot: string;
  readonly firstTapeCutoff: bigint;
  readonly firstTapePrincipalCents: bigint;
}

async function poolFacts(session: ChainSession, deal: DealView, period: number): Promise<PoolFacts> {
  let view: PoolView;
  try {
    view = await readPoolView(session.provider, deal.pool);
  } catch (error) {
    throw chainFailure(error, `reading pool ${deal.pool}`);
  }
  const reports = view.periods.filter((r) => r.period <= period);
  if (reports.length !== period)
    throw new CliError(
      "USAGE",
      `Period ${period} of deal ${deal.code} is not reported on chain: the last reported period is ${view.periods.length}`,
    );
  const first = view.tapes[0];
  if (first === undefined) throw new CliError("USAGE", `Deal ${deal.code} has no tape anchored`);
  const end = (reports.at(-1) as ReportView).endDate;
  // The latest tape whose cut-off is not after the period's end: the loans' terms as of the period.
  const tape = view.tapes.filter((t) => t.cutoffDate <= end).at(-1) ?? first;
  return {
    reports,
    tapeVersion: tape.version,
    tapeRoot: tape.merkleRoot,
    firstTapeCutoff: first.cutoffDate,
    firstTapePrincipalCents: first.totalPrincipalCents,
  };
}

/** The node of the member at `address` (consortium file), for signed requests. */
function nodeOf(session: ChainSession, address: string, party: string): { baseUrl: string; target: string } {
  const member = session.file.members.find((m) => m.address.toLowerCase() === address.toLowerCase());
  if (member?.nodeUrl === undefined || member.memberId === undefined)
    throw new CliError("USAGE", `The consortium file names no node for the ${party} (${address})`);
  return { baseUrl: member.nodeUrl, target: member.memberId };
}

function contextOf(
  session: ChainSession,
  deal: DealView,
  facts: PoolFacts,
  period: number,
  uniqueIdentifier: string,
  country: string,
): disclosure.DisclosureContext {
  const report = facts.reports[period - 1] as ReportView;
  return {
    uniqueIdentifier,
    currency: session.file.currency,
    country,
    originatorName: session.names.of(deal.originator),
    servicerName: session.names.of(deal.servicer),
    period,
    periodStartDate: disclosure.isoDateOfSeconds(report.startDate),
    dataCutOffDate: disclosure.isoDateOfSeconds(report.endDate),
    closingDate: disclosure.isoDateOfSeconds(facts.firstTapeCutoff),
    tapeVersion: facts.tapeVersion,
    periodEndDates: facts.reports.map((r) => disclosure.isoDateOfSeconds(r.endDate)),
  };
}

/**
 * The loan's record in the latest tape version up to `version` that holds it, verified against that version's
 * anchored root (a version that does not hold the loan answers 404 and the one before is asked).
 */
async function recordAsOf(
  request: Omit<Parameters<typeof fetchVerifiedLoan>[0], "version" | "loanId">,
  loanId: string,
  version: number,
): Promise<LoanRecord> {
  for (let v = version; v >= 1; v -= 1) {
    try {
      return (await fetchVerifiedLoan({ ...request, version: v, loanId })).record;
    } catch (error) {
      if (error instanceof PeerRecordError && error.peerStatus === 404) continue;
      nodeFailure(error, `loan ${loanId}'s record in tape ${v}`);
    }
  }
  throw new CliError("LOAN_UNVERIFIED", `loan ${loanId} is reported but in no tape up to version ${version}`);
}

function nodeFailure(error: unknown, what: string): never {
  if (error instanceof NodeError) {
    const code = error.code === "PEER_RECORD_UNVERIFIED" ? "LOAN_UNVERIFIED" : "NODE_REQUEST_FAILED";
    throw new CliError(code, `${what}: ${error.message} (${error.code})`, { cause: error });
  }
  throw error;
}

/** Every loan's verified record and states of periods 1..N; any refused item refuses the whole disclosure. */
async function verifiedLoans(
  session: ChainSession,
  deal: DealView,
  facts: PoolFacts,
  period: number,
  signing: Omit<PeerTarget, "baseUrl" | "target">,
): Promise<disclosure.LoanDisclosureInput[]> {
  const chain = new AssetPoolRootReader(session.provider);
  const states = new Map<string, LoanState[]>();
  const servicer = { ...signing, ...nodeOf(session, deal.servicer, "servicer"), pool: deal.pool, chain };
  for (let p = 1; p <= period; p += 1) {
    const fetched = await fetchVerifiedPeriod({ ...servicer, period: p }, (state) => state).catch((e: unknown) =>
      nodeFailure(e, `the loan states of period ${p}`),
    );
    if (fetched.refused.length > 0)
      throw new CliError(
        "LOAN_UNVERIFIED",
        `${fetched.refused.length} loan state(s) of period ${p} do not verify against the anchored root: nothing written`,
        { details: fetched.refused.slice(0, 10).map((r) => r.reason) },
      );
    for (const state of fetched.verified) {
      const list = states.get(state.loanId) ?? [];
      list.push(state);
      states.set(state.loanId, list);
    }
  }
  const originator = { ...signing, ...nodeOf(session, deal.originator, "originator"), pool: deal.pool, chain };
  const tape = await fetchVerifiedTape({ ...originator, version: facts.tapeVersion }, (record) => record).catch(
    (e: unknown) => nodeFailure(e, `the loans of tape ${facts.tapeVersion}`),
  );
  if (tape.refused.length > 0)
    throw new CliError(
      "LOAN_UNVERIFIED",
      `${tape.refused.length} loan record(s) of tape ${facts.tapeVersion} do not verify against the anchored root: nothing written`,
      { details: tape.refused.slice(0, 10).map((r) => r.reason) },
    );
  const records = new Map<string, LoanRecord>(tape.verified.map((r) => [r.loanId, r]));
  const loans: disclosure.LoanDisclosureInput[] = [];
  for (const [loanId, history] of states) {
    if (!history.some((s) => s.period === period)) continue;
    // A loan that left the pool at the period's end (repurchased, substituted out) is not in that tape: its
    // record is the latest earlier version's.
    const record = records.get(loanId) ?? (await recordAsOf(originator, loanId, facts.tapeVersion - 1));
    loans.push({ record, states: history });
  }
  return loans;
}

const optionsShape = {
  template: z.enum(disclosure.DISCLOSURE_TEMPLATES as [string, ...string[]]).optional(),
  period: z.coerce.number().int().min(1).max(0xffff_ffff).optional(),
  out: z.string().min(1).optional(),
  uniqueId: z.string().min(1).max(28).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, "expected an ISO 3166 alpha-2 country code, e.g. CN")
    .default("CN"),
  contactPerson: z.string().min(1).max(256).optional(),
  contactPhone: z.string().min(1).max(64).optional(),
  contactEmail: z.string().min(1).max(256).optional(),
  anchor: z.boolean().default(true),
  verify: z.string().min(1).optional(),
  loan: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, "expected a loan id")
    .optional(),
};

type Options = z.output<z.ZodObject<typeof optionsShape>> & Parameters<typeof peerSigning>[1];

function docTypeOf(template: Template, period: number): string {
  return encodeBytes32String(`${template}/${period}`);
}

async function write(session: ChainSession, deal: DealView, options: Options) {
  const { template, period } = options;
  if (template === undefined || period === undefined)
    throw new CliError("USAGE", "Expected --template and --period (or --verify FILE)");
  const facts = await poolFacts(session, deal, period);
  const uniqueIdentifier = options.uniqueId ?? deal.code;
  const context = contextOf(session, deal, facts, period, uniqueIdentifier, options.country);
  const report = facts.reports[period - 1] as ReportView;
  const header = {
    template,
    deal: deal.code,
    pool: deal.pool,
    period: String(period),
    dataCutOffDate: context.dataCutOffDate,
    uniqueIdentifier,
    country: options.country,
    tapeVersion: String(facts.tapeVersion),
    tapeRoot: facts.tapeRoot,
    loanStateRoot: report.loanStateRoot,
    reportingEntity: session.names.of(deal.trustee),
  };
  let built: disclosure.BuiltDisclosure;
  if (template === disclosure.INVESTOR_REPORT_TEMPLATE) {
    built = disclosure.buildInvestorReport(
      await investorReportInput(
        session,
        deal,
        facts,
        period,
        { person: options.contactPerson, telephone: options.contactPhone, emails: options.contactEmail },
        context,
      ),
      header,
    );
  } else {
    const loanTemplate = disclosure.LOAN_TEMPLATES[template];
    if (loanTemplate === undefined) throw new CliError("USAGE", `Unknown template ${template}`);
    const loans = await verifiedLoans(session, deal, facts, period, await peerSigning(session, options, session.io));
    built = disclosure.buildLoanDisclosure(loanTemplate, loans, context, header);
  }
  const out = options.out ?? `${deal.code}-${template}-P${period}.xml`;
  const contentHash = keccak256(Buffer.from(built.text, "utf8"));
  // The file first: a failed anchoring leaves it written and unanchored, and a re-run (same data, same bytes)
  // anchors it; an anchored hash never names a file that was not written.
  await writeFileAtomically(out, (stream) => {
    stream.write(built.text);
  });
  const docId = options.anchor ? await anchor(session, deal, template, period, contentHash) : 0n;
  const q = built.quality;
  return {
    title: `Disclosure ${template} of deal ${deal.code}, period ${period}: ${q.records} record(s) written to ${out}`,
    lines: [
      ["Data cut-off date", context.dataCutOffDate],
      [
        "Built from",
        template === disclosure.INVESTOR_REPORT_TEMPLATE
          ? `the anchored reports of periods 1-${period}${
              q.records > 1 ? `, and the waterfall's record of distributing period ${period}` : ""
            }`
          : `tape ${facts.tapeVersion} (root ${facts.tapeRoot}) and the loan states of periods 1-${period}, each verified against its anchored root`,
      ],
      ["Content hash (keccak-256)", contentHash],
      [
        "Anchored",
        options.anchor
          ? `DocumentRegistry document #${docId} (${template}/${period}), signed off by the trustee`
          : "no (--no-anchor)",
      ],
      [
        "Completeness",
        `${q.populated} of ${q.cells - q.notApplicable} applicable cells populated (${q.notApplicable} not applicable)`,
      ],
      ["Validity", `${q.checksPassed} of ${q.checks} checks passed`],
      ["Data-quality score", `${(q.scoreBps / 100).toFixed(2)} %`],
      ...[...q.failures].slice(0, 8).map(([name, count]) => ["Failed check", `${name}: ${count} record(s)`] as const),
    ] as const,
    json: {
      file: out,
      template,
      deal: deal.code,
      period,
      contentHash,
      documentId: docId.toString(),
      records: q.records,
      quality: { ...q, failures: Object.fromEntries(q.failures) },
    },
  };
}

async function investorReportInput(
  session: ChainSession,
  deal: DealView,
  facts: PoolFacts,
  period: number,
  contact: disclosure.InvestorReportInput["contact"],
  context: disclosure.DisclosureContext,
): Promise<disclosure.InvestorReportInput> {
  const report = facts.reports[period - 1] as ReportView;
  const opening =
    period === 1 ? facts.firstTapePrincipalCents : BigInt((facts.reports[period - 2] as ReportView).endingBalanceCents);
  const distribution =
    deal.waterfall === ZeroAddress
      ? undefined
      : await distributedPeriod(session, deal, contractAt("Waterfall", deal.waterfall, session.provider), period);
  // After the period as the waterfall left it (its event's next state): the same figures whenever the file is built.
  const notesOutstandingCents = distribution?.result.next.tranches.reduce((sum, t) => sum + t.balanceCents, 0n);
  const triggerBreached = distribution?.result.triggers.some((t) => t.breached) ?? false;
  return {
    uniqueIdentifier: context.uniqueIdentifier,
    dataCutOffDate: context.dataCutOffDate,
    securitisationName: deal.code,
    reportingEntityName: session.names.of(deal.trustee),
    contact,
    triggerBreached,
    report: {
      interestCollectedCents: BigInt(report.interestCollectedCents),
      scheduledPrincipalCents: BigInt(report.scheduledPrincipalCents),
      prepaymentCents: BigInt(report.prepaymentCents),
      recoveryCents: BigInt(report.recoveryCents),
      newDefaultsCents: BigInt(report.newDefaultsCents),
      endingBalanceCents: BigInt(report.endingBalanceCents),
    },
    openingBalanceCents: opening,
    cumulativeDefaultsCents: facts.reports.reduce((sum, r) => sum + BigInt(r.newDefaultsCents), 0n),
    notesOutstandingCents,
    distribution,
  };
}

/**
 * The period as the deal's waterfall distributed it, from its `PeriodDistributed` event (inputs and result, as
 * the contract emitted them) and its configuration; undefined when the period has not been distributed.
 */
async function distributedPeriod(
  session: ChainSession,
  deal: DealView,
  waterfall: Contract,
  period: number,
): Promise<disclosure.PeriodDistribution | undefined> {
  const event = waterfall.getEvent("PeriodDistributed");
  let logs: Awaited<ReturnType<Contract["queryFilter"]>>;
  try {
    logs = await waterfall.queryFilter(event(period));
  } catch (error) {
    throw chainFailure(error, `reading the waterfall's PeriodDistributed events of period ${period}`);
  }
  const log = logs.at(-1);
  if (log === undefined || !("args" in log)) return undefined;
  const config = wf.fromAbiConfig(await readCall<Parameters<typeof wf.fromAbiConfig>[0]>(waterfall, "config", []));
  const parties = await readCall<{ feeRecipients: string[] }>(waterfall, "parties", []);
  return {
    config,
    inputs: wf.fromAbiInputs(log.args.getValue("inputs")),
    result: wf.fromAbiResult(log.args.getValue("result")),
    trancheNames: deal.tranches.map((t) => t.symbol),
    feeNames: parties.feeRecipients.map((address) => session.names.of(address)),
  };
}

/** Registers the file's hash as the current version of `<template>/<period>` (unless it already is) and signs it off. */
async function anchor(session: ChainSession, deal: DealView, template: Template, period: number, hash: string) {
  const registry = await signedConsortium(session, "DocumentRegistry");
  const type = docTypeOf(template, period);
  let [docId] = await readCall<[bigint, bigint]>(registry, "latestVersion", [deal.pool, type]);
  const current = docId === 0n ? undefined : await readCall<{ contentHash: string }>(registry, "document", [docId]);
  if (current?.contentHash !== hash) {
    const roles = 1 << Role.TRUSTEE;
    const uri = `urn:abs:disclosure:${deal.code}:${template}:${period}`;
    await sendCall(
      registry,
      "registerDocument",
      [deal.pool, type, hash, uri, roles],
      `registerDocument(${template}/${period})`,
    );
    [docId] = await readCall<[bigint, bigint]>(registry, "latestVersion", [deal.pool, type]);
  }
  const signed = await readCall<bigint>(registry, "signedRoles", [docId]);
  if ((signed & (1n << BigInt(Role.TRUSTEE))) === 0n)
    await sendCall(registry, "signOff", [docId, Role.TRUSTEE], `signOff(${template}/${period}, TRUSTEE)`);
  return docId;
}

async function verify(session: ChainSession, deal: DealView, options: Options) {
  const file = options.verify ?? "";
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError("INPUT_NOT_FOUND", `Cannot read the disclosure file ${JSON.stringify(file)}`, { cause: error });
  }
  let parsed: disclosure.ParsedDisclosure;
  try {
    parsed = disclosure.parseDisclosure(text);
  } catch (error) {
    if (error instanceof disclosure.DisclosureFileError)
      throw new CliError("USAGE", `${file}: not a disclosure file: ${error.message}`);
    throw error;
  }
  const { header } = parsed;
  const template = header.template ?? "";
  const period = Number(header.period);
  if (!disclosure.DISCLOSURE_TEMPLATES.includes(template) || !Number.isInteger(period) || period < 1)
    throw new CliError("USAGE", `${file}: its header names no known template and period`);
  if (header.deal !== deal.code || header.pool?.toLowerCase() !== deal.pool.toLowerCase())
    throw new CliError("USAGE", `${file} is a disclosure of deal ${String(header.deal)}, not of ${deal.code}`);
  const registry = session.contract("DocumentRegistry");
  const [docId] = await readCall<[bigint, bigint]>(registry, "latestVersion", [deal.pool, docTypeOf(template, period)]);
  const anchored = docId === 0n ? undefined : await readCall<{ contentHash: string }>(registry, "document", [docId]);
  const hash = keccak256(Buffer.from(text, "utf8"));
  const lines: [string, string][] = [
    ["File hash (keccak-256)", hash],
    ["Anchored document", anchored === undefined ? "none" : `#${docId}: ${anchored.contentHash}`],
  ];
  if (anchored?.contentHash !== hash)
    throw new CliError(
      "DISCLOSURE_UNVERIFIED",
      `${file} is not the anchored ${template}/${period} of deal ${deal.code}: its hash ${hash} is not the current version's (${anchored?.contentHash ?? "none anchored"})`,
    );
  let title = `Disclosure ${template} of deal ${deal.code}, period ${period}: VERIFIED, the file is the anchored document #${docId}`;
  let mismatches: Mismatch[] = [];
  if (template === disclosure.INVESTOR_REPORT_TEMPLATE) {
    if (options.loan !== undefined) throw new CliError("USAGE", `--loan needs a loan-level template, not ${template}`);
    const rebuilt = await rebuildInvestorReport(session, deal, parsed, period);
    mismatches = recordMismatches(parsed.records, rebuilt);
    lines.push(
      ["Rebuilt from", `the anchored reports of periods 1-${period} and the waterfall's record of period ${period}`],
      ["Records compared", `${parsed.records.length}, ${mismatches.length} cell(s) differ`],
      ...mismatches.slice(0, 20).map((m) => mismatchLine(m)),
    );
    if (mismatches.length > 0)
      throw new CliError(
        "DISCLOSURE_UNVERIFIED",
        `${file} differs from the report rebuilt from the chain in ${mismatches.length} cell(s): ${mismatches
          .slice(0, 8)
          .map((m) => m.field)
          .join(", ")}`,
      );
    title = `Disclosure ${template} of deal ${deal.code}, period ${period}: VERIFIED, every record rebuilt from the chain and the file is the anchored document #${docId}`;
  } else if (options.loan !== undefined) {
    const loanTemplate = disclosure.LOAN_TEMPLATES[template];
    if (loanTemplate === undefined) throw new CliError("USAGE", `--loan needs a loan-level template, not ${template}`);
    const row = parsed.records.find((r) => r.cells.get(loanTemplate.loanIdField) === options.loan);
    if (row === undefined) throw new CliError("USAGE", `${file} has no row for loan ${options.loan}`);
    const rebuilt = await rebuildRow(session, deal, options, loanTemplate, header, period, options.loan);
    const codes = loanTemplate.fields.map((f) => f.code);
    mismatches = codes
      .filter((code) => row.cells.get(code) !== rebuilt.get(code))
      .map((code) => ({ field: code, file: row.cells.get(code), rebuilt: rebuilt.get(code) }));
    lines.push(
      ["Loan", options.loan],
      [
        "Rebuilt from",
        `tape ${header.tapeVersion} and periods 1-${period}, each record and state verified against its anchored root`,
      ],
      ["Cells compared", `${codes.length}, ${mismatches.length} differ`],
      ...mismatches.slice(0, 20).map((m) => mismatchLine(m)),
    );
    if (mismatches.length > 0)
      throw new CliError(
        "DISCLOSURE_UNVERIFIED",
        `the row of loan ${options.loan} in ${file} differs from its committed data in ${mismatches.length} field(s): ${mismatches.map((m) => m.field).join(", ")}`,
      );
    title = `Loan ${options.loan} in ${template}/${period} of deal ${deal.code}: VERIFIED, the row is rebuilt from committed data and the file is the anchored document #${docId}`;
  }
  return {
    title,
    lines,
    json: {
      verified: true,
      file,
      template,
      period,
      documentId: docId.toString(),
      contentHash: hash,
      loan: options.loan,
      mismatches,
    },
  };
}

interface Mismatch {
  readonly field: string;
  readonly file: string | undefined;
  readonly rebuilt: string | undefined;
}

function mismatchLine(m: Mismatch): [string, string] {
  return [m.field, `file ${JSON.stringify(m.file)}, committed data ${JSON.stringify(m.rebuilt)}`];
}

/** Every cell that differs between the file's records and the rebuilt ones, named `element #n code`. */
function recordMismatches(
  file: disclosure.ParsedDisclosure["records"],
  rebuilt: disclosure.ParsedDisclosure["records"],
): Mismatch[] {
  const out: Mismatch[] = [];
  if (file.length !== rebuilt.length)
    out.push({ field: "records", file: String(file.length), rebuilt: String(rebuilt.length) });
  const seen = new Map<string, number>();
  rebuilt.forEach((record, i) => {
    const mine = file[i];
    // Records are named by their element and their place among that element's records: `CshFlwInf #3`.
    const n = (seen.get(record.element) ?? 0) + 1;
    seen.set(record.element, n);
    const codes = new Set([...record.cells.keys(), ...(mine?.cells.keys() ?? [])]);
    for (const code of codes)
      if (mine?.element !== record.element || mine.cells.get(code) !== record.cells.get(code))
        out.push({
          field: `${record.element} #${n} ${code}`,
          file: mine?.cells.get(code),
          rebuilt: record.cells.get(code),
        });
  });
  return out;
}

/**
 * The investor report rebuilt from the chain with the file's own header and contact cells (the only inputs not on
 * chain): the anchored reports and the waterfall's record of the period.
 */
async function rebuildInvestorReport(
  session: ChainSession,
  deal: DealView,
  parsed: disclosure.ParsedDisclosure,
  period: number,
): Promise<disclosure.ParsedDisclosure["records"]> {
  const { header } = parsed;
  const cells = parsed.records[0]?.cells;
  const facts = await poolFacts(session, deal, period);
  const uniqueIdentifier = header.uniqueIdentifier ?? deal.code;
  const context = contextOf(session, deal, facts, period, uniqueIdentifier, header.country ?? "CN");
  const contact = { person: cells?.get("IVSS5"), telephone: cells?.get("IVSS6"), emails: cells?.get("IVSS7") };
  const input = await investorReportInput(session, deal, facts, period, contact, context);
  return disclosure.parseDisclosure(disclosure.buildInvestorReport(input, header).text).records;
}

async function rebuildRow(
  session: ChainSession,
  deal: DealView,
  options: Options,
  template: disclosure.LoanTemplate,
  header: disclosure.DisclosureHeader,
  period: number,
  loanId: string,
): Promise<Map<string, string>> {
  const facts = await poolFacts(session, deal, period);
  const tapeVersion = Number(header.tapeVersion);
  if (tapeVersion !== facts.tapeVersion)
    throw new CliError(
      "DISCLOSURE_UNVERIFIED",
      `the file names tape ${String(header.tapeVersion)}; period ${period}'s tape is ${facts.tapeVersion}`,
    );
  const context = contextOf(session, deal, facts, period, header.uniqueIdentifier ?? "", header.country ?? "");
  const signing = await peerSigning(session, options, session.io);
  const chain = new AssetPoolRootReader(session.provider);
  const request = { ...signing, pool: deal.pool, chain };
  const servicer = { ...request, ...nodeOf(session, deal.servicer, "servicer") };
  const states: LoanState[] = [];
  for (let p = 1; p <= period; p += 1) {
    const found = await fetchVerifiedLoanState({ ...servicer, period: p, loanId }).catch((e: unknown) =>
      e instanceof PeerRecordError && e.peerStatus === 404 && p < period
        ? undefined
        : nodeFailure(e, `loan ${loanId}'s state in period ${p}`),
    );
    if (found !== undefined) states.push(found.state);
  }
  const originator = { ...request, ...nodeOf(session, deal.originator, "originator") };
  const record = await recordAsOf(originator, loanId, tapeVersion);
  return disclosure.loanRowByCode(template, { record, states }, context);
}

export function registerDisclose(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    program,
    {
      name: "disclose",
      description:
        "write a regulatory disclosure file (ESMA Annex VI / XII, Reg AB II auto) from committed data and anchor its hash; or --verify one",
      by: "the trustee (write), an entitled reader such as the regulator (verify)",
      options: (c) =>
        c
          .option("--template <name>", `one of ${disclosure.DISCLOSURE_TEMPLATES.join(", ")}`)
          .option("--period <n>", "the reported period")
          .option("--out <file>", "where to write (default <deal>-<template>-P<period>.xml)")
          .option("--unique-id <id>", "the securitisation's ESMA Article 11 identifier (default: the deal code)")
          .option("--country <code>", "the originator's country, ISO 3166 alpha-2", "CN")
          .option("--contact-person <name>", "Annex XII: the reporting entity's contact person")
          .option("--contact-phone <phone>", "Annex XII: the contact's telephone")
          .option("--contact-email <email>", "Annex XII: the contact's email")
          .option("--no-anchor", "do not register the file's hash in the DocumentRegistry")
          .option("--verify <file>", "verify a disclosure file against the chain instead of writing one")
          .option("--loan <id>", "with --verify: rebuild this loan's row from its verified record and states"),
      shape: optionsShape,
      run: async (session, deal, options) => {
        if (deal === undefined) throw new CliError("USAGE", "Expected --deal");
        return options.verify === undefined ? write(session, deal, options) : verify(session, deal, options);
      },
    },
    io,
    setExitCode,
  );
}

/**
 * `abs --as trustee deal structure deal.yaml`: takes a Draft pool to Structured as the deal file describes it —
 * tranches added (faces from the file, or shares of the anchored tape's principal), the pool marked Structured,
 * the waterfall created, configured (fees to their payees, the residual, the guarantor) and named in the pool,
 * the clean-up call set, the documents registered for sign-off. Idempotent: each step checks the chain first, so
 * a re-run after a failure resumes, and a re-run after success changes nothing (and says so). A deal already on
 * chain that differs from the file is refused with the differences.
 */
import { type Command } from "commander";
import { type Contract, ZeroAddress, encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";
import { Role, waterfall as wf } from "@abs/core";
import { memberNamed } from "../../consortium/acting-member";
import { readCall, sendCall } from "../../contracts/chain-calls";
import { type DealFile, isInterestOnlyTranche, readDealFile } from "../../deal/deal-file";
import { dealSchedule } from "../../deal/deal-schedule";
import { registerDealCommand } from "../../deal/deal-command";
import { type ChainSession, type DealView, readDeal, signed, signedConsortium } from "../../deal/deal-session";
import { centsToAmount, decimalToWad, trancheFaces, trancheTerms, waterfallConfig } from "../../deal/deal-terms";
import { CliError } from "../../errors";
import { type CliIo } from "../../io";
import { formatMoney } from "../../output";

/** The tape principal the faces and the waterfall's original balance are measured against: the current tape's. */
async function tapePrincipal(session: ChainSession, deal: DealView): Promise<bigint> {
  const pool = await signed(session, "AssetPool", deal.pool);
  const version = await readCall<bigint>(pool, "currentTapeVersion", []);
  if (version === 0n) {
    throw new CliError(
      "USAGE",
      `Deal ${deal.code} has no tape yet: the originator uploads and anchors it first (\`abs --as originator tape upload\`)`,
    );
  }
  const tape = await readCall<{ anchor: { totalPrincipalCents: bigint } }>(pool, "tape", [version]);
  return tape.anchor.totalPrincipalCents;
}

async function addTranches(
  session: ChainSession,
  deal: DealView,
  file: DealFile,
  principal: bigint,
  done: string[],
): Promise<void> {
  const terms = trancheTerms(file, trancheFaces(file, principal));
  const differences: string[] = [];
  deal.tranches.forEach((onChain, i) => {
    const wanted = terms[i];
    if (wanted === undefined) differences.push(`tranche ${onChain.symbol} is on chain but not in the file`);
    else if (
      onChain.symbol !== wanted.symbol ||
      onChain.originalFaceCents !== wanted.originalFaceCents ||
      onChain.seniority !== wanted.seniority
    ) {
      differences.push(
        `tranche ${i + 1}: on chain ${onChain.symbol} face ${centsToAmount(onChain.originalFaceCents)}, in the file ${wanted.symbol} face ${centsToAmount(wanted.originalFaceCents)}`,
      );
    }
  });
  if (differences.length > 0)
    throw new CliError("USAGE", `Deal ${deal.code} on chain differs from the deal file`, { details: differences });
  const pool = await signed(session, "AssetPool", deal.pool);
  for (const [i, t] of terms.entries()) {
    if (i < deal.tranches.length) continue;
    // An io tranche's face is a notional: the pool does not count it against the tape's principal.
    const tranche = file.tranches[i];
    if (tranche !== undefined && isInterestOnlyTranche(tranche)) {
      await sendCall(pool, "addInterestOnlyTranche", [t], `addInterestOnlyTranche(${t.symbol})`);
      done.push(`interest-only tranche ${t.symbol} added, notional ${formatMoney(t.originalFaceCents, file.currency)}`);
    } else {
      await sendCall(pool, "addTranche", [t], `addTranche(${t.symbol})`);
      done.push(`tranche ${t.symbol} added, face ${formatMoney(t.originalFaceCents, file.currency)}`);
    }
  }
  await sendCall(pool, "markStructured", [], "markStructured");
  done.push("pool marked Structured");
}

/**
 * What the waterfall is configured from: the deal file, its path (a schedule's pool file is relative to it), and a
 * scheduled deal's targets, computed before anything is sent (a band that cannot support the classes writes nothing).
 */
interface DealSource {
  readonly file: DealFile;
  readonly path: string;
  schedule?: bigint[][] | undefined;
}

async function createWaterfall(
  session: ChainSession,
  deal: DealView,
  source: DealSource,
  principal: bigint,
  done: string[],
): Promise<string> {
  const { file } = source;
  const addressOf = (name: string) => memberNamed(session.file, name).address;
  const factory = await signedConsortium(session, "WaterfallFactory");
  const address = await readCall<string>(factory, "createWaterfall", [deal.pool], "createWaterfall");
  await sendCall(factory, "createWaterfall", [deal.pool], "createWaterfall");
  const waterfall = await signed(session, "Waterfall", address);
  const config = waterfallConfig(file, principal);
  wf.validateWaterfallConfig(config);
  await sendCall(
    waterfall,
    "configure",
    [
      wf.toAbiConfig(config),
      {
        feeRecipients: file.fees.map((f) => addressOf(f.payee)),
        equityHolder: addressOf(file.residual),
        guarantor: file.guarantee ? addressOf(file.guarantee.guarantor) : ZeroAddress,
      },
    ],
    "configure the waterfall",
  );
  if (source.schedule !== undefined) await setSchedule(waterfall, source.schedule, done);
  if (file.cleanUpCall !== undefined) {
    const ray = decimalToWad(file.cleanUpCall) * 10n ** 9n;
    await sendCall(waterfall, "setCleanUpCall", [ray], "setCleanUpCall");
  }
  await sendCall(await signed(session, "AssetPool", deal.pool), "setWaterfall", [address], "setWaterfall");
  done.push(`waterfall ${address} created, configured and named in the pool`);
  return address;
}

async function setSchedule(waterfall: Contract, schedule: bigint[][], done: string[]): Promise<void> {
  await sendCall(waterfall, "setSchedule", [schedule], "setSchedule");
  done.push(`principal schedule fixed: ${schedule.length} list(s) of ${schedule[0]?.length ?? 0} periods`);
}

/**
 * A re-run on a scheduled deal whose waterfall was configured but whose schedule was not fixed (a failure in
 * between): fixes it now, while the pool is still Structured.
 */
async function resumeSchedule(
  session: ChainSession,
  deal: DealView,
  source: DealSource,
  waterfallAddress: string,
  done: string[],
): Promise<void> {
  if (source.file.principal.mode !== "scheduled" || deal.state !== "Structured") return;
  const waterfall = await signed(session, "Waterfall", waterfallAddress);
  const [store] = await readCall<[string, bigint, bigint, string]>(waterfall, "scheduleStore", []);
  if (store !== ZeroAddress) return;
  const faces = deal.tranches.map((t) => t.originalFaceCents);
  const schedule = await dealSchedule(source.file, source.path, faces);
  if (schedule !== undefined) await setSchedule(waterfall, schedule, done);
}

async function registerDocuments(session: ChainSession, deal: DealView, file: DealFile, done: string[]): Promise<void> {
  const registry = await signedConsortium(session, "DocumentRegistry");
  for (const d of file.documents) {
    const type = encodeBytes32String(d.type);
    const hash = d.hash ?? keccak256(toUtf8Bytes(d.text ?? ""));
    const [docId] = await readCall<[bigint, bigint]>(registry, "latestVersion", [deal.pool, type]);
    if (docId !== 0n) {
      const existing = await readCall<{ contentHash: string }>(registry, "document", [docId]);
      if (existing.contentHash === hash) continue;
    }
    const roles = d.signers.reduce((mask, role) => mask | (1 << Role[role]), 0);
    await sendCall(registry, "registerDocument", [deal.pool, type, hash, d.uri, roles], `registerDocument(${d.type})`);
    done.push(`document ${d.type} registered for sign-off by ${d.signers.join(", ")}`);
  }
}

export function registerDealStructure(deal: Command, io: CliIo, setExitCode: (code: number) => void): void {
  registerDealCommand(
    deal,
    {
      name: "structure",
      description: "take a Draft pool to Structured as a deal file describes it (idempotent)",
      by: "the deal's trustee",
      options: (c) => c.argument("<deal-file>", "the deal file (YAML or JSON)"),
      shape: {},
      needsDeal: false,
      run: async (session, _none, _options, args) => {
        const source: DealSource = { path: args[0] ?? "", file: await readDealFile(args[0] ?? "") };
        const { file } = source;
        let onChain = await readDeal(session, file.deal);
        const done: string[] = [];
        if (onChain.state === "Draft") {
          const principal = await tapePrincipal(session, onChain);
          // A scheduled deal's targets are computed first: a schedule the band cannot support writes nothing.
          source.schedule = await dealSchedule(file, source.path, trancheFaces(file, principal));
          await addTranches(session, onChain, file, principal, done);
          onChain = await readDeal(session, file.deal);
        } else if (onChain.tranches.length !== file.tranches.length) {
          throw new CliError(
            "USAGE",
            `Deal ${file.deal} is ${onChain.state} with ${onChain.tranches.length} tranches; the file has ${file.tranches.length}`,
          );
        }
        let waterfall = onChain.waterfall;
        if (file.principal.mode === "scheduled" && waterfall === ZeroAddress && source.schedule === undefined) {
          const principal = await tapePrincipal(session, onChain);
          source.schedule = await dealSchedule(file, source.path, trancheFaces(file, principal));
        }
        if (waterfall === ZeroAddress) {
          if (onChain.state !== "Structured")
            throw new CliError(
              "USAGE",
              `Deal ${file.deal} is ${onChain.state} and has no waterfall: a waterfall is configured while Structured`,
            );
          waterfall = await createWaterfall(session, onChain, source, await tapePrincipal(session, onChain), done);
        } else {
          await resumeSchedule(session, onChain, source, waterfall, done);
        }
        await registerDocuments(session, onChain, file, done);
        return {
          title:
            done.length === 0
              ? `Deal ${file.deal} is already structured as the file says: nothing to do`
              : `Deal ${file.deal} structured`,
          lines: [
            ["Pool", `${onChain.pool} (${(await readDeal(session, file.deal)).state})`],
            ["Waterfall", waterfall],
            ...done.map((line, i) => [`Step ${i + 1}`, line] as const),
          ],
          json: { deal: file.deal, pool: onChain.pool, waterfall, steps: done },
        };
      },
    },
    io,
    setExitCode,
  );
}

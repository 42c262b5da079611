/**
 * Synthetic values of the optional disclosure fields, for demonstrating and testing the disclosure templates. Each
 * loan's values come from their own generator, seeded by the tape seed and the loan id, so adding them never
 * changes the rest of a synthetic record (the same seed gives the same tape with or without them).
 */
import { createHash } from "node:crypto";
import { type LoanRecord } from "./loan-record";
import { bpsToWad, mulDivDown } from "./money";
import { mulberry32 } from "./prng";

/** ISO 3166-2 codes of the synthetic tapes' regions (the provinces' letter codes). */
export const ISO_REGION_CODES: Readonly<Record<string, string>> = {
  Beijing: "CN-BJ",
  Tianjin: "CN-TJ",
  Hebei: "CN-HE",
  Shanxi: "CN-SX",
  Neimenggu: "CN-NM",
  Liaoning: "CN-LN",
  Jilin: "CN-JL",
  Heilongjiang: "CN-HL",
  Shanghai: "CN-SH",
  Jiangsu: "CN-JS",
  Zhejiang: "CN-ZJ",
  Anhui: "CN-AH",
  Fujian: "CN-FJ",
  Jiangxi: "CN-JX",
  Shandong: "CN-SD",
  Henan: "CN-HA",
  Hubei: "CN-HB",
  Hunan: "CN-HN",
  Guangdong: "CN-GD",
  Guangxi: "CN-GX",
  Hainan: "CN-HI",
  Chongqing: "CN-CQ",
  Sichuan: "CN-SC",
  Guizhou: "CN-GZ",
  Yunnan: "CN-YN",
  Xizang: "CN-XZ",
  Shaanxi: "CN-SN",
  Gansu: "CN-GS",
  Qinghai: "CN-QH",
  Ningxia: "CN-NX",
  Xinjiang: "CN-XJ",
};

/** Bureau score range by grade (a higher grade, a higher score). */
const SCORE_BY_GRADE: Readonly<Record<string, readonly [number, number]>> = {
  A: [750, 900],
  B: [680, 760],
  C: [620, 690],
  D: [560, 630],
  E: [480, 570],
};

/** The one-year loan prime rate the floating loans reference, as a wad (3.45 %). */
const LPR_1Y_WAD = bpsToWad(345);

/** The record with synthetic disclosure fields added (its other fields unchanged). */
export function withSyntheticDisclosure(record: LoanRecord, seed: number): LoanRecord {
  const digest = createHash("sha256").update(`abs.synthetic-disclosure:${seed}:${record.loanId}`).digest();
  const random = mulberry32(digest.readUInt32BE(0));
  const [low, high] = SCORE_BY_GRADE[record.creditGrade] ?? [550, 750];
  // Annual income: 2 to 15 times the original principal, in whole hundreds of yuan.
  const annualIncomeCents =
    mulDivDown(record.originalPrincipalCents, BigInt(random.int(20, 150)), 10n * 10_000n) * 10_000n;
  const floating = random.chance(0.15) && record.rateWad > LPR_1Y_WAD;
  const restructured = record.status === "delinquent" && random.chance(0.05);
  const regionCode = ISO_REGION_CODES[record.region];
  return {
    ...record,
    creditScoreType: "BAIHANG",
    creditScore: random.int(low, high),
    annualIncomeCents,
    incomeVerification: random.weighted([
      ["verified", 60],
      ["self-certified", 25],
      ["credit-bureau", 10],
      ["not-verified", 5],
    ] as const),
    paymentToIncomeWad: bpsToWad(random.int(500, 4500)),
    employmentStatus: random.weighted([
      ["employed-private", 55],
      ["employed-public", 15],
      ["self-employed", 20],
      ["pensioner", 3],
      ["student", 2],
      ["other", 5],
    ] as const),
    originationChannel:
      record.productType === "auto"
        ? random.weighted([
            ["dealer", 70],
            ["online", 20],
            ["branch", 10],
          ] as const)
        : random.weighted([
            ["online", 45],
            ["branch", 25],
            ["broker", 10],
            ["direct", 10],
            ["agent", 10],
          ] as const),
    rateType: floating ? "floating" : "fixed",
    ...(floating ? { rateIndex: "LPR-1Y", rateMarginWad: record.rateWad - LPR_1Y_WAD, rateResetMonths: 12 } : {}),
    ...(restructured ? { restructuringDate: record.originationDate } : {}),
    ...(regionCode === undefined ? {} : { regionCode }),
  };
}

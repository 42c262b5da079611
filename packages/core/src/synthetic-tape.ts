/**
 * Synthetic consumer-finance loan tapes for tests, demos and benchmarks: deterministic from a seed,
 * one record at a time (a 1,000,000-loan tape never sits in memory), every record valid under the loan
 * template. No real person is behind any record: borrower ids are keyed hashes of synthetic numbers.
 *
 * The pool looks like a Chinese consumer-finance ABS: consumer, auto and micro-business loans of
 * 5,000-300,000 CNY, credit grades A-E priced from 4% to 24%, terms of 12/24/36/60 months, seasoned
 * 1 month to term - 1 at the cut-off date, mostly current, some delinquent, a few defaulted, prepaid or
 * repurchased (more often in the low grades), borrowers spread over China's 31 provinces.
 */
import { createHash } from "node:crypto";
import { InvalidArgumentError } from "./errors";
import { checkSecretKey, hmacSha256Hex } from "./hashing";
import { addMonths, formatIsoDate, parseIsoDate, type CalendarDate } from "./iso-date";
import {
  PAYMENT_PERIOD_MONTHS,
  type Amortization,
  type LoanRecord,
  type LoanStatus,
  type PaymentFrequency,
} from "./loan-record";
import { WAD, bpsToWad, mulDivDown, wadMulDown } from "./money";
import { checkSeed, mulberry32, type Prng } from "./prng";
import { withSyntheticDisclosure } from "./synthetic-disclosure";

export interface SyntheticTapeOptions {
  /** Cut-off date of the tape, yyyy-mm-dd. Default 2025-06-30. */
  readonly asOfDate?: string;
  /** Key for borrower ids (at least 32 bytes). Default: derived from the seed. */
  readonly borrowerKey?: Uint8Array;
  /** Loan id prefix (letters, digits, '.', '_', '-'; at most 40 characters). Default "L". */
  readonly loanIdPrefix?: string;
  /**
   * Draw every loan's borrower from this many synthetic borrowers. Default: no fixed pool; each loan has
   * a new borrower, except that about 1 in 12 goes to a borrower of an earlier loan.
   */
  readonly borrowerCount?: number;
  /**
   * Add synthetic values of the optional disclosure fields (credit score, income, employment, channel, rate type,
   * ISO region code: `withSyntheticDisclosure`). The other fields are the same with or without. Default false.
   */
  readonly disclosure?: boolean;
}

export const SYNTHETIC_CREDIT_GRADES = ["A", "B", "C", "D", "E"] as const;
export type SyntheticCreditGrade = (typeof SYNTHETIC_CREDIT_GRADES)[number];

/** Annual rate range by grade, in basis points (inclusive). */
export const SYNTHETIC_RATE_BPS: Readonly<Record<SyntheticCreditGrade, readonly [number, number]>> = {
  A: [400, 700],
  B: [700, 1000],
  C: [1000, 1400],
  D: [1400, 1900],
  E: [1900, 2400],
};

const GRADE_WEIGHTS: readonly (readonly [SyntheticCreditGrade, number])[] = [
  ["A", 22],
  ["B", 30],
  ["C", 26],
  ["D", 14],
  ["E", 8],
];

/** How much more often than a grade-C loan a loan of each grade is delinquent or worse. */
const GRADE_RISK: Readonly<Record<SyntheticCreditGrade, number>> = { A: 0.35, B: 0.65, C: 1, D: 1.7, E: 2.6 };

/** China's 31 provincial-level divisions (pinyin), weighted roughly by consumer-credit volume. */
const REGION_WEIGHTS: readonly (readonly [string, number])[] = [
  ["Guangdong", 12],
  ["Jiangsu", 8],
  ["Zhejiang", 8],
  ["Shandong", 7],
  ["Henan", 6],
  ["Sichuan", 6],
  ["Hubei", 4],
  ["Hunan", 4],
  ["Fujian", 4],
  ["Shanghai", 4],
  ["Beijing", 4],
  ["Anhui", 4],
  ["Hebei", 4],
  ["Shaanxi", 3],
  ["Jiangxi", 3],
  ["Chongqing", 3],
  ["Liaoning", 3],
  ["Yunnan", 2],
  ["Guangxi", 2],
  ["Shanxi", 2],
  ["Guizhou", 2],
  ["Tianjin", 2],
  ["Neimenggu", 1],
  ["Heilongjiang", 1],
  ["Jilin", 1],
  ["Xinjiang", 1],
  ["Gansu", 1],
  ["Hainan", 1],
  ["Ningxia", 0.5],
  ["Qinghai", 0.5],
  ["Xizang", 0.3],
];

type ProductType = "consumer" | "auto" | "micro-business";

interface ProductProfile {
  /** Principal range in whole CNY (inclusive), drawn in steps of 100 CNY, skewed toward small loans. */
  readonly amountYuan: readonly [number, number];
  readonly terms: readonly (readonly [number, number])[];
  readonly amortization: readonly (readonly [Amortization, number])[];
  readonly frequency: readonly (readonly [PaymentFrequency, number])[];
  /** Collateral types (with weights; `undefined` = unsecured) and value as % of principal. */
  readonly collateral: readonly (readonly [string | undefined, number])[];
  readonly collateralPercent: readonly [number, number];
}

const PRODUCT_WEIGHTS: readonly (readonly [ProductType, number])[] = [
  ["consumer", 60],
  ["auto", 25],
  ["micro-business", 15],
];

const PRODUCTS: Readonly<Record<ProductType, ProductProfile>> = {
  consumer: {
    amountYuan: [5_000, 100_000],
    terms: [
      [12, 35],
      [24, 35],
      [36, 25],
      [60, 5],
    ],
    amortization: [
      ["level", 75],
      ["equal-principal", 25],
    ],
    frequency: [["monthly", 1]],
    collateral: [[undefined, 1]],
    collateralPercent: [0, 0],
  },
  auto: {
    amountYuan: [50_000, 300_000],
    terms: [
      [24, 15],
      [36, 50],
      [60, 35],
    ],
    amortization: [
      ["level", 85],
      ["equal-principal", 15],
    ],
    frequency: [["monthly", 1]],
    collateral: [["vehicle", 1]],
    collateralPercent: [110, 160],
  },
  "micro-business": {
    amountYuan: [20_000, 300_000],
    terms: [
      [12, 40],
      [24, 30],
      [36, 25],
      [60, 5],
    ],
    amortization: [
      ["level", 40],
      ["equal-principal", 20],
      ["interest-only", 25],
      ["bullet", 15],
    ],
    frequency: [
      ["monthly", 60],
      ["quarterly", 40],
    ],
    collateral: [
      [undefined, 50],
      ["equipment", 30],
      ["receivables", 20],
    ],
    collateralPercent: [80, 150],
  },
};

const DEFAULT_AS_OF_DATE = "2025-06-30";
/** Share of loans (without a fixed borrower pool) that go to the borrower of an earlier loan. */
const REPEAT_BORROWER_SHARE = 1 / 12;
const CENTS_PER_YUAN = 100n;

/**
 * Yields `count` synthetic loan records, deterministically from `seed` (a uint32) and `options`:
 * the same arguments always yield the same records, and the first k records do not depend on `count`.
 */
export function* generateLoans(
  count: number,
  seed: number,
  options: SyntheticTapeOptions = {},
): Generator<LoanRecord, void, undefined> {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new InvalidArgumentError("count", "a whole number of loans, 0 or more", String(count));
  }
  checkSeed(seed);
  const asOfText = options.asOfDate ?? DEFAULT_AS_OF_DATE;
  const asOf = parseIsoDate(asOfText);
  if (asOf === undefined || asOfText < "1980-01-01") {
    throw new InvalidArgumentError("asOfDate", "a calendar date yyyy-mm-dd from 1980-01-01", JSON.stringify(asOfText));
  }
  const prefix = options.loanIdPrefix ?? "L";
  if (!/^[A-Za-z0-9._-]{0,40}$/.test(prefix)) {
    throw new InvalidArgumentError(
      "loanIdPrefix",
      "0-40 characters from A-Z, a-z, 0-9, '.', '_', '-'",
      JSON.stringify(prefix),
    );
  }
  const { borrowerCount } = options;
  if (borrowerCount !== undefined && (!Number.isSafeInteger(borrowerCount) || borrowerCount < 1)) {
    throw new InvalidArgumentError("borrowerCount", "a whole number of borrowers, 1 or more", String(borrowerCount));
  }
  const borrowerKey = options.borrowerKey ?? defaultBorrowerKey(seed);
  checkSecretKey("borrowerKey", borrowerKey);

  const random = mulberry32(seed);
  for (let index = 0; index < count; index++) {
    const loanId = `${prefix}${String(index + 1).padStart(8, "0")}`;
    // Never depends on `count`, so that the first k records are the same whatever the count.
    const borrower =
      borrowerCount !== undefined
        ? random.int(1, borrowerCount)
        : index > 0 && random.chance(REPEAT_BORROWER_SHARE)
          ? random.int(1, index)
          : index + 1;
    const borrowerId = hmacSha256Hex(borrowerKey, `synthetic-borrower:${borrower}`);
    const loan = syntheticLoan(random, asOf, loanId, borrowerId);
    yield options.disclosure === true ? withSyntheticDisclosure(loan, seed) : loan;
  }
}

/** The default borrower key: SHA-256 of a fixed tag and the seed (synthetic data only, not a secret). */
function defaultBorrowerKey(seed: number): Uint8Array {
  return createHash("sha256").update(`abs.synthetic-borrower-key:${seed}`).digest();
}

function syntheticLoan(random: Prng, asOf: CalendarDate, loanId: string, borrowerId: string): LoanRecord {
  const productType = random.weighted(PRODUCT_WEIGHTS);
  const product = PRODUCTS[productType];
  const creditGrade = random.weighted(GRADE_WEIGHTS);
  const [minBps, maxBps] = SYNTHETIC_RATE_BPS[creditGrade];
  const rateWad = bpsToWad(random.int(minBps, maxBps));
  const termMonths = random.weighted(product.terms);
  const amortization = random.weighted(product.amortization);
  const paymentFrequency = random.weighted(product.frequency);
  const region = random.weighted(REGION_WEIGHTS);

  // Skewed toward small loans: the square of a uniform draw, in steps of 100 CNY.
  const [minYuan, maxYuan] = product.amountYuan;
  const steps = (maxYuan - minYuan) / 100;
  const amountYuan = minYuan + 100 * Math.floor(random.next() ** 2 * (steps + 1));
  const originalPrincipalCents = BigInt(amountYuan) * CENTS_PER_YUAN;

  // Seasoned 1 month to term - 1: originated on day 1-28 of a month, so the maturity day always exists.
  const ageMonths = random.int(1, termMonths - 1);
  const originated = addMonths({ year: asOf.year, month: asOf.month, day: random.int(1, 28) }, -ageMonths);
  const originationDate = formatIsoDate(originated);
  const maturityDate = formatIsoDate(addMonths(originated, termMonths));
  const remainingTermMonths = termMonths - ageMonths;

  const risk = GRADE_RISK[creditGrade];
  const status = random.weighted<LoanStatus>([
    ["current", 100 - 8.5 * risk],
    ["delinquent", 6 * risk],
    ["defaulted", 1.5 * risk],
    ["prepaid", 1],
    ["repurchased", 0.3],
  ]);
  const daysPastDue =
    status === "delinquent"
      ? random.weighted<readonly [number, number]>([
          [[1, 29], 60],
          [[30, 59], 25],
          [[60, 89], 15],
        ])
      : status === "defaulted"
        ? ([90, 360] as const)
        : ([0, 0] as const);
  const dpd = random.int(daysPastDue[0], daysPastDue[1]);

  const periodMonths = PAYMENT_PERIOD_MONTHS[paymentFrequency];
  const periods = termMonths / periodMonths;
  const missedPeriods = Math.ceil(dpd / (30 * periodMonths));
  const paidPeriods = Math.max(0, Math.floor(ageMonths / periodMonths) - missedPeriods);
  const currentPrincipalCents =
    status === "prepaid"
      ? 0n
      : scheduledBalance(originalPrincipalCents, rateWad, periodMonths, periods, paidPeriods, amortization);

  const collateralType = random.weighted(product.collateral);
  const [minPercent, maxPercent] = product.collateralPercent;
  const collateralPercent = random.int(minPercent, maxPercent);

  const record: LoanRecord = {
    loanId,
    borrowerId,
    originationDate,
    maturityDate,
    originalPrincipalCents,
    currentPrincipalCents,
    rateWad,
    termMonths,
    remainingTermMonths,
    amortization,
    paymentFrequency,
    status,
    daysPastDue: dpd,
    creditGrade,
    region,
    productType,
  };
  if (collateralType === undefined) return record;
  return {
    ...record,
    collateralType,
    collateralValueCents: mulDivDown(originalPrincipalCents, BigInt(collateralPercent), 100n),
  };
}

/**
 * Contractual balance after `paid` of `periods` payments, in cents rounded down, all in bigint:
 * level payment `P * (q^n - q^k) / (q^n - 1)` with `q = 1 + rate * periodMonths / 12` (wad);
 * equal principal `P * (n - k) / n`; interest-only and bullet repay nothing before maturity.
 */
function scheduledBalance(
  principal: bigint,
  rateWad: bigint,
  periodMonths: number,
  periods: number,
  paid: number,
  amortization: Amortization,
): bigint {
  const n = BigInt(periods);
  const k = BigInt(Math.min(paid, periods));
  const periodRate = mulDivDown(rateWad, BigInt(periodMonths), 12n);
  if (amortization === "interest-only" || amortization === "bullet") return principal;
  if (amortization === "equal-principal" || periodRate === 0n) return mulDivDown(principal, n - k, n);
  const growth = WAD + periodRate;
  const growthToN = wadPow(growth, periods);
  const growthToK = wadPow(growth, Math.min(paid, periods));
  return mulDivDown(principal, growthToN - growthToK, growthToN - WAD);
}

/** `base^exponent` for a wad base, by repeated multiplication rounded down (exponent <= 1200). */
function wadPow(base: bigint, exponent: number): bigint {
  let result = WAD;
  for (let i = 0; i < exponent; i++) result = wadMulDown(result, base);
  return result;
}

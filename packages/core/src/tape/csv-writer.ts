/**
 * Writing tapes as CSV in the template, UTF-8 or GBK, streaming with backpressure: a 1,000,000-loan tape
 * is never held in memory. Used for synthetic tapes (`abs tape generate`) and performance files.
 */
import { once } from "node:events";
import { type Writable } from "node:stream";
import iconv from "iconv-lite";
import { InvalidArgumentError } from "../errors";
import { type LoanRecord } from "../loan-record";
import { type TapeEncoding } from "./column-mapping";
import { syntheticPerson } from "./synthetic-people";
import {
  DISCLOSURE_TAPE_COLUMNS,
  PERSONAL_DATA_COLUMNS,
  TAPE_COLUMNS,
  recordToCells,
  recordToDisclosureCells,
} from "./template";

export interface CsvWriteOptions {
  /** Default "utf8". */
  readonly encoding?: TapeEncoding;
  /** Start with a UTF-8 byte order mark (as Excel writes). Default false; ignored for GBK. */
  readonly bom?: boolean;
  /** Default "\n". */
  readonly lineEnding?: "\n" | "\r\n";
  /** Called after each batch of rows with the number of rows written so far. */
  readonly onRows?: (rows: number) => void;
}

const ROWS_PER_WRITE = 512;

/** A cell as CSV: quoted (quotes doubled) if it holds a delimiter, a quote or a line break. */
export function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * A cell of a CSV export meant for people, who open it in a spreadsheet: as `csvCell`, and a text that a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return: the OWASP
 * CSV-injection rule) is prefixed with `'`, so it shows as text. Plain numbers (`-12.50`) are left as they are.
 * Not for tapes: a tape is data to be read back exactly, and its labels are checked on the way in.
 */
export function spreadsheetCell(cell: string): string {
  const formula = /^[=+\-@\t\r]/.test(cell) && !/^[+-]?\d+(\.\d+)?$/.test(cell);
  return csvCell(formula ? `'${cell}` : cell);
}

/**
 * Writes `header` then `rows` to `out` as CSV. Waits for `out` to drain when it asks to; does not end it.
 * Returns the number of rows (without the header) and bytes written.
 */
export async function writeCsv(
  header: readonly string[],
  rows: Iterable<readonly string[]>,
  out: Writable,
  options: CsvWriteOptions = {},
): Promise<{ readonly rows: number; readonly bytes: number }> {
  const encoding = options.encoding ?? "utf8";
  if (encoding !== "utf8" && encoding !== "gbk") {
    throw new InvalidArgumentError("encoding", 'one of "utf8", "gbk"', JSON.stringify(encoding));
  }
  const eol = options.lineEnding ?? "\n";
  const encode = (text: string): Buffer => (encoding === "gbk" ? iconv.encode(text, "gbk") : Buffer.from(text, "utf8"));
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    const chunk = encode(text);
    bytes += chunk.length;
    if (!out.write(chunk)) await once(out, "drain");
  };
  const bom = encoding === "utf8" && options.bom === true ? "\uFEFF" : "";
  await write(bom + header.map(csvCell).join(",") + eol);
  let count = 0;
  let batch: string[] = [];
  for (const row of rows) {
    batch.push(row.map(csvCell).join(","));
    count += 1;
    if (batch.length >= ROWS_PER_WRITE) {
      await write(batch.join(eol) + eol);
      batch = [];
      options.onRows?.(count);
    }
  }
  if (batch.length > 0) await write(batch.join(eol) + eol);
  options.onRows?.(count);
  return { rows: count, bytes };
}

/** Chinese names of the provinces the synthetic generator uses (pinyin -> Chinese). */
export const REGION_NAMES_ZH: Readonly<Record<string, string>> = {
  Guangdong: "广东",
  Jiangsu: "江苏",
  Zhejiang: "浙江",
  Shandong: "山东",
  Henan: "河南",
  Sichuan: "四川",
  Hubei: "湖北",
  Hunan: "湖南",
  Fujian: "福建",
  Shanghai: "上海",
  Beijing: "北京",
  Anhui: "安徽",
  Hebei: "河北",
  Shaanxi: "陕西",
  Jiangxi: "江西",
  Chongqing: "重庆",
  Liaoning: "辽宁",
  Yunnan: "云南",
  Guangxi: "广西",
  Shanxi: "山西",
  Guizhou: "贵州",
  Tianjin: "天津",
  Neimenggu: "内蒙古",
  Heilongjiang: "黑龙江",
  Jilin: "吉林",
  Xinjiang: "新疆",
  Gansu: "甘肃",
  Hainan: "海南",
  Ningxia: "宁夏",
  Qinghai: "青海",
  Xizang: "西藏",
};

export interface TapeCsvOptions extends CsvWriteOptions {
  /** Region names in "en" (pinyin, as generated) or "zh" (Chinese). Default "zh" for GBK, else "en". */
  readonly regionNames?: "en" | "zh";
  /**
   * Write synthetic personal data (national_id, phone, borrower_name) instead of borrower_id, as an
   * originator's raw export would: for demonstrating and testing pseudonymisation. Default false.
   */
  readonly personalData?: boolean;
  /** Also write the optional disclosure columns (`DISCLOSURE_TAPE_COLUMNS`), after the others. Default false. */
  readonly disclosure?: boolean;
}

/** The header `writeTapeCsv` writes. */
export function tapeCsvHeader(personalData: boolean, disclosure = false): string[] {
  const base = personalData ? [TAPE_COLUMNS[0], ...PERSONAL_DATA_COLUMNS, ...TAPE_COLUMNS.slice(2)] : [...TAPE_COLUMNS];
  return disclosure ? [...base, ...DISCLOSURE_TAPE_COLUMNS] : base;
}

/** Writes loan records as a template CSV tape; see `TapeCsvOptions`. Does not end `out`. */
export async function writeTapeCsv(
  records: Iterable<LoanRecord>,
  out: Writable,
  options: TapeCsvOptions = {},
): Promise<{ readonly rows: number; readonly bytes: number }> {
  const zh = (options.regionNames ?? (options.encoding === "gbk" ? "zh" : "en")) === "zh";
  const regionName = (region: string): string => (zh ? (REGION_NAMES_ZH[region] ?? region) : region);
  const personalData = options.personalData === true;
  const disclosure = options.disclosure === true;
  function* rows(): Generator<string[]> {
    for (const record of records) {
      const base = recordToCells(record, regionName);
      const cells = disclosure ? [...base, ...recordToDisclosureCells(record)] : base;
      if (!personalData) {
        yield cells;
        continue;
      }
      const person = syntheticPerson(record.borrowerId);
      yield [record.loanId, person.nationalId, person.phone, person.name, ...cells.slice(2)];
    }
  }
  return writeCsv(tapeCsvHeader(personalData, disclosure), rows(), out, options);
}

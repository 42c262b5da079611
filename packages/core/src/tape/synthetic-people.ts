/**
 * Synthetic personal data for synthetic tapes: a Chinese name, an 18-character national id and a phone
 * number per borrower, derived deterministically from the synthetic borrower id, so that a borrower with
 * several loans has the same identity in each.
 *
 * None of it can belong to a real person: national ids use area code 99xxxx, which no region has, and
 * phones start with 100, which is no mobile prefix. It exists to exercise pseudonymisation end to end.
 */
import { createHash } from "node:crypto";

export interface SyntheticPerson {
  readonly name: string;
  readonly nationalId: string;
  readonly phone: string;
}

const SURNAMES = [
  "王",
  "李",
  "张",
  "刘",
  "陈",
  "杨",
  "黄",
  "赵",
  "吴",
  "周",
  "徐",
  "孙",
  "马",
  "朱",
  "胡",
  "郭",
  "何",
  "林",
  "高",
  "罗",
];
const GIVEN = [
  "伟",
  "芳",
  "娜",
  "敏",
  "静",
  "丽",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "艳",
  "杰",
  "娟",
  "涛",
  "明",
  "超",
  "秀",
  "霞",
  "平",
  "刚",
  "桂",
  "英",
  "华",
];

/** ISO 7064 MOD 11-2 check character of the first 17 digits of a national id. */
export function nationalIdCheckCharacter(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i] ?? "0") * (weights[i] ?? 0);
  return "10X98765432"[sum % 11] ?? "0";
}

/** The synthetic person behind a synthetic borrower id. */
export function syntheticPerson(borrowerId: string): SyntheticPerson {
  const digest = createHash("sha256").update(`abs.synthetic-person:${borrowerId}`).digest();
  const byte = (i: number): number => digest[i] ?? 0;
  const word = (i: number): number => digest.readUInt32BE(i);
  const given = GIVEN[byte(1) % GIVEN.length] ?? "";
  const second = byte(2) % 3 === 0 ? "" : (GIVEN[byte(3) % GIVEN.length] ?? "");
  const name = `${SURNAMES[byte(0) % SURNAMES.length] ?? ""}${given}${second}`;
  const area = `99${String(word(4) % 10_000).padStart(4, "0")}`;
  const year = 1960 + (byte(8) % 41);
  const month = 1 + (byte(9) % 12);
  const day = 1 + (byte(10) % 28);
  const sequence = String(word(12) % 1000).padStart(3, "0");
  const first17 = `${area}${year}${String(month).padStart(2, "0")}${String(day).padStart(2, "0")}${sequence}`;
  const phone = `100${String(word(16) % 100_000_000).padStart(8, "0")}`;
  return { name, nationalId: `${first17}${nationalIdCheckCharacter(first17)}`, phone };
}

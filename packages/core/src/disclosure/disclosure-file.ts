/**
 * A disclosure file: the template's records as XML, the facts they were built from (the deal, the period, the
 * tape version and the roots they were checked against) and the data-quality figures, in one document whose hash
 * the reporting entity anchors on chain.
 *
 * Layout (one record per line, so a reader can stream it):
 * ```xml
 * <?xml version="1.0" encoding="UTF-8"?>
 * <AbsDisclosure template="esma-annex6" deal="ACME" period="3" ...>
 * <DataQuality records="2000" cells="138000" populated="..." notApplicable="..." checks="..." checksPassed="..." scoreBps="..."/>
 * <UndrlygXpsr><CMRL1>...</CMRL1>...<CMRL69>CN</CMRL69></UndrlygXpsr>
 * </AbsDisclosure>
 * ```
 * Each record's children are the template's fields in published order, named by their field codes; a no-data
 * code is written as the field's text (`<CMRL12>ND1</CMRL12>`), an absent cell (Regulation AB) is left out.
 *
 * Data quality, over every cell of every record:
 * - completeness = populated cells / applicable cells (cells not marked ND5, not applicable);
 * - validity = checks passed / checks run, where the checks are: every populated cell in its field's format;
 *   no no-data code where the field does not allow it; the template's checks between the cells of a record;
 * - score (basis points) = floor(10,000 x completeness x validity).
 */
import { parseIsoDate } from "../iso-date";
import { type Cell, cellText, type FieldFormat, type FieldSpec, isPopulated } from "./cells";
import { cellsByCode, type RowCheck } from "./template";

/** The facts a file states about itself (attributes of its root element). */
export type DisclosureHeader = Readonly<Record<string, string>>;

export interface DataQuality {
  readonly records: number;
  readonly cells: number;
  readonly populated: number;
  readonly notApplicable: number;
  readonly checks: number;
  readonly checksPassed: number;
  readonly scoreBps: number;
  /** The failed checks by name, with how many records failed each (not written to the file). */
  readonly failures: ReadonlyMap<string, number>;
}

const FORMAT: Readonly<Record<FieldFormat, RegExp>> = {
  ALPHANUM: /^[^\p{Cc}]{1,1000}$/u,
  DATE: /^(\d{4}-\d{2}-\d{2}|\d{2}\/\d{2}\/\d{4})$/,
  MONETARY: /^-?\d{1,18}\.\d{2}$/,
  PERCENTAGE: /^-?\d{1,11}(\.\d{1,10})?$/,
  INTEGER: /^\d{1,9}$/,
  LIST: /^[A-Za-z0-9]{1,8}$/,
  "Y/N": /^(Y|N|true|false)$/,
  CURRENCY: /^[A-Z]{3}$/,
  COUNTRY: /^[A-Z]{2}$/,
  NUTS: /^[A-Z]{2}[A-Z0-9]{0,3}$/,
  YEAR: /^\d{4}$/,
};

/** Whether `text` is in `format` (dates must also be real calendar dates). */
export function inFormat(format: FieldFormat, text: string): boolean {
  if (!FORMAT[format].test(text)) return false;
  if (format !== "DATE") return true;
  const iso = text.includes("/") ? `${text.slice(6)}-${text.slice(0, 2)}-${text.slice(3, 5)}` : text;
  return parseIsoDate(iso) !== undefined;
}

/** Counts a template's data quality record by record. */
export class DataQualityCounter {
  private records = 0;
  private cells = 0;
  private populated = 0;
  private notApplicable = 0;
  private checks = 0;
  private checksPassed = 0;
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly fields: readonly FieldSpec[],
    private readonly rowChecks: readonly RowCheck[],
  ) {}

  add(row: readonly Cell[]): void {
    this.records += 1;
    row.forEach((cell, i) => {
      const spec = this.fields[i];
      if (spec === undefined) return;
      this.cells += 1;
      if (isPopulated(cell)) {
        this.populated += 1;
        this.count(`${spec.code} in its format (${spec.format})`, inFormat(spec.format, cellText(cell) ?? ""));
      } else if ("nd" in cell) {
        if (cell.nd === "ND5") this.notApplicable += 1;
        const allowed = cell.nd === "ND5" ? spec.nd5 : spec.nd14;
        this.count(`${spec.code} may be ${cell.nd}`, allowed);
      }
    });
    const byCode = cellsByCode(this.fields, row.map(cellText));
    for (const check of this.rowChecks) {
      const passed = check.test(byCode);
      if (passed !== undefined) this.count(check.name, passed);
    }
  }

  result(): DataQuality {
    const { records, cells, populated, notApplicable, checks, checksPassed } = this;
    return scored({ records, cells, populated, notApplicable, checks, checksPassed }, new Map(this.failures));
  }

  /** Counts one check by name: a cell's, a record's, or one over a whole section. */
  count(name: string, passed: boolean): void {
    this.checks += 1;
    if (passed) this.checksPassed += 1;
    else this.failures.set(name, (this.failures.get(name) ?? 0) + 1);
  }
}

type Counts = Omit<DataQuality, "scoreBps" | "failures">;

/** The counts with their score: floor(10,000 x completeness x validity), each 1 when there is nothing to count. */
function scored(counts: Counts, failures: ReadonlyMap<string, number>): DataQuality {
  const applicable = counts.cells - counts.notApplicable;
  const completeness = applicable === 0 ? 1 : counts.populated / applicable;
  const validity = counts.checks === 0 ? 1 : counts.checksPassed / counts.checks;
  return { ...counts, scoreBps: Math.floor(10_000 * completeness * validity), failures };
}

/** The figures of several sections counted apart, as one file's (the score recomputed from the sums). */
export function combinedQuality(parts: readonly DataQuality[]): DataQuality {
  const total = (key: keyof Counts) => parts.reduce((sum, part) => sum + part[key], 0);
  const failures = new Map<string, number>();
  for (const part of parts) for (const [name, n] of part.failures) failures.set(name, (failures.get(name) ?? 0) + n);
  const counts: Counts = {
    records: total("records"),
    cells: total("cells"),
    populated: total("populated"),
    notApplicable: total("notApplicable"),
    checks: total("checks"),
    checksPassed: total("checksPassed"),
  };
  return scored(counts, failures);
}

// Line breaks are escaped too: a record (and the root element) stays on one line whatever a name holds.
const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\n": "&#10;",
  "\r": "&#13;",
};
const UNESCAPES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  "#10": "\n",
  "#13": "\r",
};

function escapeXml(text: string): string {
  return text.replace(/[&<>"\n\r]/g, (c) => ESCAPES[c] ?? c);
}

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#10|#13);/g, (_, name: string) => UNESCAPES[name] ?? "");
}

export const DISCLOSURE_ROOT = "AbsDisclosure";
const NAME = /^[A-Za-z][A-Za-z0-9]*$/;

/** The file's first lines: the XML declaration and the root element with the header as attributes. */
export function disclosureOpening(header: DisclosureHeader): string {
  const attributes = Object.entries(header).map(([name, text]) => {
    if (!NAME.test(name)) throw new Error(`not an attribute name: ${JSON.stringify(name)}`);
    return ` ${name}="${escapeXml(text)}"`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${DISCLOSURE_ROOT}${attributes.join("")}>\n`;
}

/** The data-quality line. */
export function dataQualityLine(quality: DataQuality): string {
  const { records, cells, populated, notApplicable, checks, checksPassed, scoreBps } = quality;
  return `<DataQuality records="${records}" cells="${cells}" populated="${populated}" notApplicable="${notApplicable}" checks="${checks}" checksPassed="${checksPassed}" scoreBps="${scoreBps}"/>\n`;
}

/** One record's line: its cells as children named by field code, absent cells left out. */
export function recordLine(element: string, fields: readonly FieldSpec[], row: readonly Cell[]): string {
  const children = row.map((cell, i) => {
    const text = cellText(cell);
    const code = fields[i]?.code ?? "";
    return text === undefined ? "" : `<${code}>${escapeXml(text)}</${code}>`;
  });
  return `<${element}>${children.join("")}</${element}>\n`;
}

export const DISCLOSURE_CLOSING = `</${DISCLOSURE_ROOT}>\n`;

/** A disclosure file read back. */
export interface ParsedDisclosure {
  readonly header: DisclosureHeader;
  readonly quality: Readonly<Record<string, string>>;
  /** Each record's children by field code, in file order, keyed by `element`. */
  readonly records: readonly { readonly element: string; readonly cells: ReadonlyMap<string, string> }[];
}

export class DisclosureFileError extends Error {
  constructor(
    readonly line: number,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`disclosure file, line ${line}: expected ${expected}, found ${found}`);
    this.name = "DisclosureFileError";
  }
}

const ATTRIBUTE = /\s([A-Za-z][A-Za-z0-9]*)="([^"<]*)"/g;
const RECORD = /^<([A-Za-z][A-Za-z0-9]*)>(.*)<\/\1>$/;
const CHILD = /<([A-Za-z][A-Za-z0-9]*)>([^<]*)<\/\1>/gy;

function attributesOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, name = "", raw = ""] of text.matchAll(ATTRIBUTE)) out[name] = unescapeXml(raw);
  return out;
}

function describe(line: string): string {
  return line.length > 60 ? `${JSON.stringify(line.slice(0, 60))}...` : JSON.stringify(line);
}

/** Reads a file written by this module (the layout above); throws `DisclosureFileError` at the first line that is not. */
export function parseDisclosure(text: string): ParsedDisclosure {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const expect = (index: number, ok: boolean, expected: string) => {
    if (!ok) throw new DisclosureFileError(index + 1, expected, describe(lines[index] ?? "(end of file)"));
  };
  expect(0, lines[0] === '<?xml version="1.0" encoding="UTF-8"?>', "the XML declaration");
  const root = lines[1] ?? "";
  expect(1, root.startsWith(`<${DISCLOSURE_ROOT}`) && root.endsWith(">"), `the <${DISCLOSURE_ROOT}> element`);
  const quality = lines[2] ?? "";
  expect(2, quality.startsWith("<DataQuality ") && quality.endsWith("/>"), "the <DataQuality/> element");
  expect(lines.length - 1, lines.at(-1) === DISCLOSURE_CLOSING.trim(), `the closing </${DISCLOSURE_ROOT}>`);
  const records: { element: string; cells: Map<string, string> }[] = [];
  for (let index = 3; index < lines.length - 1; index += 1) {
    const match = RECORD.exec(lines[index] ?? "");
    expect(index, match !== null, "a record on one line: <Element><Code>text</Code>...</Element>");
    const [, element = "", body = ""] = match ?? [];
    const cells = new Map<string, string>();
    CHILD.lastIndex = 0;
    let consumed = 0;
    for (let child = CHILD.exec(body); child !== null; child = CHILD.exec(body)) {
      const [all, code = "", raw = ""] = child;
      expect(index, !cells.has(code), `field ${code} once per record`);
      cells.set(code, unescapeXml(raw));
      consumed += all.length;
    }
    expect(index, consumed === body.length, "only <Code>text</Code> children in a record");
    records.push({ element, cells });
  }
  return {
    header: attributesOf(root.slice(DISCLOSURE_ROOT.length + 1, -1)),
    quality: attributesOf(quality.slice("<DataQuality".length, -2)),
    records,
  };
}

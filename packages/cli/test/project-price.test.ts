/**
 * `abs project` and `abs price`, run as a separate process the way an analyst runs them: SIFMA's published
 * examples reproduced through the command (Cash Flow A month 1, the cumulative default matrix, the SF-49/51
 * yield table), a deal paid out through its waterfall, and bad input refused with what, where and what was found.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { abs, BIN, temporaryDirectory } from "./helpers";

const FIXTURES = join(__dirname, "..", "..", "..", "test", "e2e", "fixtures");
const DEAL = join(FIXTURES, "deal-acme.yaml");
const PAC_DEAL = join(FIXTURES, "deal-acme-pac.yaml");
const ACME = join(FIXTURES, "projection-acme.yaml");

describe("abs project / abs price (spawned)", function () {
  this.timeout(120_000);
  const dir = temporaryDirectory();
  after(() => dir.remove());

  const write = (name: string, content: unknown): string => {
    const path = join(dir.path, name);
    writeFileSync(path, typeof content === "string" ? content : stringify(content));
    return path;
  };

  /** SIFMA's $100m, 8% WAC, 30-year pool with 12 months to liquidation and 20% severity. */
  const sifmaPool = (assumptions: Record<string, unknown>) => ({
    assumptions: { severity: "0.20", monthsToLiquidation: 12, advancing: "principalAndInterest", ...assumptions },
    pool: [{ name: "sf", balance: "100000000.00", grossCoupon: "0.08", netCoupon: "0.08", originalTerm: 360, age: 0 }],
  });

  it("Cash Flow A through the command: month 1 prepays 999,329.02 and defaults 1,000,000.00 (SF-23)", () => {
    const file = write(
      "cash-flow-a.yaml",
      sifmaPool({ prepayment: { type: "SMM", value: 1 }, default: { type: "MDR", value: 1 } }),
    );
    const run = abs(dir.path, "project", file, "--csv");
    expect(run.stderr).to.equal("");
    expect(run.status).to.equal(0);
    const [header, month1] = run.stdout.trim().split("\n");
    const cells = Object.fromEntries((header ?? "").split(",").map((name, i) => [name, month1?.split(",")[i]]));
    expect(cells.prepaid_principal).to.equal("999329.02");
    expect(cells.new_defaults).to.equal("1000000.00");
    // P&I advanced: investors receive the expected amortization, 100m x (1 - BAL1/BAL0) = 67,097.91.
    expect(cells.scheduled_principal).to.equal("67097.91");
    expect(cells.interest).to.equal("666666.67");
  });

  it("a reader that stops early (abs project ... | head -1) gets its line; abs ends normally, no EPIPE trace", () => {
    const file = write(
      "pipe.yaml",
      sifmaPool({ prepayment: { type: "PSA", value: 150 }, default: { type: "CDR", value: 0 } }),
    );
    // The shell's pipe, with a reader that closes it after the first line of a 360-month table.
    const script = `"${process.execPath}" "${BIN}" project "${file}" --csv | head -1; echo "abs=\${PIPESTATUS[0]}" >&2`;
    const run = spawnSync("bash", ["-c", script], { cwd: dir.path, encoding: "utf8", timeout: 120_000 });
    expect(run.stdout.trim().split("\n")).to.have.length(1);
    expect(run.stdout).to.match(/^month,/);
    expect(run.stderr).to.not.match(/EPIPE|Unhandled/);
    expect(run.stderr.trim()).to.equal("abs=0");
  });

  it("the cumulative default matrix through --grid (SF-22: PSA rows x SDA columns)", () => {
    const published: Record<number, string[]> = {
      100: ["1.56", "3.09", "4.59", "6.08", "7.53", "8.97"],
      150: ["1.40", "2.78", "4.13", "5.47", "6.79", "8.08"],
      200: ["1.26", "2.51", "3.74", "4.95", "6.14", "7.32"],
      300: ["1.05", "2.08", "3.10", "4.11", "5.10", "6.08"],
    };
    const file = write("matrix.yaml", {
      ...sifmaPool({ prepayment: { type: "PSA", value: 100 }, default: { type: "SDA", value: 100 } }),
      grid: {
        prepayment: { type: "PSA", values: [100, 150, 200, 300] },
        default: { type: "SDA", values: [50, 100, 150, 200, 250, 300] },
      },
    });
    const run = abs(dir.path, "project", file, "--grid", "--json");
    expect(run.status, run.stderr).to.equal(0);
    const rows = JSON.parse(run.stdout) as {
      prepayment: { percent: number };
      default: { percent: number };
      pool: { defaultsPercent: number };
    }[];
    expect(rows).to.have.length(24);
    for (const row of rows) {
      const column = [50, 100, 150, 200, 250, 300].indexOf(row.default.percent);
      expect(row.pool.defaultsPercent.toFixed(2), `${row.prepayment.percent} PSA, ${row.default.percent} SDA`).to.equal(
        published[row.prepayment.percent]?.[column],
      );
    }
  });

  describe("the SF-49..51 yield table (Ginnie Mae I 9.0%, 150% PSA, 14-day delay)", () => {
    const gnma = () =>
      write("gnma.yaml", {
        assumptions: {
          prepayment: { type: "PSA", value: 150 },
          default: { type: "MDR", value: 0 },
          severity: "0",
          monthsToLiquidation: 0,
          advancing: "none",
        },
        pool: [
          { name: "gnma", balance: "100000000.00", grossCoupon: "0.095", netCoupon: "0.09", originalTerm: 360, age: 0 },
        ],
      });

    it("at 100 on the issue date: 9.10675% yield, 8.93863% mortgage yield, 9.77844 AL, 5.73147 / 5.48186 duration, 0.544326 convexity", () => {
      const run = abs(dir.path, "price", gnma(), "--price", "100", "--delay-days", "14", "--json");
      expect(run.status, run.stderr).to.equal(0);
      const figures = JSON.parse(run.stdout) as Record<string, number>;
      expect(figures.yieldPercent?.toFixed(5)).to.equal("9.10675");
      expect(figures.mortgageYieldPercent?.toFixed(5)).to.equal("8.93863");
      expect(figures.averageLifeYears?.toFixed(5)).to.equal("9.77844");
      expect(figures.macaulayDurationYears?.toFixed(5)).to.equal("5.73147");
      expect(figures.modifiedDurationYears?.toFixed(5)).to.equal("5.48186");
      expect(figures.convexity?.toFixed(6)).to.equal("0.544326");
    });

    it("settled 7 days later at 100 clean: full price 100.1750 and 9.10644%", () => {
      const run = abs(dir.path, "price", gnma(), "--price", "100", "--delay-days", "14", "--settle-day", "7", "--json");
      expect(run.status, run.stderr).to.equal(0);
      const figures = JSON.parse(run.stdout) as Record<string, number>;
      expect(figures.fullPrice?.toFixed(4)).to.equal("100.1750");
      expect(figures.yieldPercent?.toFixed(5)).to.equal("9.10644");
    });

    it("the SF-49 holding-period example: three months at 8% reinvestment, sold at the yield: PT 102.2502", () => {
      const run = abs(
        dir.path,
        "price",
        gnma(),
        "--price",
        "100",
        "--delay-days",
        "14",
        "--horizon-months",
        "3",
        "--sale-yield",
        "9.10675",
        "--reinvest",
        "8",
        "--json",
      );
      expect(run.status, run.stderr).to.equal(0);
      const figures = JSON.parse(run.stdout) as Record<string, number>;
      expect(figures.terminalValue?.toFixed(4)).to.equal("102.2502");
      expect(figures.totalReturnBondEquivalentPercent?.toFixed(3)).to.equal("9.102");
      expect(figures.totalReturnPercent?.toFixed(3)).to.equal("2.250");
    });

    it("price at a yield is the inverse of yield at a price, and prints a table for people", () => {
      const run = abs(dir.path, "price", gnma(), "--yield", "9.10675", "--delay-days", "14");
      expect(run.status, run.stderr).to.equal(0);
      // 9.10675% is the published yield rounded: it prices back to 100 within 1e-5.
      expect(run.stdout).to.match(/clean price\s+(99\.99999|100\.00000)/);
      expect(run.stdout).to.match(/average life \(years\)\s+9\.77844/);
    });
  });

  it("pays the pool through a PAC/Z deal file: A to its band schedule from month 1, AIO on its balance, Z accreting then paid after B", () => {
    const run = abs(dir.path, "project", ACME, "--deal", PAC_DEAL, "--json");
    expect(run.status, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout) as {
      classes: {
        class: string;
        faceCents: string;
        principalPaidCents: string;
        interestPaidCents: string;
        lossCents: string;
        principalWindow: [number, number];
        months: { month: number; balanceCents: string; principalPaidCents: string }[];
      }[];
    };
    const [a, aio, b, z] = result.classes;
    expect(result.classes.map((c) => c.class)).to.deep.equal(["A", "AIO", "B", "Z", "S"]);
    expect(a?.principalWindow[0]).to.equal(1);
    // AIO strips 0.50% a year off A's balance: no principal, a sixth of A's 3% interest (less each month's rounding).
    expect(aio?.principalPaidCents).to.equal("0");
    const aInterest = BigInt(a?.interestPaidCents ?? "0");
    const stripped = 6n * BigInt(aio?.interestPaidCents ?? "0");
    const months = BigInt(aio?.months.length ?? 0);
    expect(
      stripped > 0n && aInterest >= stripped && aInterest - stripped <= 6n * months,
      `${aInterest} vs ${stripped}`,
    ).to.equal(true);
    // Z accretes while A and B are outstanding: its balance grows, it is paid only after B, more than its face.
    const zMonths = z?.months ?? [];
    expect(BigInt(zMonths[0]?.balanceCents ?? "0") > BigInt(z?.faceCents ?? "0")).to.equal(true);
    expect((z?.principalWindow[0] ?? 0) >= (b?.principalWindow[1] ?? Infinity)).to.equal(true);
    expect(BigInt(z?.principalPaidCents ?? "0") > BigInt(z?.faceCents ?? "0")).to.equal(true);
    // A is never written down and is retired first.
    expect(a?.lossCents).to.equal("0");
    expect((a?.principalWindow[1] ?? Infinity) < (b?.principalWindow[1] ?? 0)).to.equal(true);
  });

  it("pays a two-tier pool through the deal's waterfall: every class is paid or written down to the cent", () => {
    const run = abs(dir.path, "project", ACME, "--deal", DEAL, "--json");
    expect(run.status, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout) as {
      summary: { balanceCents: string };
      months: {
        endingBalanceCents: string;
        beginningBalanceCents: string;
        newDefaultsCents: string;
        scheduledPrincipalCents: string;
        prepaidPrincipalCents: string;
      }[];
      classes: {
        class: string;
        faceCents: string;
        principalPaidCents: string;
        lossCents: string;
        months: { balanceCents: string }[];
      }[];
      tiers: { name: string }[];
    };
    expect(result.tiers.map((t) => t.name)).to.deep.equal(["grade A", "grade B"]);
    expect(result.summary.balanceCents).to.equal("100000000");
    for (const month of result.months) {
      const outflow =
        BigInt(month.newDefaultsCents) + BigInt(month.scheduledPrincipalCents) + BigInt(month.prepaidPrincipalCents);
      expect(BigInt(month.beginningBalanceCents) - outflow).to.equal(BigInt(month.endingBalanceCents));
    }
    expect(result.months[result.months.length - 1]?.endingBalanceCents).to.equal("0");
    expect(result.classes.map((c) => c.class)).to.deep.equal(["A", "B", "S"]);
    for (const tranche of result.classes) {
      const last = tranche.months[tranche.months.length - 1];
      expect(
        BigInt(tranche.principalPaidCents) + BigInt(tranche.lossCents) + BigInt(last?.balanceCents ?? "0"),
      ).to.equal(BigInt(tranche.faceCents), `class ${tranche.class}`);
    }
  });

  it("prices a class of the deal and its effective measures", () => {
    const run = abs(
      dir.path,
      "price",
      ACME,
      "--price",
      "100",
      "--deal",
      DEAL,
      "--class",
      "A",
      "--effective",
      "12,5",
      "--json",
    );
    expect(run.status, run.stderr).to.equal(0);
    const figures = JSON.parse(run.stdout) as Record<string, number | string>;
    expect(figures.instrument).to.equal("class A");
    expect(figures.yieldPercent).to.be.a("number").within(2, 5);
    expect(figures.effectiveDurationYears).to.be.a("number").above(0);
  });

  describe("risk tiers from a loan tape (--tape)", () => {
    const tiersFile = () =>
      write("tiers.yaml", {
        startDate: "2027-01-01",
        assumptions: {
          prepayment: { type: "CPR", value: 8 },
          default: { type: "CDR", value: 2 },
          severity: "0.45",
          monthsToLiquidation: 6,
          advancing: "none",
        },
        tiers: {
          by: ["grade"],
          servicingFee: "0.005",
          rules: [{ match: { grade: "C" }, assumptions: { default: { type: "CDR", value: 8 } } }],
        },
      });
    const tape = () => {
      const path = join(dir.path, "tape.csv");
      const run = abs(dir.path, "tape", "generate", "--loans", "1500", "--out", path, "--seed", "9");
      expect(run.status, run.stderr).to.equal(0);
      return path;
    };

    it("groups the tape's loans by grade, one rep line each, every performing cent in a tier", () => {
      const tapeFile = tape();
      const validated = abs(dir.path, "tape", "validate", tapeFile, "--json");
      const totalCents = BigInt(
        (JSON.parse(validated.stdout) as { summary: { totalPrincipalCents: string } }).summary.totalPrincipalCents,
      );
      const run = abs(dir.path, "project", tiersFile(), "--tape", tapeFile, "--json");
      expect(run.status, run.stderr).to.equal(0);
      const result = JSON.parse(run.stdout) as {
        summary: { balanceCents: string };
        tiers: { name: string; balance: number; defaultsPercent: number }[];
      };
      expect(result.tiers.map((tier) => tier.name).sort()).to.deep.equal([
        "grade=A",
        "grade=B",
        "grade=C",
        "grade=D",
        "grade=E",
      ]);
      expect(BigInt(result.summary.balanceCents) <= totalCents).to.equal(true);
      // The rule gives grade C four times the default rate of the others.
      const byName = new Map(result.tiers.map((tier) => [tier.name, tier]));
      expect(byName.get("grade=C")?.defaultsPercent).to.be.above(3 * (byName.get("grade=A")?.defaultsPercent ?? 0));
    });

    it("says what it left out, and prices the tiered pool", () => {
      const tapeFile = tape();
      const run = abs(dir.path, "project", tiersFile(), "--tape", tapeFile);
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stderr).to.match(/5 tiers; \d+ loans left out \(not performing or no balance/);
      const priced = abs(dir.path, "price", tiersFile(), "--tape", tapeFile, "--price", "100", "--json");
      expect(priced.status, priced.stderr).to.equal(0);
      expect((JSON.parse(priced.stdout) as { yieldPercent: number }).yieldPercent).to.be.within(5, 20);
    });

    it("refuses an invalid tape with its rows, and tiers without a tape", () => {
      const bad = write("bad-tape.csv", "loan_id,borrower_id\nL1,0x00\n");
      const run = abs(dir.path, "project", tiersFile(), "--tape", bad);
      expect(run.status).to.equal(1);
      expect(run.stderr).to.match(/The tape .* is invalid/);
      const noTape = abs(dir.path, "project", tiersFile());
      expect(noTape.status).to.equal(2);
      expect(noTape.stderr).to.match(/tiers: section needs a loan tape: add --tape FILE/);
    });
  });

  describe("MathWorks' published worked examples through the commands", () => {
    const noDefaults = { default: { type: "MDR", value: 0 }, severity: "0", monthsToLiquidation: 0, advancing: "none" };

    it("cmosched's 300-525 PSA schedule: the PAC of abs project at 300 PSA holds it month by month (40 months printed)", () => {
      const file = write("cmosched.yaml", {
        assumptions: { prepayment: { type: "PSA", value: 300 }, ...noDefaults },
        pool: [
          {
            name: "collateral",
            balance: "128687000.00",
            grossCoupon: "0.0648",
            netCoupon: "0.0648",
            originalTerm: 360,
            age: 35,
          },
        ],
        structure: {
          pacBand: { low: 300, high: 525 },
          classes: [
            { name: "PAC", type: "pac", face: "100250000.00", coupon: "0.0648" },
            { name: "SUP", type: "support", face: "28437000.00", coupon: "0.0648" },
          ],
        },
      });
      const run = abs(dir.path, "project", file, "--json");
      expect(run.status, run.stderr).to.equal(0);
      const result = JSON.parse(run.stdout) as {
        classes: { class: string; months: { balanceCents: string }[] }[];
        pacShortfallMonths: number[];
      };
      expect(result.pacShortfallMonths).to.deep.equal([]);
      // BalanceSchedule (x 10^7) as the cmosched example prints it.
      const published =
        "9.7996 9.5780 9.3602 9.1461 8.9357 8.7289 8.5257 8.3259 8.1296 7.9366 7.7469 7.5605 7.3773 7.1972 7.0202 " +
        "6.8463 6.6754 6.5073 6.3422 6.1799 6.0204 5.8637 5.7096 5.5582 5.4094 5.2632 5.1194 4.9782 4.8394 4.7030 " +
        "4.5689 4.4372 4.3077 4.1804 4.0554 3.9325 3.8118 3.6931 3.5765 3.4619";
      const pac = result.classes[0]?.months.slice(0, 40) ?? [];
      expect(pac.map((m) => (Number(m.balanceCents) / 1e9).toFixed(4))).to.deep.equal(published.split(" "));
    });

    it("mbswal's pass-through priced by abs price: mbswal, mbsyield, mbsdurp and mbsconvp's published figures", () => {
      // Issued 2000-01-01, maturing 2030-01-01, settled 2002-04-15 (27 months old, 14 days into the month), a
      // 14-day delay, 100 PSA; a $10bn balance keeps the projection's cents far below the printed digits.
      const file = write("mbswal.yaml", {
        assumptions: { prepayment: { type: "PSA", value: 100 }, ...noDefaults },
        pool: [
          {
            name: "gnma",
            balance: "10000000000.00",
            grossCoupon: "0.08125",
            netCoupon: "0.075",
            originalTerm: 360,
            age: 27,
          },
        ],
      });
      const price = (clean: string) => {
        const run = abs(
          dir.path,
          "price",
          file,
          "--price",
          clean,
          "--delay-days",
          "14",
          "--settle-day",
          "14",
          "--json",
        );
        expect(run.status, run.stderr).to.equal(0);
        return JSON.parse(run.stdout) as Record<string, number>;
      };
      const at4 = (value: number | undefined) => value?.toFixed(4);
      const at101 = price("101");
      expect(at4(at101["averageLifeYears"])).to.equal("10.5477");
      // MathWorks' yields are mortgage yields; its convexity is the chapter's cash-flow convexity x 100.
      expect(at101["mortgageYieldPercent"]?.toFixed(6)).to.equal("7.298413");
      expect([at4(at101["macaulayDurationYears"]), at4(at101["modifiedDurationYears"])]).to.deep.equal([
        "6.4380",
        "6.2080",
      ]);
      expect(at4(100 * (at101["convexity"] ?? 0))).to.equal("71.6299");
      const at102 = price("102");
      expect([at4((at102["mortgageYieldPercent"] ?? 0) / 100), at4((at102["yieldPercent"] ?? 0) / 100)]).to.deep.equal([
        "0.0715",
        "0.0725",
      ]);
    });
  });

  describe("a CMO structure in the projection file (PAC/support, Z, IO)", () => {
    const cmo = (classes: unknown[], band: unknown = { low: 90, high: 300 }, psa = 165) =>
      write("cmo.yaml", {
        assumptions: {
          prepayment: { type: "PSA", value: psa },
          default: { type: "MDR", value: 0 },
          severity: "0",
          monthsToLiquidation: 0,
          advancing: "none",
        },
        pool: [
          {
            name: "collateral",
            balance: "400000000.00",
            grossCoupon: "0.08125",
            netCoupon: "0.075",
            originalTerm: 360,
            age: 3,
          },
        ],
        structure: { pacBand: band, classes },
      });
    const classes = [
      { name: "P", type: "pac", face: "240000000.00", coupon: "0.07" },
      { name: "S", type: "support", face: "100000000.00", coupon: "0.075" },
      { name: "Z", type: "z", face: "60000000.00", coupon: "0.075" },
      { name: "X", type: "io", coupon: "0.005", notionalOf: "P" },
    ];

    it("pays every class off, the PAC on schedule inside its band and short of it below", () => {
      const inBand = abs(dir.path, "project", cmo(classes), "--json");
      expect(inBand.status, inBand.stderr).to.equal(0);
      const result = JSON.parse(inBand.stdout) as {
        classes: { class: string; faceCents: string; principalPaidCents: string; months: { balanceCents: string }[] }[];
        pacShortfallMonths: number[];
      };
      expect(result.classes.map((c) => c.class)).to.deep.equal(["P", "S", "Z", "X"]);
      expect(result.pacShortfallMonths).to.deep.equal([]);
      for (const c of result.classes) expect(c.months[c.months.length - 1]?.balanceCents, c.class).to.equal("0");
      expect(
        BigInt(result.classes[2]?.principalPaidCents ?? "0") > BigInt(result.classes[2]?.faceCents ?? "0"),
      ).to.equal(true);
      const slow = abs(dir.path, "project", cmo(classes, { low: 90, high: 300 }, 40), "--json");
      expect((JSON.parse(slow.stdout) as { pacShortfallMonths: number[] }).pacShortfallMonths.length).to.be.above(0);
    });

    it("prices the IO per 100 of its notional", () => {
      const run = abs(dir.path, "price", cmo(classes), "--class", "X", "--yield", "8", "--delay-days", "14", "--json");
      expect(run.status, run.stderr).to.equal(0);
      const figures = JSON.parse(run.stdout) as { cleanPrice: number; averageLifeYears?: number };
      expect(figures.cleanPrice).to.be.within(1, 10);
      expect(figures.averageLifeYears).to.equal(undefined);
    });

    it("refuses a structure that does not fit: IO with a face, PAC without a band, faces off the pool, PAC beyond its band", () => {
      const io = abs(dir.path, "project", cmo([...classes.slice(0, 3), { ...classes[3], face: "1.00" }]));
      expect(io.status).to.equal(2);
      expect(io.stderr).to.match(/structure\.classes\.3\.face: expected no face on an IO class/);
      const noBand = abs(dir.path, "project", cmo(classes, null));
      expect(noBand.status).to.equal(2);
      const off = abs(dir.path, "project", cmo([{ ...classes[0] }, { ...classes[1], face: "1.00" }]));
      expect(off.status).to.equal(2);
      expect(off.stderr).to.match(/faces to add up to the pool balance \(40000000000 cents\), found 24000000100/);
      const beyond = abs(
        dir.path,
        "project",
        cmo([
          { ...classes[0], face: "399000000.00" },
          { ...classes[1], face: "1000000.00" },
        ]),
      );
      expect(beyond.status).to.equal(2);
      expect(beyond.stderr).to.match(/PAC face 39900000000 cents: expected at most/);
    });
  });

  describe("refuses bad input with what, where and what it found (exit 2, nothing printed to stdout)", () => {
    const refused = (args: string[], pattern: RegExp) => {
      const run = abs(dir.path, ...args);
      expect(run.status, run.stdout + run.stderr).to.equal(2);
      expect(run.stdout).to.equal("");
      expect(run.stderr).to.match(pattern);
    };

    it("a file that is not there", () => {
      refused(["project", join(dir.path, "missing.yaml")], /Cannot read the projection file/);
    });

    it("a file that is not YAML", () => {
      refused(["project", write("garbage.yaml", "pool: [unclosed")], /neither YAML nor JSON/);
    });

    it("a wrong field names its path, what was expected and what was found", () => {
      const file = write("bad.yaml", {
        ...sifmaPool({ prepayment: { type: "PSA", value: -5 }, default: { type: "CDR", value: 1 } }),
        pool: [{ name: "x", balance: "12.345", grossCoupon: "0.08", netCoupon: "0.08", originalTerm: 360, age: 0 }],
      });
      const run = abs(dir.path, "project", file);
      expect(run.status).to.equal(2);
      expect(run.stderr).to.match(/invalid \(2 problems\)/);
      expect(run.stderr).to.match(
        /assumptions\.prepayment\.value: expected a PSA speed in percent of at least 0, found -5/,
      );
      expect(run.stderr).to.match(
        /pool\.0\.balance: expected an amount in currency units with at most 2 decimals.*found "12\.345"/,
      );
    });

    it("a tier that contradicts itself: aged past its term, a net coupon above the gross", () => {
      const file = write("contradiction.yaml", {
        ...sifmaPool({ prepayment: { type: "PSA", value: 100 }, default: { type: "CDR", value: 1 } }),
        pool: [{ name: "x", balance: "12.34", grossCoupon: "0.08", netCoupon: "0.09", originalTerm: 360, age: 360 }],
      });
      const run = abs(dir.path, "project", file);
      expect(run.status).to.equal(2);
      expect(run.stderr).to.match(/pool\.0\.age: expected an age below the original term \(360\), found 360/);
      expect(run.stderr).to.match(
        /pool\.0\.netCoupon: expected a net coupon at most the gross coupon \(0\.08\), found "0\.09"/,
      );
    });

    it("tiers that disagree on advancing", () => {
      const file = write("mixed.yaml", {
        ...sifmaPool({ prepayment: { type: "CPR", value: 5 }, default: { type: "CDR", value: 1 } }),
        pool: [
          { name: "a", balance: "100.00", grossCoupon: "0.08", netCoupon: "0.08", originalTerm: 12, age: 0 },
          {
            name: "b",
            balance: "100.00",
            grossCoupon: "0.08",
            netCoupon: "0.08",
            originalTerm: 12,
            age: 0,
            assumptions: { advancing: "none" },
          },
        ],
      });
      refused(["project", file], /rep line b: expected every line to advance P&I like a/);
    });

    it("a deal projection without a start date to count its ACT/360 days from", () => {
      const file = write(
        "no-start.yaml",
        sifmaPool({ prepayment: { type: "CPR", value: 5 }, default: { type: "CDR", value: 1 } }),
      );
      refused(["project", file, "--deal", DEAL], /needs startDate/);
    });

    it("--price with --yield, an unknown class, a grid the file does not have", () => {
      refused(["price", ACME, "--price", "100", "--yield", "5"], /exactly one of --price or --yield/);
      refused(
        ["price", ACME, "--price", "100", "--deal", DEAL, "--class", "Z"],
        /expected a class of the deal \(A, B, S\), found Z/,
      );
      refused(["price", ACME, "--price", "abc"], /--price: expected the clean price as a number/);
      const noGrid = write(
        "no-grid.yaml",
        sifmaPool({ prepayment: { type: "CPR", value: 5 }, default: { type: "CDR", value: 1 } }),
      );
      refused(["project", noGrid, "--grid"], /--grid needs a grid: section/);
    });
  });
});

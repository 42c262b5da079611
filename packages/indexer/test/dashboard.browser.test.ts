import path from "node:path";
import { writeFileSync } from "node:fs";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import pino from "pino";
import { parseIndexerConfig, signInToIndexer, startIndexerService, type RunningIndexerService } from "../src";
import { generatePerformance, loanStateOf } from "@abs/core";
import { id } from "ethers";
import { ReconciliationLog__factory } from "../../../typechain-types";
import { dealActions, memberSigner, sampleTape, startTestChain, type TestChain } from "./chain";

const CHROMIUM = process.env["ABS_CHROMIUM"] ?? "/usr/bin/chromium";
const SCREENSHOT_DIR = path.resolve(__dirname, "..", ".screenshots");

describe("regulator's dashboard in headless Chromium", function () {
  this.timeout(180_000);
  let chain: TestChain;
  let service: RunningIndexerService;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  let pool: string;
  let firstLoan: string;
  /** The sample deal with 20,000 loans: the loan pages, filters and the pool page are tested at a real pool's size. */
  const LOANS = 20_000;
  const tape = sampleTape(LOANS);

  before(async () => {
    chain = await startTestChain({ withSampleDeal: true, sampleLoans: LOANS });
    const actions = dealActions(chain);
    pool = actions.deal.pool.toLowerCase();
    for (let period = 1; period <= 4; period++) {
      await actions.report(period, period);
      // Three periods distributed, the fourth reported only.
      if (period <= 3) await actions.settle(period);
    }
    // A reconciliation break: an alert of the consortium's cash, in no pool (it once crashed the entry page).
    const log = ReconciliationLog__factory.connect(
      chain.deployment.reconciliationLog,
      memberSigner(chain, "custodian"),
    );
    await (await log.anchor(chain.deployment.cashToken, id("STMT-2026-11"), 1_764_547_200, id("digest"), 10, 2)).wait();
    // The forecast the deal was priced on: six months, as `abs project --json` prints them.
    const forecastFile = path.join(chain.dir, "forecast.json");
    const months = [...Array(6).keys()].map((index) => {
      const beginning = 100_000_000n - 9_000_000n * BigInt(index);
      return {
        month: index + 1,
        beginningBalanceCents: String(beginning),
        scheduledPrincipalCents: "7000000",
        prepaidPrincipalCents: "1500000",
        newDefaultsCents: "500000",
        endingBalanceCents: String(beginning - 9_000_000n),
      };
    });
    writeFileSync(forecastFile, JSON.stringify({ months }));
    service = await startIndexerService({
      config: parseIndexerConfig({
        ABS_INDEXER_FORECASTS: JSON.stringify({ [pool]: forecastFile }),
        ABS_INDEXER_RPC_URL: chain.chain.rpcUrl,
        ABS_INDEXER_ADDRESS_BOOK: chain.addressBook,
        ABS_INDEXER_DATA_DIR: path.join(chain.dir, "dashboard-db"),
        ABS_INDEXER_LISTEN: "127.0.0.1:0",
        ABS_INDEXER_POLL_MS: "200",
      }),
      logger: pino({ level: "silent" }),
      entitlement: "loan-level",
    });
    await service.caughtUp();
    expect(await service.loans.addTape(pool, 1, tape.records, tape.saltKey)).to.equal("verified");
    // Two periods' loan states (joined from the servicer's node in production: packages/indexer/test/period-states),
    // the second with the first loan's state refused.
    const rows = [...generatePerformance(tape.records, 2, 5, { asOfDate: "2026-01-01" })];
    firstLoan = [...tape.records].map((r) => r.loanId).sort()[0] ?? "";
    const root = `0x${"ab".repeat(32)}`;
    service.loans.addPeriod(pool, 1, root, rows.filter((r) => r.period === 1).map(loanStateOf), []);
    service.loans.addPeriod(
      pool,
      2,
      root,
      rows.filter((r) => r.period === 2 && r.loanId !== firstLoan).map(loanStateOf),
      [
        {
          loanId: firstLoan,
          reason: `loan "${firstLoan}" refused: the record and salt do not hash to the served leaf`,
        },
      ],
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
    await chain?.stop();
  });
  afterEach(() => {
    expect(consoleErrors, "console errors").to.deep.equal([]);
  });

  async function ready(hash: string): Promise<void> {
    try {
      await page.waitForSelector(`main[data-ready="${hash}"]`, { timeout: 20_000 });
    } catch (error) {
      throw new Error(`${hash} did not render: ${(await page.textContent("main")) ?? ""}`, { cause: error });
    }
  }

  it("asks for a sign-in first; a browser wallet (EIP-1193) signs the indexer's challenge with the member's key", async () => {
    await page.goto(service.url + "/");
    await ready("sign-in");
    expect(await page.textContent('[data-testid="sign-in"]')).to.contain("abs indexer login");
    // A wallet in a second page of the same browser: its personal_sign asks the regulator's key, held by this test.
    const walletPage = await browser.newPage();
    const regulator = memberSigner(chain, "regulator");
    await walletPage.exposeFunction("absTestSign", (hex: string) =>
      regulator.signMessage(Buffer.from(hex.slice(2), "hex")),
    );
    await walletPage.addInitScript(
      (address: string) => {
        const sign = (window as unknown as { absTestSign(hex: string): Promise<string> }).absTestSign;
        (window as unknown as { ethereum: unknown }).ethereum = {
          request: ({ method, params }: { method: string; params?: string[] }) =>
            method === "eth_requestAccounts" ? Promise.resolve([address]) : sign(params?.[0] ?? ""),
        };
      },
      await regulator.getAddress(),
    );
    await walletPage.goto(service.url + "/");
    await walletPage.waitForSelector('main[data-ready="sign-in"]');
    await walletPage.click('[data-testid="wallet-sign-in"]');
    await walletPage.waitForSelector('main[data-ready="/"]', { timeout: 20_000 });
    expect(await walletPage.textContent('[data-testid="who"]')).to.contain("REGU-SECURITIES");
    await walletPage.close();
  });

  it("a link from `abs indexer login` signs the browser in; the token leaves the address bar", async () => {
    const session = await signInToIndexer(service.url, memberSigner(chain, "regulator"));
    await page.goto(`${service.url}/#session=${session.token}`);
    await ready("/");
    expect(page.url()).to.not.contain(session.token);
    expect(await page.textContent('[data-testid="who"]')).to.contain("REGU-SECURITIES (REGULATOR)");
  });

  it("loads the pool list with the sample deal and its metrics", async () => {
    await page.goto(service.url + "/");
    await ready("/");
    expect(await page.locator('[data-testid="pool-link"]').count()).to.equal(1);
    expect(await page.textContent('[data-testid="pools"]')).to.contain("Huaxia");
    expect(await page.textContent('[data-testid="meta"]')).to.match(/indexed to block \d+/);
    expect(await page.textContent('[data-testid="consortium-alerts"]')).to.contain("1 alert outside any pool");
    // The consortium overview: members by name and role, governance, reconciliations.
    expect(await page.textContent('[data-testid="members"]'))
      .to.contain("REGU-SECURITIES")
      .and.contain("REGULATOR");
    expect(await page.locator('[data-testid="governance"] tbody tr').count()).to.be.greaterThan(0);
    expect(await page.textContent('[data-testid="reconciliations"]')).to.contain("CUST-CITY-BANK");
    expect(await page.textContent('[data-testid="alerts-by-rule"]')).to.contain("reconciliationBreaks");
    // The reconciliation break is critical, the sample's CDR alerts warnings (the default rules).
    const bySeverity = (await page.textContent('[data-testid="alerts-by-severity"]')) ?? "";
    expect(bySeverity)
      .to.match(/critical\s*\d+/)
      .and.match(/warning\s*\d+/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "overview.png"), fullPage: true });
  });

  it("lists every alert, a reconciliation break (no pool) as the consortium's, in breaks", async () => {
    await page.goto(`${service.url}/#/alerts`);
    await ready("/alerts");
    const text = (await page.textContent('[data-testid="alerts"]')) ?? "";
    expect(text).to.contain("consortium: cash token").and.contain("reconciliationBreaks").and.contain("2 breaks");
    expect(text).to.contain("cdrBps");
    // The most urgent first: every critical alert above every warning.
    const severities = await page
      .locator('[data-testid="alerts"] tbody [data-severity]')
      .evaluateAll((cells) => cells.map((c) => c.getAttribute("data-severity")));
    expect(severities[0]).to.equal("critical");
    expect(severities).to.deep.equal(
      [...severities].sort(
        (a, b) => ["critical", "warning", "info"].indexOf(a ?? "") - ["critical", "warning", "info"].indexOf(b ?? ""),
      ),
    );
    expect(severities).to.include("warning");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "alerts.png"), fullPage: true });
  });

  it("drills down from the pool (charts, tranches, alerts) to its loans and one verified loan", async () => {
    await page.goto(service.url + "/");
    await ready("/");
    await page.click('[data-testid="pool-link"]');
    await ready(`/pool/${pool}`);
    expect(await page.locator(".chart canvas").count()).to.be.greaterThanOrEqual(5);
    expect(await page.locator('[data-testid="tranche-link"]').count()).to.equal(3);
    expect(await page.textContent('[data-testid="pool-alerts"]')).to.contain("cdrBps");
    expect(await page.textContent('[data-testid="triggers"]')).to.contain("overcollateralization");
    // Each figure's definition where it is shown, read from the API schema the indexer computes by.
    const definitions = (await page.textContent('[data-testid="metric-definitions"]')) ?? "";
    expect(definitions)
      .to.contain("CPR")
      .and.contain("compounded over 12 months")
      .and.contain("Pool ending balance / the tranches' outstanding balance")
      .and.contain("Principal 60-89 days past due")
      .and.contain("Interest collected / (senior fees + tranche coupons)");
    expect(await page.getAttribute('.kpi:has-text("OC")', "title")).to.contain("Pool ending balance");
    // The tranche factors' history and what each distributed period paid each payee.
    expect(await page.textContent(".charts")).to.contain("Tranche factors after each distribution");
    // The forecast against what was reported: balance, CPR and CDR.
    expect(await page.textContent(".charts"))
      .to.contain("Forecast vs actual: pool balance")
      .and.contain("Forecast vs actual: CPR / CDR");
    const distributions = page.locator('[data-testid="distributions"] tbody tr');
    expect(await distributions.count()).to.equal(3);
    const header = (await page.textContent('[data-testid="distributions"] thead')) ?? "";
    expect(header).to.contain("holders").and.contain("Residual to ORIG-HUAXIA-CF");
    // Fees by recipient (the sample's trustee and servicer fees), each period's lines adding up to its fees paid.
    expect(header).to.contain("Fee to TRUS-ZHONGXIN-TR").and.contain("Fee to SERV-HUAXIA-CF");
    const feesByPeriod = new Map<number, bigint>();
    for await (const line of service.store.all("FeePayment")) {
      const period = Number(line["period"]);
      feesByPeriod.set(period, (feesByPeriod.get(period) ?? 0n) + BigInt(String(line["paidCents"])));
    }
    expect([...feesByPeriod.keys()].sort()).to.deep.equal([1, 2, 3]);
    for await (const distribution of service.store.all("Distribution")) {
      expect(feesByPeriod.get(Number(distribution["period"]))).to.equal(BigInt(String(distribution["feesPaidCents"])));
    }
    expect(await distributions.first().textContent()).to.match(/^1sequential/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "pool.png"), fullPage: true });
    await page.click('[data-testid="loans-link"]');
    await ready(`/pool/${pool}/loans`);
    // Paged on the server, 100 a page, in loan id order.
    expect(await page.locator('[data-testid="loan-link"]').count()).to.equal(100);
    expect(await page.textContent('[data-testid="loans-range"]')).to.equal("1–100 of 20,000 matching loans");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "loans.png"), fullPage: true });
    const firstPage = await page.locator('[data-testid="loan-link"]').allTextContents();
    await page.locator('[data-testid="loans-next"]').first().click();
    await page.waitForSelector('main[data-ready*="after="]');
    expect(await page.textContent('[data-testid="loans-range"]')).to.equal("101–200 of 20,000 matching loans");
    const secondPage = await page.locator('[data-testid="loan-link"]').allTextContents();
    expect(secondPage).to.have.length(100);
    const sorted = tape.records.map((r) => r.loanId).sort();
    expect(firstPage.concat(secondPage)).to.deep.equal(sorted.slice(0, 200));
    await page.locator('[data-testid="loans-prev"]').first().click();
    await page.waitForSelector('main[data-ready$="/loans"]');
    expect(await page.locator('[data-testid="loan-link"]').allTextContents()).to.deep.equal(firstPage);
    // Deep in the pool (page 150 of 200) the position is the server's count, and the last page has no Next.
    await page.goto(`${service.url}/#/pool/${pool}/loans?after=${encodeURIComponent(sorted[14_899] ?? "")}`);
    await page.waitForSelector('main[data-ready*="after="]');
    expect(await page.textContent('[data-testid="loans-range"]')).to.equal("14,901–15,000 of 20,000 matching loans");
    expect(await page.locator('[data-testid="loan-link"]').allTextContents()).to.deep.equal(
      sorted.slice(14_900, 15_000),
    );
    await page.goto(`${service.url}/#/pool/${pool}/loans?after=${encodeURIComponent(sorted[19_899] ?? "")}`);
    await page.waitForSelector('main[data-ready*="after="]');
    expect(await page.textContent('[data-testid="loans-range"]')).to.equal("19,901–20,000 of 20,000 matching loans");
    expect(await page.locator('[data-testid="loans-next"]').count()).to.equal(0);
    await page.goto(`${service.url}/#/pool/${pool}/loans`);
    await ready(`/pool/${pool}/loans`);
    // A search and a filter, answered by the server.
    await page.fill('[data-testid="loan-filters"] input[name="q"]', firstLoan);
    await page.click('[data-testid="loan-filters"] button');
    await page.waitForSelector('main[data-ready*="q="]');
    expect(await page.locator('[data-testid="loan-link"]').allTextContents()).to.deep.equal([firstLoan]);
    await page.goto(`${service.url}/#/pool/${pool}/loans?status=current`);
    await ready(`/pool/${pool}/loans?status=current`);
    const current = tape.records.filter((r) => r.status === "current").length;
    expect(await page.textContent('[data-testid="loans-range"]')).to.contain(
      `of ${current.toLocaleString("en")} matching loans`,
    );

    await page.goto(`${service.url}/#/loan/${pool}/${encodeURIComponent(firstLoan)}`);
    await ready(`/loan/${pool}/${encodeURIComponent(firstLoan)}`);
    expect(await page.textContent('[data-testid="loan-id"]')).to.contain(firstLoan);
    expect(await page.textContent('[data-testid="proof"]')).to.equal("verified");
    // One joined tape version: one history row, the current one.
    const history = page.locator('[data-testid="loan-history"] tbody tr');
    expect(await history.count()).to.equal(1);
    expect(await history.first().textContent()).to.match(/^v1.*verified$/);
    // Period by period: period 1 verified with its values, period 2 refused with the reason and no values.
    const periods = page.locator('[data-testid="loan-periods"] tbody tr');
    expect(await periods.count()).to.equal(2);
    expect(await periods.nth(0).textContent()).to.match(/^1.*verified$/);
    expect(await periods.nth(1).textContent()).to.match(/^2—.*refused.*do not hash to the served leaf/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "loan.png"), fullPage: true });
  });

  it("drills from a tranche to its holders and a holder's positions", async () => {
    await page.goto(`${service.url}/#/pool/${pool}`);
    await ready(`/pool/${pool}`);
    await page.locator('[data-testid="tranche-link"]').first().click();
    await page.waitForSelector('[data-testid="holders"]');
    expect(await page.locator('[data-testid="holder-link"]').count()).to.equal(3);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "tranche.png"), fullPage: true });
    await page.locator('[data-testid="holder-link"]').first().click();
    await page.waitForSelector('[data-testid="positions"]');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "holder.png"), fullPage: true });
    expect(await page.textContent('[data-testid="positions"]')).to.contain("Huaxia");
    // Holders by registered name and roles by name, not hex and a bit set.
    expect(await page.textContent('[data-testid="holder"]')).to.match(/Holder [A-Z0-9-]+ 0x/);
    expect(await page.textContent('[data-testid="holder-roles"]')).to.match(/^[A-Z, ]+$/);
  });

  it("filters the audit log and offers the filtered export", async () => {
    await page.goto(`${service.url}/#/audit`);
    await ready("/audit");
    const all = await page.locator('[data-testid="audit"] tbody tr').count();
    await page.fill('input[name="name"]', "ReportSubmitted");
    await page.click('[data-testid="audit-filters"] button');
    await ready("/audit?name=ReportSubmitted");
    const rows = page.locator('[data-testid="audit"] tbody tr');
    expect(await rows.count()).to.equal(4);
    expect(all).to.be.greaterThan(4);
    for (const text of await rows.allTextContents()) expect(text).to.contain("ReportSubmitted");
    const href = await page.getAttribute('a[href^="/audit/export?format=csv"]', "href");
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const csv = await (await fetch(service.url + (href ?? ""), { headers: { cookie } })).text();
    expect(csv.split("\n").filter((l) => l.includes(",ReportSubmitted,"))).to.have.length(4);
    // Arguments by name, the actor by its registered name.
    expect(await rows.first().textContent())
      .to.contain("period = 4")
      .and.contain("SERV-HUAXIA-CF");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "audit.png"), fullPage: true });
    // A transaction links to every event it emitted.
    const tx = await rows.first().locator('[data-testid="audit-tx"]').textContent();
    await rows.first().locator('[data-testid="audit-tx"]').click();
    await page.waitForSelector('main[data-ready^="/audit?transactionHash="]');
    const txs = await page.locator('[data-testid="audit-tx"]').allTextContents();
    expect(txs.length).to.be.greaterThan(0);
    expect(new Set(txs)).to.deep.equal(new Set([tx]));
  });

  it("pages the audit log, 50 events a page, newest first", async () => {
    await page.goto(`${service.url}/#/audit`);
    await ready("/audit");
    expect(await page.locator('[data-testid="audit"] tbody tr').count()).to.equal(50);
    expect(await page.textContent('[data-testid="audit-range"]')).to.equal("1–50 events, newest first");
    const newestBlock = Number(await page.locator('[data-testid="audit"] tbody tr td').first().textContent());
    await page.click('[data-testid="audit-older"]');
    await ready("/audit?page=2");
    expect(await page.textContent('[data-testid="audit-range"]')).to.match(/^51–\d+ events, newest first$/);
    const olderBlock = Number(await page.locator('[data-testid="audit"] tbody tr td').first().textContent());
    expect(olderBlock).to.be.at.most(newestBlock);
    expect(await page.locator('[data-testid="audit-newer"]').count()).to.equal(1);
  });

  it("GraphiQL works offline: nothing is fetched from another host, and it loads the schema", async () => {
    const elsewhere: string[] = [];
    await page.route("**/*", (route) => {
      const host = new URL(route.request().url()).hostname;
      if (host === "127.0.0.1" || host === "localhost") return route.continue();
      elsewhere.push(route.request().url());
      return route.abort();
    });
    const schemaLoaded = page.waitForResponse(
      async (r) =>
        r.url().endsWith("/graphql") && r.request().method() === "POST" && (await r.text()).includes("__schema"),
    );
    await page.goto(`${service.url}/graphql`);
    await page.waitForSelector(".graphiql-container", { timeout: 20_000 });
    expect((await schemaLoaded).status()).to.equal(200);
    expect(elsewhere).to.deep.equal([]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "graphiql.png") });
    await page.unroute("**/*");
  });
});

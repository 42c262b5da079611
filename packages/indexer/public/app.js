// The regulator's dashboard: a read-only client of the indexer's GraphQL API (no build step).
(function () {
  "use strict";
  const view = document.getElementById("view");

  /** The indexer answered 401/403: the page asks the user to sign in with a member key. */
  class SignInRequired extends Error {}

  /** Alert severities, most urgent first, and how each is shown. */
  const SEVERITIES = ["critical", "warning", "info"];
  const severity = (v) => `<span class="severity-${esc(v)}" data-severity="${esc(v)}">${esc(v)}</span>`;

  /** The metrics the pool page shows as tiles, and those only its charts show: [PeriodMetrics field, label]. */
  const KPI_METRICS = [
    ["cprBps", "CPR"],
    ["cdrBps", "CDR"],
    ["delinquent90PlusBps", "90+ delinquent"],
    ["cumulativeNetLossBps", "Cum. net loss"],
    ["overcollateralizationBps", "OC"],
  ];
  const CHART_ONLY_METRICS = [
    ["delinquent30Bps", "30-59 days delinquent"],
    ["delinquent60Bps", "60-89 days delinquent"],
    ["interestCoverageBps", "IC"],
  ];
  let definitions;
  /**
   * How each PeriodMetrics figure is computed, read once from the API schema's own field descriptions: the dashboard
   * shows the definition the indexer documents and computes by, never a second wording of it.
   */
  async function metricDefinitions() {
    if (!definitions) {
      const t = await gql('{ __type(name: "PeriodMetrics") { fields { name description } } }');
      definitions = {};
      for (const f of (t.__type && t.__type.fields) || []) definitions[f.name] = f.description || "";
    }
    return definitions;
  }

  async function gql(query, variables) {
    // The session travels as an HttpOnly cookie (set at sign-in): this script never holds the token.
    const res = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: query, variables: variables || {} }),
    });
    const body = await res.json();
    if (res.status === 401 || res.status === 403) throw new SignInRequired(body.error ? body.error.message : "sign in");
    if (body.errors && body.errors.length) throw new Error(body.errors.map((e) => e.message).join("; "));
    return body.data;
  }

  const esc = (v) =>
    String(v === null || v === undefined ? "" : v).replace(
      /[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
    );
  const short = (a) => (a && a.length > 14 ? a.slice(0, 8) + "…" + a.slice(-4) : a || "");
  const money = (cents) => {
    if (cents === null || cents === undefined) return "";
    const c = BigInt(cents);
    const whole = (c / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return whole + "." + (c % 100n).toString().padStart(2, "0");
  };
  /** A WAD ratio (1e18 = 100 %) as a percentage; 2^256-1 (a coverage ratio over nothing) as infinite. */
  const wadPct = (wad) => (wad.length > 30 ? "∞" : (Number(BigInt(wad) / 10n ** 12n) / 1e4).toFixed(2) + " %");
  const pct = (bps) => (bps === null || bps === undefined ? "" : (bps / 100).toFixed(2) + " %");
  /** A member id (bytes32) as its name ("REGU-SECURITIES"), or null when it is not printable ASCII. */
  const memberName = (bytes32) => {
    if (!bytes32 || !/^0x[0-9a-fA-F]{64}$/.test(bytes32)) return null;
    const bytes = (bytes32.slice(2).match(/../g) || []).map((h) => parseInt(h, 16));
    while (bytes.length && bytes[bytes.length - 1] === 0) bytes.pop();
    if (!bytes.length || bytes.some((b) => b < 0x20 || b > 0x7e)) return null;
    return String.fromCharCode.apply(null, bytes);
  };
  /** A member by registered name, its address shortened beside it (the address alone if it has no name). */
  const who = (address, bytes32) => {
    const name = memberName(bytes32);
    return name ? `${esc(name)} <code>${esc(short(address))}</code>` : `<code>${esc(short(address))}</code>`;
  };
  /** The registry's role bit set (bit i = Role(i), contracts/types/Roles.sol) as role names. */
  const ROLES = ["ORIGINATOR", "SERVICER", "TRUSTEE", "CUSTODIAN", "INVESTOR", "REGULATOR", "GUARANTOR", "EXCHANGE"];
  const roleNames = (bits) => ROLES.filter((_, i) => (bits >> i) & 1).join(", ") || "no role";
  const factor = (ray) => (Number(BigInt(ray) / 10n ** 21n) / 1e6).toFixed(6);
  const table = (head, rows, testid) =>
    `<table data-testid="${testid || ""}"><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${
      rows.length
        ? rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")
        : `<tr><td colspan="${head.length}">none</td></tr>`
    }</tbody></table>`;

  async function meta() {
    const d = await gql("{ _meta { block { number hash } hasIndexingErrors } }");
    const m = d._meta;
    document.getElementById("meta").textContent =
      "indexed to block " +
      m.block.number +
      " " +
      short(m.block.hash) +
      (m.hasIndexingErrors ? " — INDEXING ERRORS" : "");
  }

  // ------------------------------------------------------------------ pools
  async function poolList() {
    const d = await gql(`{ pools(orderBy: createdAt) { id name state trancheCount lastPeriod totalFaceCents
      tapes(orderBy: version, orderDirection: desc, first: 1) { loanCount totalPrincipalCents } }
      periodMetrics_collection(orderBy: period, orderDirection: desc, first: 1000) { pool { id } period endingBalanceCents cdrBps cprBps delinquent90PlusBps cumulativeNetLossBps }
      alerts(first: 1000) { rule severity pool { id } }
      members(first: 1000) { id memberId roles status voting }
      proposals(orderBy: createdAt, orderDirection: desc, first: 5) { proposalId kind status approvals createdAt
        proposer { id memberId } account memberId }
      reconciliations(orderBy: timestamp, orderDirection: desc, first: 5) { statementDate revision matchedCount
        breakCount custodian { id memberId } } }`);
    const latest = {};
    for (const m of d.periodMetrics_collection) if (!latest[m.pool.id]) latest[m.pool.id] = m;
    const alerts = {};
    // An alert without a pool (a reconciliation break is the custodian's, not a deal's) is counted apart.
    let consortiumAlerts = 0;
    for (const a of d.alerts) {
      if (a.pool) alerts[a.pool.id] = (alerts[a.pool.id] || 0) + 1;
      else consortiumAlerts++;
    }
    const byRule = {};
    for (const a of d.alerts) byRule[a.rule] = (byRule[a.rule] || 0) + 1;
    const bySeverity = {};
    for (const a of d.alerts) bySeverity[a.severity] = (bySeverity[a.severity] || 0) + 1;
    let totalBalance = 0n;
    const rows = d.pools.map((p) => {
      const m = latest[p.id] || {};
      const tape = p.tapes[0] || {};
      totalBalance += BigInt(m.endingBalanceCents || tape.totalPrincipalCents || "0");
      return [
        `<a href="#/pool/${p.id}" data-testid="pool-link">${esc(p.name)}</a>`,
        esc(p.state),
        p.trancheCount,
        tape.loanCount || "",
        money(m.endingBalanceCents || tape.totalPrincipalCents),
        p.lastPeriod,
        pct(m.cprBps),
        pct(m.cdrBps),
        pct(m.delinquent90PlusBps),
        pct(m.cumulativeNetLossBps),
        alerts[p.id] ? `<span class="alert">${alerts[p.id]}</span>` : `<span class="ok">0</span>`,
      ];
    });
    const date = (seconds) => new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
    view.innerHTML =
      "<h2>Consortium</h2>" +
      `<div class="kpis">
        <div class="kpi">Members<b>${d.members.filter((m) => m.status === "Active").length}</b></div>
        <div class="kpi">Deals<b>${d.pools.length}</b></div>
        <div class="kpi">Pool balance, all deals<b data-testid="total-balance">${money(totalBalance.toString())}</b></div>
        <div class="kpi">Alerts<b class="${d.alerts.length ? "alert" : "ok"}">${d.alerts.length}</b></div>
      </div>` +
      table(
        ["Member", "Roles", "Status", "Votes"],
        d.members
          .filter((m) => m.status !== "None")
          .sort((a, b) => (memberName(a.memberId) || a.id).localeCompare(memberName(b.memberId) || b.id))
          .map((m) => [who(m.id, m.memberId), esc(roleNames(m.roles)), esc(m.status), m.voting ? "yes" : "no"]),
        "members",
      ) +
      "<h3>Alerts by severity</h3>" +
      table(
        ["Severity", "Alerts"],
        SEVERITIES.filter((v) => bySeverity[v]).map((v) => [severity(v), bySeverity[v]]),
        "alerts-by-severity",
      ) +
      "<h3>Alerts by rule</h3>" +
      table(
        ["Rule", "Alerts"],
        Object.keys(byRule)
          .sort()
          .map((r) => [esc(r), byRule[r]]),
        "alerts-by-rule",
      ) +
      "<h3>Recent governance</h3>" +
      table(
        ["Proposal", "Action", "Proposed by", "Approvals", "Status", "Date"],
        d.proposals.map((g) => [
          g.proposalId,
          esc(g.kind) + (memberName(g.memberId) ? " " + esc(memberName(g.memberId)) : ""),
          who(g.proposer.id, g.proposer.memberId),
          g.approvals,
          esc(g.status),
          date(g.createdAt),
        ]),
        "governance",
      ) +
      "<h3>Recent reconciliations</h3>" +
      table(
        ["Statement date", "Revision", "Matched", "Breaks", "Custodian"],
        d.reconciliations.map((r) => [
          date(r.statementDate),
          r.revision,
          r.matchedCount,
          r.breakCount ? `<span class="alert">${r.breakCount}</span>` : '<span class="ok">0</span>',
          who(r.custodian.id, r.custodian.memberId),
        ]),
        "reconciliations",
      ) +
      "<h2>Pools</h2>" +
      `<p data-testid="consortium-alerts">${
        consortiumAlerts
          ? `<a href="#/alerts" class="alert">${consortiumAlerts} alert${consortiumAlerts === 1 ? "" : "s"} outside any pool</a> (reconciliation breaks)`
          : '<span class="ok">no alert outside the pools</span>'
      }</p>` +
      table(
        ["Pool", "State", "Tranches", "Loans", "Balance", "Period", "CPR", "CDR", "90+ DQ", "Cum. net loss", "Alerts"],
        rows,
        "pools",
      );
  }

  /**
   * A line chart of `series` over the periods `xs`: as wide as its card, whole periods on the x axis, the legend
   * naming every series (not only the hovered value).
   */
  function chart(el, title, labels, xs, series, yLabel) {
    const box = document.createElement("div");
    box.className = "chart";
    box.innerHTML = `<h3>${esc(title)}</h3>`;
    el.appendChild(box);
    const colors = ["#1d3557", "#e63946", "#2a9d8f", "#f4a261", "#6d597a", "#457b9d"];
    const width = Math.max(320, box.clientWidth - 16);
    // eslint-disable-next-line no-undef
    new uPlot(
      {
        width,
        height: 240,
        legend: { live: false },
        scales: { x: { time: false } },
        axes: [
          {
            label: "period",
            incrs: [1, 2, 5, 10, 20, 50, 100],
            values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : "")),
          },
          { size: 80, label: yLabel || "" },
        ],
        series: [{ label: "period" }].concat(
          labels.map((l, i) => ({ label: l, stroke: colors[i % colors.length], width: 2, points: { show: true } })),
        ),
      },
      [xs].concat(series),
      box,
    );
  }

  /** Text of a bytes32 that holds a short string (a document type, a member id); hex when it holds none. */
  const bytes32Text = (b) => {
    const text = memberName(b);
    return text || short(b);
  };

  /** The deal's principal schedule (PAC/TAC), fixed at structuring: which classes, how long, and its hash. */
  function scheduleNote(waterfall, tranches) {
    if (!waterfall || !waterfall.scheduleHash) return "";
    const classes = tranches.filter((_, i) => (waterfall.scheduledMask >> i) & 1).map((t) => esc(t.symbol));
    return (
      `<p>Principal schedule fixed at structuring: ${classes.join(", ") || "no class"} paid to target balances over ` +
      `${waterfall.schedulePeriods} periods (hash <code>${esc(waterfall.scheduleHash)}</code>; ` +
      "<code>abs deal show</code> lists the targets).</p>"
    );
  }

  /**
   * The deal's interest-only strips, liquidity facility, principal deficiency ledger and interest-rate cap or swap, as
   * configured. `payeeOfFee(index)` names a fee's recipient (a swap's counterparty is its pay-leg fee's).
   */
  function structureNote(waterfall, tranches, payeeOfFee) {
    if (!waterfall) return "";
    const parts = [];
    // Bit t: tranche t is an interest-only strip of tranche t - 1 (its face a notional, its factor the stripped class's).
    tranches.forEach((t, i) => {
      if (i > 0 && ((waterfall.interestOnlyMask || 0) >> i) & 1) {
        parts.push(
          `${esc(t.symbol)} an interest-only strip of ${esc(tranches[i - 1].symbol)} (its face a notional, no principal)`,
        );
      }
    });
    if (BigInt(waterfall.guaranteeLimitCents || "0") > 0n) {
      const liquidity =
        waterfall.facilityFeeOnUndrawn ||
        BigInt(waterfall.facilityUsageRateWad || "0") > 0n ||
        waterfall.facilityExpiryPeriod;
      parts.push(
        (liquidity ? "a liquidity facility of " : "a guarantee of ") +
          money(waterfall.guaranteeLimitCents) +
          (BigInt(waterfall.facilityUsageRateWad || "0") > 0n
            ? `, usage fee ${wadPct(waterfall.facilityUsageRateWad)} a year on its draws`
            : "") +
          (waterfall.facilityFeeOnUndrawn ? ", commitment fee on the undrawn part" : "") +
          (waterfall.facilityExpiryPeriod ? `, drawable up to period ${waterfall.facilityExpiryPeriod}` : ""),
      );
    }
    if (waterfall.principalDeficiencyLedger) {
      parts.push(
        "losses carried on a principal deficiency ledger (cured from excess spread, written off once the pool is gone)",
      );
    }
    if (waterfall.capTrancheScope) {
      const covered = tranches.slice(0, waterfall.capTrancheScope).map((t) => esc(t.symbol));
      const payLeg = waterfall.swapPayLegFeeIndex;
      const term = waterfall.capExpiryPeriod ? ` up to period ${waterfall.capExpiryPeriod}` : "";
      parts.push(
        (payLeg === null || payLeg === undefined
          ? `an interest-rate cap struck at ${wadPct(waterfall.capStrikeRateWad)} on ${covered.join(" + ")}`
          : `an interest-rate swap on ${covered.join(" + ")}: the deal pays a fixed ${wadPct(waterfall.capStrikeRateWad)} ` +
            `and receives the index, net (its payments to ${payeeOfFee(payLeg)}, as fee ${payLeg})`) + term,
      );
    }
    return parts.length ? `<p>Structure: ${parts.join("; ")}.</p>` : "";
  }

  async function poolPage(id) {
    const d = await gql(
      `query($id: ID!, $pool: String!) { pool(id: $id) { id name dealId state revolving trancheCount tapeVersion lastPeriod totalFaceCents
        accelerationReasonHash eventOfDefaultPeriod eventOfDefaultTrigger
        trustee { id memberId } originator { id memberId } servicer { id memberId }
        tranches(orderBy: seniority) { id symbol name seniority originalFaceCents factorRay totalSupply couponRateWad paused }
        tapes(orderBy: version) { id version loanCount totalPrincipalCents merkleRoot changeKind anchoredAt }
        periods(orderBy: period, first: 1000) { period endingBalanceCents } }
      periodMetrics_collection(where: { pool: $pool }, orderBy: period, first: 1000) { period beginningBalanceCents endingBalanceCents cprBps cdrBps
        delinquent30Bps delinquent60Bps delinquent90PlusBps cumulativeNetLossCents cumulativeNetLossBps overcollateralizationBps
        interestCoverageBps }
      triggers(where: { pool: $pool }, orderBy: index) { index kind effect breached valueWad thresholdWad lastPeriod
        periods(orderBy: period, first: 1000) { period breached } }
      alerts(where: { pool: $pool }, orderBy: period) { period rule severity direction value threshold }
      distributions(where: { pool: $pool }, orderBy: period, first: 1000) { period accelerated principalMode trapping
        feesPaidCents guaranteeFeePaidCents residualCents reserveCents writeDownCents accretedCents capReceiptCents
        principalDeficiencyCents transactionHash }
      waterfalls(where: { pool: $pool }, first: 1) { equityHolder guarantor scheduleHash scheduledMask schedulePeriods
        guaranteeLimitCents facilityUsageRateWad facilityFeeOnUndrawn facilityExpiryPeriod principalDeficiencyLedger
        capStrikeRateWad capTrancheScope swapPayLegFeeIndex capExpiryPeriod interestOnlyMask }
      fees(where: { pool: $pool, active: true }, orderBy: index) { index recipient
        payments(orderBy: period, first: 1000) { period dueCents paidCents } }
      documents(where: { pool: $pool }, first: 100) { docId docType version status approved requiredRoles signedRoles
        signOffs { signer { id memberId } role } }
      members(first: 1000) { id memberId } }`,
      { id: id, pool: id },
    );
    const names = {};
    for (const m of d.members) names[m.id] = m.memberId;
    const payee = (address) => (address ? who(address, names[address.toLowerCase()]) : "—");
    const define = await metricDefinitions();
    const trancheIds = d.pool ? d.pool.tranches.map((t) => t.id) : [];
    const paid = trancheIds.length
      ? (
          await gql(
            `query($ids: [String!]) { trancheDistributions(where: { tranche_in: $ids }, orderBy: period, first: 1000) {
              tranche { id } period cashCents factorRay } }`,
            { ids: trancheIds },
          )
        ).trancheDistributions
      : [];
    const p = d.pool;
    if (!p) {
      view.innerHTML = "<h2>No such pool</h2>";
      return;
    }
    const ms = d.periodMetrics_collection;
    const last = ms[ms.length - 1] || {};
    let loansHtml = "";
    try {
      const l = await gql(
        `query($pool: Bytes!) { c: loanConcentrations(pool: $pool, by: region) { key loanCount shareBps }
        g: loanConcentrations(pool: $pool, by: creditGrade) { key loanCount shareBps } }`,
        { pool: id },
      );
      if (l.c.length) {
        loansHtml =
          `<h2>Underlying loans</h2><p><a href="#/pool/${id}/loans" data-testid="loans-link">Loan-level view</a></p>` +
          '<div class="kpis">' +
          table(
            ["Region", "Loans", "Share"],
            l.c.map((c) => [esc(c.key), c.loanCount, pct(c.shareBps)]),
            "conc-region",
          ) +
          table(
            ["Grade", "Loans", "Share"],
            l.g.map((c) => [esc(c.key), c.loanCount, pct(c.shareBps)]),
            "conc-grade",
          ) +
          "</div>";
      }
    } catch (e) {
      loansHtml = `<p>Loan-level data: ${esc(e.message)}</p>`;
    }
    view.innerHTML =
      `<h2 data-testid="pool-name">${esc(p.name)} <small>${esc(p.state)}</small></h2>` +
      (p.state === "Accelerated"
        ? `<p class="alert" data-testid="default">${
            p.eventOfDefaultPeriod !== null
              ? `In default: event-of-default trigger ${p.eventOfDefaultTrigger} breached in period ${p.eventOfDefaultPeriod}; the pool moved to Accelerated in that distribution's transaction.`
              : `In default: the trustee declared an event of default (notice hash <code>${esc(short(p.accelerationReasonHash))}</code>).`
          } Everything after fees goes to the most senior class outstanding.</p>`
        : "") +
      `<div class="kpis">
        <div class="kpi" title="${esc(define.endingBalanceCents)}">Balance<b>${money(last.endingBalanceCents || (p.tapes[0] || {}).totalPrincipalCents)}</b></div>
        <div class="kpi">Period<b>${p.lastPeriod}</b></div>
        ${KPI_METRICS.map(
          ([field, label]) => `<div class="kpi" title="${esc(define[field])}">${label}<b>${pct(last[field])}</b></div>`,
        ).join("")}
        <div class="kpi">Alerts<b class="${d.alerts.length ? "alert" : "ok"}">${d.alerts.length}</b></div>
      </div>` +
      `<details class="definitions" data-testid="metric-definitions"><summary>How these figures are computed</summary><dl>${KPI_METRICS.concat(
        CHART_ONLY_METRICS,
      )
        .map(([field, label]) => `<dt>${label}</dt><dd>${esc(define[field] || "")}</dd>`)
        .join("")}</dl></details>` +
      '<h2>Performance by period</h2><div class="charts" id="charts"></div>' +
      "<h2>Tranches</h2>" +
      table(
        ["Tranche", "Seniority", "Original face", "Outstanding units", "Factor", "Coupon", "Paused"],
        p.tranches.map((t, i) => [
          `<a href="#/tranche/${t.id}" data-testid="tranche-link">${esc(t.symbol)}</a> ${esc(t.name)}`,
          t.seniority,
          // An interest-only strip's face is a notional (the stripped class's), not principal.
          money(t.originalFaceCents) +
            ((((d.waterfalls[0] || {}).interestOnlyMask || 0) >> i) & 1 ? " (notional)" : ""),
          money(t.totalSupply),
          factor(t.factorRay),
          (Number(BigInt(t.couponRateWad) / 10n ** 12n) / 1e4).toFixed(2) + " %",
          t.paused ? "yes" : "no",
        ]),
        "tranches",
      ) +
      "<h2>Triggers</h2>" +
      table(
        ["#", "Trigger", "Effect", "Status", "Value", "Threshold", "Tested in period"],
        d.triggers.map((t) => [
          t.index,
          esc(t.kind),
          esc(t.effect),
          t.lastPeriod === 0 ? "not tested" : t.breached ? '<span class="alert">breached</span>' : "ok",
          t.lastPeriod === 0 ? "" : wadPct(t.valueWad),
          t.lastPeriod === 0 ? "" : wadPct(t.thresholdWad),
          t.lastPeriod,
        ]),
        "triggers",
      ) +
      scheduleNote(d.waterfalls[0], p.tranches) +
      structureNote(d.waterfalls[0], p.tranches, (index) => payee(d.fees.find((f) => f.index === index)?.recipient)) +
      "<h2>Distributions by period and payee</h2>" +
      (d.distributions.length
        ? "<p>What each period paid: each class's holders (interest and principal, from the tranche tokens), each fee " +
          "to its recipient (a fee paid short shows what was due), the guarantor's fee and the residual to the equity " +
          'holder; the reserve after the period. "Paid as" also names what a rate cap paid in and a principal ' +
          "deficiency left uncured (the tranches above the performing pool, cured from later excess spread).</p>" +
          table(
            ["Period", "Paid as"]
              .concat(p.tranches.map((t) => esc(t.symbol) + " holders"))
              .concat(d.fees.map((f) => "Fee to " + payee(f.recipient)))
              .concat(["Guarantee fee", "Residual to " + payee((d.waterfalls[0] || {}).equityHolder), "Reserve after"]),
            d.distributions.map((x) =>
              [
                x.period,
                x.accelerated
                  ? '<span class="alert">accelerated</span>'
                  : (["sequential", "pro rata", "targeted", "scheduled"][x.principalMode] ??
                      `mode ${x.principalMode}`) +
                    (x.trapping ? ", trapping" : "") +
                    (BigInt(x.accretedCents || "0") > 0n ? `, ${money(x.accretedCents)} accreted (Z)` : "") +
                    (BigInt(x.capReceiptCents || "0") > 0n ? `, ${money(x.capReceiptCents)} from the rate cap` : "") +
                    (BigInt(x.principalDeficiencyCents || "0") > 0n
                      ? `, <span class="alert">${money(x.principalDeficiencyCents)} principal deficiency</span>`
                      : ""),
              ]
                .concat(
                  p.tranches.map((t) => {
                    const at = paid.find((q) => q.tranche.id === t.id && q.period === x.period);
                    return at ? money(at.cashCents) : "—";
                  }),
                )
                .concat(
                  d.fees.map((f) => {
                    const line = f.payments.find((q) => q.period === x.period);
                    if (!line) return "—";
                    const short = BigInt(line.paidCents) < BigInt(line.dueCents);
                    return short
                      ? `<span class="alert">${money(line.paidCents)} of ${money(line.dueCents)}</span>`
                      : money(line.paidCents);
                  }),
                )
                .concat([money(x.guaranteeFeePaidCents), money(x.residualCents), money(x.reserveCents)]),
            ),
            "distributions",
          )
        : "<p>No distribution yet.</p>") +
      "<h2>Documents and sign-offs</h2>" +
      (d.documents.length
        ? table(
            ["Document", "Version", "Status", "Signed off by", "Still to sign"],
            d.documents.map((doc) => [
              esc(bytes32Text(doc.docType)),
              doc.version,
              doc.approved ? '<span class="ok">approved</span>' : esc(doc.status),
              doc.signOffs.map((o) => `${payee(o.signer.id)} as ${esc(o.role)}`).join("<br>") || "—",
              roleNames(doc.requiredRoles & ~doc.signedRoles).replace("no role", "—"),
            ]),
            "documents",
          )
        : "<p>No document registered for this deal.</p>") +
      "<h2>Alerts</h2>" +
      table(
        ["Period", "Severity", "Rule", "Value", "Threshold"],
        d.alerts.map((a) => [
          a.period,
          severity(a.severity),
          esc(a.rule),
          pct(a.value),
          esc(a.direction) + " " + pct(a.threshold),
        ]),
        "pool-alerts",
      ) +
      "<h2>Loan tapes</h2>" +
      table(
        ["Version", "Change", "Loans", "Principal", "Merkle root"],
        p.tapes.map((t) => [
          t.version,
          esc(t.changeKind),
          t.loanCount,
          money(t.totalPrincipalCents),
          `<code>${esc(t.merkleRoot)}</code>`,
        ]),
        "tapes",
      ) +
      loansHtml;
    const el = document.getElementById("charts");
    if (!ms.length) {
      el.innerHTML = "<p>No period reports yet.</p>";
      return;
    }
    const xs = ms.map((m) => m.period);
    const num = (v) => Number(v) / 100;
    chart(el, "Pool balance (CNY)", ["beginning", "ending"], xs, [
      ms.map((m) => num(m.beginningBalanceCents)),
      ms.map((m) => num(m.endingBalanceCents)),
    ]);
    // Each tranche's factor after each period's distribution (1 before the first), as the tokens recorded it.
    const distributed = d.distributions.map((x) => x.period);
    if (distributed.length) {
      const periods = [0].concat(distributed);
      chart(
        el,
        "Tranche factors after each distribution",
        p.tranches.map((t) => t.symbol),
        periods,
        p.tranches.map((t) =>
          periods.map((x) => {
            if (x === 0) return 1;
            const at = paid.find((q) => q.tranche.id === t.id && q.period === x);
            return at ? Number(BigInt(at.factorRay) / 10n ** 21n) / 1e6 : null;
          }),
        ),
        "factor",
      );
    }
    chart(el, "CPR / CDR (%)", ["CPR", "CDR"], xs, [ms.map((m) => m.cprBps / 100), ms.map((m) => m.cdrBps / 100)]);
    // The forecast the deal was priced on (ABS_INDEXER_FORECASTS) against what was reported, where one is configured.
    const f = (
      await gql(
        `query($pool: Bytes!) { poolForecast(pool: $pool) { period forecastEndingBalanceCents
      actualEndingBalanceCents forecastCprBps actualCprBps forecastCdrBps actualCdrBps } }`,
        { pool: id },
      )
    ).poolForecast;
    if (f.length) {
      const fx = f.map((x) => x.period);
      const orNull = (v, scale) => (v === null || v === undefined ? null : Number(v) / scale);
      chart(el, "Forecast vs actual: pool balance (CNY)", ["forecast", "actual"], fx, [
        f.map((x) => orNull(x.forecastEndingBalanceCents, 100)),
        f.map((x) => orNull(x.actualEndingBalanceCents, 100)),
      ]);
      chart(el, "Forecast vs actual: CPR / CDR (%)", ["CPR forecast", "CPR actual", "CDR forecast", "CDR actual"], fx, [
        f.map((x) => orNull(x.forecastCprBps, 100)),
        f.map((x) => orNull(x.actualCprBps, 100)),
        f.map((x) => orNull(x.forecastCdrBps, 100)),
        f.map((x) => orNull(x.actualCdrBps, 100)),
      ]);
    }
    chart(el, "Delinquency buckets (% of balance)", ["30-59", "60-89", "90+"], xs, [
      ms.map((m) => m.delinquent30Bps / 100),
      ms.map((m) => m.delinquent60Bps / 100),
      ms.map((m) => m.delinquent90PlusBps / 100),
    ]);
    chart(el, "Cumulative net loss (% of original)", ["cum. net loss"], xs, [
      ms.map((m) => m.cumulativeNetLossBps / 100),
    ]);
    chart(el, "Coverage: OC / IC (%)", ["OC", "IC"], xs, [
      ms.map((m) => m.overcollateralizationBps / 100),
      ms.map((m) => m.interestCoverageBps / 100),
    ]);
    if (d.triggers.length) {
      chart(
        el,
        "Trigger status over periods (1 = breached)",
        d.triggers.map((t) => `${t.index} ${t.kind}`),
        xs,
        d.triggers.map((t) =>
          xs.map((x) => {
            const at = t.periods.find((q) => q.period === x);
            return at ? (at.breached ? 1 : 0) : null;
          }),
        ),
      );
    }
    chart(el, "Alerts raised", ["alerts"], xs, [xs.map((x) => d.alerts.filter((a) => a.period === x).length)]);
  }

  const LOANS_PAGE = 100;
  const LOAN_STATUSES = ["", "current", "delinquent", "defaulted", "prepaid", "repurchased"];

  /**
   * A pool's loans, a page at a time from the server (`loanId_gt` keyset cursor: any page of any pool costs the
   * same), with a search on the loan id and filters; `trail` keeps the earlier pages' cursors for "Previous".
   */
  async function loansPage(pool, params) {
    const where = {};
    if (params.get("q")) where.loanId_contains = params.get("q");
    for (const [param, field] of [
      ["status", "status"],
      ["region", "region"],
      ["grade", "creditGrade"],
    ])
      if (params.get(param)) where[field] = params.get(param);
    if (params.get("dpd")) where.daysPastDue_gte = Number(params.get("dpd"));
    const filtered = Object.assign({}, where);
    // A later page's position is counted by the server (the matching loans up to the cursor); the first is at 0.
    const after = params.get("after") || "";
    const before = Object.assign({}, where, { loanId_lte: after });
    if (after) where.loanId_gt = after;
    const d = await gql(
      `query($pool: Bytes!, $w: Loan_filter, $f: Loan_filter, $b: Loan_filter, $paged: Boolean!, $first: Int) {
        loans(pool: $pool, first: $first, where: $w) { loanId region productType creditGrade status daysPastDue currentPrincipalCents proofStatus otherPools }
        loansCount(pool: $pool, where: $f) before: loansCount(pool: $pool, where: $b) @include(if: $paged) }`,
      { pool: pool, w: where, f: filtered, b: before, paged: after !== "", first: LOANS_PAGE },
    );
    const trail = (params.get("trail") || "").split(",").filter(Boolean);
    const from = after ? d.before : 0;
    const count = (n) => Number(n).toLocaleString("en");
    const link = (after, nextTrail) => {
      const q = new URLSearchParams();
      for (const k of ["q", "status", "region", "grade", "dpd"]) if (params.get(k)) q.set(k, params.get(k));
      if (after) q.set("after", after);
      if (nextTrail.length) q.set("trail", nextTrail.join(","));
      return `#/pool/${pool}/loans${q.toString() ? "?" + q.toString() : ""}`;
    };
    const lastId = d.loans.length ? d.loans[d.loans.length - 1].loanId : "";
    const hasNext = from + d.loans.length < d.loansCount;
    const pager =
      `<nav class="pager" data-testid="loans-pager">` +
      `<span data-testid="loans-range">${d.loans.length ? `${count(from + 1)}–${count(from + d.loans.length)}` : "0"} of ${count(d.loansCount)} matching loans</span> ` +
      (params.get("after")
        ? `<a href="${link("", [])}" data-testid="loans-first">First</a> <a href="${link(trail[trail.length - 1] || "", trail.slice(0, -1))}" data-testid="loans-prev">Previous</a> `
        : "") +
      (hasNext
        ? `<a href="${link(lastId, params.get("after") ? trail.concat([params.get("after")]).slice(-50) : trail)}" data-testid="loans-next">Next</a>`
        : "") +
      `</nav>`;
    const statusOptions = LOAN_STATUSES.map(
      (v) => `<option value="${v}"${params.get("status") === v ? " selected" : ""}>${v || "any status"}</option>`,
    ).join("");
    view.innerHTML =
      `<h2>Loans of <a href="#/pool/${pool}">${short(pool)}</a></h2>` +
      `<form class="filters" data-testid="loan-filters">
        <label>Loan id contains<input name="q" value="${esc(params.get("q") || "")}" /></label>
        <label>Status<select name="status">${statusOptions}</select></label>
        <label>Region<input name="region" value="${esc(params.get("region") || "")}" /></label>
        <label>Grade<input name="grade" value="${esc(params.get("grade") || "")}" /></label>
        <label>Days past due ≥<input name="dpd" type="number" min="0" value="${esc(params.get("dpd") || "")}" /></label>
        <button type="submit">Filter</button>
      </form>` +
      pager +
      table(
        ["Loan", "Region", "Product", "Grade", "Status", "Days past due", "Principal", "Proof", "Also pledged in"],
        d.loans.map((l) => [
          `<a href="#/loan/${pool}/${encodeURIComponent(l.loanId)}" data-testid="loan-link">${esc(l.loanId)}</a>`,
          esc(l.region),
          esc(l.productType),
          esc(l.creditGrade),
          esc(l.status),
          l.daysPastDue,
          money(l.currentPrincipalCents),
          l.proofStatus === "verified"
            ? '<span class="ok">verified</span>'
            : '<span class="alert">' + esc(l.proofStatus) + "</span>",
          l.otherPools.length ? '<span class="alert">' + l.otherPools.map(short).join(", ") + "</span>" : "",
        ]),
        "loans",
      ) +
      pager;
    view.querySelector("form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const f = new FormData(ev.target);
      const next = new URLSearchParams();
      for (const [k, v] of f.entries()) if (String(v).trim()) next.set(k, String(v).trim());
      location.hash = `#/pool/${pool}/loans${next.toString() ? "?" + next.toString() : ""}`;
    });
  }

  async function loanPage(pool, loanId) {
    const d = await gql(
      `query($pool: Bytes!, $id: String!) { loan(pool: $pool, loanId: $id) { loanId borrowerId tapeVersion region productType creditGrade status
      daysPastDue originalPrincipalCents currentPrincipalCents rateWad remainingTermMonths proofStatus otherPools
      history { tapeVersion status daysPastDue currentPrincipalCents proofStatus }
      periods { period proofStatus reason status daysPastDue openingPrincipalCents scheduledPrincipalCents paidPrincipalCents
        interestPaidCents prepaymentCents defaultPrincipalCents recoveryCents closingPrincipalCents } } }`,
      { pool: pool, id: loanId },
    );
    const l = d.loan;
    if (!l) {
      view.innerHTML = "<h2>No such loan</h2>";
      return;
    }
    view.innerHTML =
      `<h2 data-testid="loan-id">Loan ${esc(l.loanId)}</h2><p><a href="#/pool/${pool}/loans">all loans of the pool</a></p>` +
      table(
        ["Field", "Value"],
        [
          ["Pool / tape version", `<a href="#/pool/${pool}">${short(pool)}</a> v${l.tapeVersion}`],
          ["Borrower (pseudonymous)", `<code>${esc(l.borrowerId)}</code>`],
          ["Region / product / grade", esc(l.region + " / " + l.productType + " / " + l.creditGrade)],
          ["Status", esc(l.status) + " (" + l.daysPastDue + " days past due)"],
          ["Original / current principal", money(l.originalPrincipalCents) + " / " + money(l.currentPrincipalCents)],
          ["Rate", (Number(BigInt(l.rateWad) / 10n ** 12n) / 1e4).toFixed(2) + " %"],
          ["Remaining term", l.remainingTermMonths + " months"],
          [
            "Proof against the on-chain root",
            `<span data-testid="proof" class="${l.proofStatus === "verified" ? "ok" : "alert"}">${esc(l.proofStatus)}</span>`,
          ],
          ["Also pledged in", l.otherPools.map(short).join(", ") || "no other pool"],
        ],
        "loan",
      ) +
      "<h2>History across periods (tape versions)</h2>" +
      table(
        ["Tape version", "Status", "Days past due", "Principal", "Proof"],
        l.history.map((h) => [
          "v" + h.tapeVersion,
          h.status === null ? "—" : esc(h.status),
          h.daysPastDue === null ? "—" : h.daysPastDue,
          h.currentPrincipalCents === null ? "—" : money(h.currentPrincipalCents),
          h.proofStatus === "verified"
            ? '<span class="ok">verified</span>'
            : '<span class="alert">' + esc(h.proofStatus) + "</span>",
        ]),
        "loan-history",
      ) +
      "<h2>Period by period (the servicer's reports)</h2>" +
      `<p class="note">Each period's state is checked against the loan-state root anchored on chain with that period's
        report: <b>verified</b>, <b>refused</b> (the servicer's node served a state that does not verify; no values
        are shown) or <b>unavailable</b> (the node does not serve the period).</p>` +
      table(
        [
          "Period",
          "Status",
          "Days past due",
          "Opening",
          "Paid (scheduled)",
          "Interest",
          "Prepaid",
          "Defaulted",
          "Recovered",
          "Closing",
          "Proof",
        ],
        l.periods.map((p) => {
          const cents = (v) => (v === null ? "—" : money(v));
          return [
            p.period,
            p.status === null ? "—" : esc(p.status),
            p.daysPastDue === null ? "—" : p.daysPastDue,
            cents(p.openingPrincipalCents),
            p.paidPrincipalCents === null
              ? "—"
              : money(p.paidPrincipalCents) + " (" + money(p.scheduledPrincipalCents) + ")",
            cents(p.interestPaidCents),
            cents(p.prepaymentCents),
            cents(p.defaultPrincipalCents),
            cents(p.recoveryCents),
            cents(p.closingPrincipalCents),
            p.proofStatus === "verified"
              ? '<span class="ok">verified</span>'
              : `<span class="alert" title="${esc(p.reason)}">${esc(p.proofStatus)}</span> ${esc(p.reason)}`,
          ];
        }),
        "loan-periods",
      );
  }

  async function tranchePage(id) {
    const d = await gql(
      `query($id: ID!) { tranche(id: $id) { id symbol name seniority originalFaceCents totalSupply factorRay pool { id name }
      positions(orderBy: balance, orderDirection: desc, first: 1000) { balance frozen frozenAmountCents holder { id memberId status } } } }`,
      { id: id },
    );
    const t = d.tranche;
    view.innerHTML =
      `<h2>${esc(t.symbol)} — ${esc(t.name)}</h2><p>Pool <a href="#/pool/${t.pool.id}">${esc(t.pool.name)}</a>, factor ${factor(t.factorRay)}</p>` +
      "<h2>Holders</h2>" +
      table(
        ["Holder", "Balance", "Frozen"],
        t.positions.map((p) => [
          `<a href="#/holder/${p.holder.id}" data-testid="holder-link">${who(p.holder.id, p.holder.memberId)}</a>`,
          money(p.balance),
          p.frozen ? "account" : money(p.frozenAmountCents),
        ]),
        "holders",
      );
  }

  async function holderPage(id) {
    const d = await gql(
      `query($id: ID!) { member(id: $id) { id memberId roles status positions { balance tranche { id symbol pool { id name lastPeriod } } } } }`,
      { id: id },
    );
    const m = d.member;
    view.innerHTML =
      `<h2 data-testid="holder">Holder ${who(m.id, m.memberId)}</h2><p>Status ${esc(m.status)}, roles <span data-testid="holder-roles">${esc(roleNames(m.roles))}</span></p>` +
      table(
        ["Tranche", "Pool", "Balance"],
        m.positions.map((p) => [
          `<a href="#/tranche/${p.tranche.id}">${esc(p.tranche.symbol)}</a>`,
          `<a href="#/pool/${p.tranche.pool.id}">${esc(p.tranche.pool.name)}</a>`,
          money(p.balance),
        ]),
        "positions",
      );
  }

  // ------------------------------------------------------------------ audit and alerts
  const AUDIT_PAGE = 50;

  /** An audit event's decoded arguments, one `name = value` per line; members by name, structs as compact JSON. */
  function auditArgs(json, names) {
    let args;
    try {
      args = JSON.parse(json);
    } catch (e) {
      return `<code>${esc(json)}</code>`;
    }
    return Object.keys(args)
      .map((k) => {
        const v = args[k];
        const text =
          typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v) && names[v.toLowerCase()]
            ? who(v, names[v.toLowerCase()])
            : `<code>${esc(typeof v === "string" ? v : JSON.stringify(v))}</code>`;
        return `<b>${esc(k)}</b> = ${text}`;
      })
      .join("<br>");
  }

  /** The audit log, newest first, a page of 50 at a time, filtered; each transaction links to all its events. */
  async function auditPage(params) {
    const where = {};
    for (const k of ["name", "contractKind", "actor", "pool", "transactionHash"])
      if (params.get(k)) where[k] = params.get(k);
    const pageNo = Math.max(1, Number(params.get("page")) || 1);
    const d = await gql(
      `query($w: AuditEvent_filter, $skip: Int) {
        auditEvents(where: $w, orderBy: blockNumber, orderDirection: desc, first: ${AUDIT_PAGE + 1}, skip: $skip) {
          id blockNumber logIndex contractKind name actor actorMemberId transactionHash timestamp args }
        members(first: 1000) { id memberId } }`,
      { w: where, skip: (pageNo - 1) * AUDIT_PAGE },
    );
    const names = {};
    for (const m of d.members) names[m.id] = m.memberId;
    const events = d.auditEvents.slice(0, AUDIT_PAGE);
    const more = d.auditEvents.length > AUDIT_PAGE;
    const qs = new URLSearchParams(where).toString();
    const pageLink = (n) => {
      const q = new URLSearchParams(where);
      if (n > 1) q.set("page", String(n));
      return "#/audit" + (q.toString() ? "?" + q.toString() : "");
    };
    const from = (pageNo - 1) * AUDIT_PAGE;
    view.innerHTML =
      "<h2>Audit log</h2>" +
      `<form class="filters" data-testid="audit-filters">
        <label>Event<input name="name" value="${esc(params.get("name") || "")}" /></label>
        <label>Contract<input name="contractKind" value="${esc(params.get("contractKind") || "")}" /></label>
        <label>Actor<input name="actor" value="${esc(params.get("actor") || "")}" /></label>
        <label>Pool<input name="pool" value="${esc(params.get("pool") || "")}" /></label>
        <label>Transaction<input name="transactionHash" value="${esc(params.get("transactionHash") || "")}" /></label>
        <button type="submit">Filter</button>
        <a href="/audit/export?format=csv&${qs}">Export CSV</a> <a href="/audit/export?format=json&${qs}">Export JSON</a>
      </form>` +
      `<nav class="pager" data-testid="audit-pager">
        <span data-testid="audit-range">${events.length ? `${from + 1}–${from + events.length}` : "no"} event${
          events.length === 1 ? "" : "s"
        }, newest first</span>
        ${pageNo > 1 ? `<a href="${pageLink(pageNo - 1)}" data-testid="audit-newer">newer</a>` : ""}
        ${more ? `<a href="${pageLink(pageNo + 1)}" data-testid="audit-older">older</a>` : ""}
      </nav>` +
      table(
        ["Block", "Log", "Time (UTC)", "Contract", "Event", "Actor", "Transaction", "Arguments"],
        events.map((e) => [
          e.blockNumber,
          e.logIndex,
          new Date(Number(e.timestamp) * 1000).toISOString().slice(0, 19).replace("T", " "),
          esc(e.contractKind),
          esc(e.name),
          who(e.actor, e.actorMemberId),
          `<a href="#/audit?transactionHash=${esc(e.transactionHash)}" data-testid="audit-tx"><code>${esc(
            short(e.transactionHash),
          )}</code></a>`,
          auditArgs(e.args, names),
        ]),
        "audit",
      );
    view.querySelector("form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const f = new FormData(ev.target);
      const next = new URLSearchParams();
      for (const [k, v] of f.entries()) if (v) next.set(k, String(v).trim());
      location.hash = "#/audit?" + next.toString();
    });
  }

  async function alertsPage() {
    const d = await gql(
      `{ alerts(orderBy: blockNumber, orderDirection: desc, first: 1000) { period rule severity direction value threshold cashToken pool { id name } }
         doublePledges(orderBy: blockNumber, orderDirection: desc, first: 1000) { fingerprint blockNumber firstPool { id name } secondPool { id name } by { id } } }`,
    );
    // The most urgent first; within a severity, the latest first (the query's order).
    const alerts = d.alerts
      .map((a, i) => [a, i])
      .sort(([a, i], [b, j]) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || i - j)
      .map(([a]) => a);
    // A metric rule's value and threshold are in basis points; a reconciliation break's are counts of breaks.
    // A double pledge's and missing pledges', of loans.
    const count = (v, noun) => v + " " + noun + (v === 1 ? "" : "s");
    const amount = (a, v) =>
      a.rule === "reconciliationBreaks"
        ? count(v, "break")
        : a.rule === "doublePledge" || a.rule === "pledgesMissing"
          ? count(v, "loan")
          : pct(v);
    const poolLink = (p) => `<a href="#/pool/${p.id}">${esc(p.name)}</a>`;
    view.innerHTML =
      "<h2>Alerts</h2>" +
      table(
        ["Severity", "Pool", "Period", "Rule", "Value", "Threshold"],
        alerts.map((a) => [
          severity(a.severity),
          a.pool
            ? `<a href="#/pool/${a.pool.id}">${esc(a.pool.name)}</a>`
            : `consortium: cash token <code>${esc(short(a.cashToken))}</code>`,
          a.period === null ? "—" : a.period,
          esc(a.rule),
          amount(a, a.value),
          esc(a.direction) + " " + amount(a, a.threshold),
        ]),
        "alerts",
      ) +
      "<h2>Loans pledged to two pools</h2>" +
      "<p>Each is one loan (by its consortium fingerprint, no personal data) that a second pool registered after the " +
      "first. <code>abs --as regulator pool double-pledges</code> asks both originators' nodes which loan it is.</p>" +
      table(
        ["Fingerprint", "First pool (keeps the loan)", "Pledged again to", "By", "Block"],
        d.doublePledges.map((p) => [
          `<code>${esc(short(p.fingerprint))}</code>`,
          poolLink(p.firstPool),
          poolLink(p.secondPool),
          `<code>${esc(short(p.by.id))}</code>`,
          esc(p.blockNumber),
        ]),
        "double-pledges",
      );
  }

  /**
   * A link printed by `abs indexer login` (or `npm start`) carries a session token in the fragment (never
   * sent to a server by the browser): trade it for the session cookie, and take it out of the address bar
   * and the history.
   */
  async function adoptSessionLink() {
    const m = /^#session=([0-9a-f]{64})$/.exec(location.hash);
    if (!m) return;
    history.replaceState(null, "", location.pathname + location.search + "#/");
    await fetch("/auth/session", { method: "POST", headers: { authorization: "Bearer " + m[1] } });
  }

  /** Who the indexer sees: a member, open read-only mode, or nobody (the reason is kept for the sign-in panel). */
  let signedOut = null;
  async function whoami() {
    const who = document.getElementById("who");
    const c = await (await fetch("/auth/session")).json();
    signedOut = c.kind === "none" ? c.reason : null;
    if (c.kind === "none") {
      who.textContent = "not signed in";
      return;
    }
    who.innerHTML =
      c.kind === "member"
        ? `${esc(c.memberId)} (${esc(c.roles.join(", "))}) <a href="#/" data-testid="sign-out">sign out</a>`
        : "";
    const out = who.querySelector("[data-testid=sign-out]");
    if (out)
      out.addEventListener("click", async (ev) => {
        ev.preventDefault();
        await fetch("/auth/sign-out", { method: "POST" });
        await whoami();
        await route();
      });
  }

  const toHex = (text) =>
    "0x" + Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");

  /** Sign in with a browser wallet (EIP-1193 `personal_sign` of the indexer's EIP-4361 challenge). */
  async function walletSignIn() {
    const [address] = await window.ethereum.request({ method: "eth_requestAccounts" });
    const challenge = await (await fetch("/auth/challenge?address=" + encodeURIComponent(address))).json();
    if (!challenge.message) throw new Error(challenge.error ? challenge.error.message : "no challenge");
    const signature = await window.ethereum.request({
      method: "personal_sign",
      params: [toHex(challenge.message), address],
    });
    const res = await fetch("/auth/sign-in", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: challenge.message, signature: signature }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error ? body.error.code + ": " + body.error.message : "sign-in refused");
  }

  function signInPanel(reason) {
    view.innerHTML = `<section data-testid="sign-in"><h2>Sign in</h2>
      <p class="alert">${esc(reason)}</p>
      <p>The dashboard shows what your member's roles allow (the regulator: everything; a trustee: its deals' loans;
      an investor: aggregates of the pools it holds). Sign in with your member key:</p>
      <ul>
        <li>run <code>abs indexer login --indexer ${esc(location.origin)}</code> with your key option
        (<code>--key-env</code>, <code>--keystore</code>) and open the link it prints; or</li>
        <li><button type="button" data-testid="wallet-sign-in" ${window.ethereum ? "" : "disabled"}>sign in with a browser wallet</button>
        ${window.ethereum ? "" : "(no wallet found in this browser)"}</li>
      </ul><p data-testid="sign-in-error" class="alert"></p></section>`;
    view.querySelector("[data-testid=wallet-sign-in]").addEventListener("click", async () => {
      try {
        await walletSignIn();
        await whoami();
        await route();
      } catch (e) {
        view.querySelector("[data-testid=sign-in-error]").textContent = e.message;
      }
    });
  }

  async function route() {
    const hash = location.hash.slice(1) || "/";
    const [pathPart, query] = hash.split("?");
    const parts = pathPart.split("/").filter(Boolean);
    view.innerHTML = "<p>Loading…</p>";
    try {
      if (signedOut !== null) throw new SignInRequired(signedOut);
      if (parts[0] === "pool" && parts[2] === "loans") await loansPage(parts[1], new URLSearchParams(query || ""));
      else if (parts[0] === "pool") await poolPage(parts[1]);
      else if (parts[0] === "loan") await loanPage(parts[1], decodeURIComponent(parts[2]));
      else if (parts[0] === "tranche") await tranchePage(parts[1]);
      else if (parts[0] === "holder") await holderPage(parts[1]);
      else if (parts[0] === "audit") await auditPage(new URLSearchParams(query || ""));
      else if (parts[0] === "alerts") await alertsPage();
      else await poolList();
      view.setAttribute("data-ready", hash);
      await meta();
    } catch (e) {
      if (e instanceof SignInRequired) {
        signInPanel(e.message);
        view.setAttribute("data-ready", "sign-in");
        return;
      }
      view.innerHTML = `<p class="alert" data-testid="error">${esc(e.message)}</p>`;
    }
  }

  const start = () => adoptSessionLink().then(whoami).then(route);
  // A session link opened on a page already loaded only changes the fragment.
  window.addEventListener("hashchange", () => (location.hash.startsWith("#session=") ? start() : route()));
  start();
})();

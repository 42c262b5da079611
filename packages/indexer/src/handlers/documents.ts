// DocumentRegistry: deal documents by hash and version, and their sign-offs.
import { type EventHandler, ROLE, enumName, getMember, load, num } from "./context";

const registered: EventHandler = async (ctx) => {
  const a = ctx.args;
  const deal = a.str("deal");
  const pool = (await ctx.store.get("Pool", deal)) ? deal : null;
  await getMember(ctx.store, a.str("registeredBy"), ctx.log.timestamp);
  await ctx.store.set("Document", a.str("docId"), {
    docId: a.str("docId"),
    deal,
    pool,
    docType: a.str("docType"),
    version: a.int("version"),
    contentHash: a.str("contentHash"),
    uri: a.str("uri"),
    requiredRoles: a.int("requiredRoles"),
    signedRoles: 0,
    status: "Current",
    approved: false,
    approvedAt: null,
    registeredBy: a.str("registeredBy"),
    registeredAt: String(ctx.log.timestamp),
    supersedes: a.str("supersedes") === "0" ? null : a.str("supersedes"),
    supersededBy: null,
  });
  ctx.audit.pool = pool;
};

const superseded: EventHandler = async (ctx) => {
  const old = await load(ctx.store, "Document", ctx.args.str("oldId"));
  await ctx.store.set("Document", ctx.args.str("oldId"), {
    ...old,
    status: "Superseded",
    supersededBy: ctx.args.str("newId"),
  });
  ctx.audit.pool = typeof old["pool"] === "string" ? old["pool"] : null;
};

const signedOff: EventHandler = async (ctx) => {
  const a = ctx.args;
  const d = await load(ctx.store, "Document", a.str("docId"));
  const role = a.int("role");
  await ctx.store.set("Document", a.str("docId"), { ...d, signedRoles: num(d, "signedRoles") | (1 << role) });
  await getMember(ctx.store, a.str("signer"), ctx.log.timestamp);
  await ctx.store.set("DocumentSignOff", `${a.str("docId")}-${a.str("signer")}-${role}`, {
    document: a.str("docId"),
    signer: a.str("signer"),
    role: enumName(ROLE, role, "Role"),
    timestamp: String(ctx.log.timestamp),
    transactionHash: ctx.log.txHash,
  });
  ctx.audit.pool = typeof d["pool"] === "string" ? d["pool"] : null;
};

const approved: EventHandler = async (ctx) => {
  const d = await load(ctx.store, "Document", ctx.args.str("docId"));
  await ctx.store.set("Document", ctx.args.str("docId"), {
    ...d,
    approved: true,
    approvedAt: String(ctx.log.timestamp),
  });
  ctx.audit.pool = typeof d["pool"] === "string" ? d["pool"] : null;
  ctx.audit.actor = ctx.log.txFrom;
};

export const documentHandlers = {
  DocumentRegistered: registered,
  DocumentSuperseded: superseded,
  DocumentSignedOff: signedOff,
  DocumentApproved: approved,
};

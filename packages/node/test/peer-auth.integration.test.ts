/**
 * Integration: a real Hardhat node, the consortium deployed by deploy/consortium.ts, the originator's
 * member node started by `startNode` (real LevelDB, real RegistryMemberDirectory over JSON-RPC, real HTTP),
 * and peers signing with their registered Hardhat dev keys.
 */
import { expect } from "chai";
import { type HDNodeWallet, type JsonRpcProvider } from "ethers";
import pino from "pino";
import { ActionKind, hardhatDevWallet } from "@abs/core";
import { ConsortiumRegistry__factory } from "../../../typechain-types";
import { loadNetworkConfig } from "../../../deploy/config";
import { blankAction, confirm } from "../../../deploy/consortium";
import { startNode, type RunningNode } from "../src/node";
import { PEER_HEADERS, signRequest } from "../src/request-signing";
import { ORIGINATOR_ID, startConsortiumChain, type ConsortiumChain } from "./consortium-chain";
import { errorCode, getJson } from "./helpers";

const devKey = hardhatDevWallet;
// Hardhat dev accounts as configured in deploy/networks/localhost.json.
const trustee = devKey(3);
const custodian = devKey(4);
const regulator = devKey(5);
const investor = devKey(6);
const outsider = devKey(15);

describe("peer authentication against a real consortium chain", function () {
  this.timeout(60_000);
  let consortium: ConsortiumChain;
  let provider: JsonRpcProvider;
  let node: RunningNode;
  let registryAddress: string;
  let chainId: bigint;

  const signed = (wallet: HDNodeWallet, now = Date.now()) =>
    signRequest(
      wallet,
      { method: "GET", path: "/v1/whoami" },
      {
        domain: { chainId, registry: registryAddress },
        target: ORIGINATOR_ID,
        now,
      },
    );
  const whoami = async (wallet: HDNodeWallet) => getJson(node.url, "/v1/whoami", await signed(wallet));

  before(async () => {
    consortium = await startConsortiumChain({ withSampleDeal: false }); // no sample deal: faster
    ({ provider, chainId } = consortium);
    registryAddress = consortium.deployment.registry;
    node = await startNode(consortium.originatorConfig(), { logger: pino({ level: "silent" }), env: {} });
  });

  after(async () => {
    await node?.stop();
    await consortium?.stop();
  });

  it("gives the trustee and the regulator loan-level entitlement", async () => {
    const t = await whoami(trustee);
    expect(t.status).to.equal(200);
    expect(t.body).to.deep.equal({
      address: trustee.address,
      memberId: "TRUS-ZHONGXIN-TR",
      roles: ["TRUSTEE"],
      entitlement: "loan-level",
    });
    const r = await whoami(regulator);
    expect(r.status).to.equal(200);
    expect((r.body as { entitlement: string }).entitlement).to.equal("loan-level");
  });

  it("gives an investor aggregates only, and refuses a member with no entitled role", async () => {
    const i = await whoami(investor);
    expect(i.status).to.equal(200);
    expect(i.body).to.include({ memberId: "INV-PENSION-01", entitlement: "aggregates" });
    const c = await whoami(custodian);
    expect([c.status, errorCode(c.body)]).to.deep.equal([403, "PEER_NOT_ENTITLED"]);
  });

  it("refuses a key that is not registered", async () => {
    const o = await whoami(outsider);
    expect([o.status, errorCode(o.body)]).to.deep.equal([403, "PEER_NOT_MEMBER"]);
  });

  it("refuses a replayed, an expired and a forged request", async () => {
    const headers = await signed(trustee);
    expect((await getJson(node.url, "/v1/whoami", headers)).status).to.equal(200);
    const replay = await getJson(node.url, "/v1/whoami", headers);
    expect([replay.status, errorCode(replay.body)]).to.deep.equal([401, "PEER_AUTH_REPLAYED"]);

    const old = await getJson(node.url, "/v1/whoami", await signed(trustee, Date.now() - 31_000));
    expect([old.status, errorCode(old.body)]).to.deep.equal([401, "PEER_AUTH_EXPIRED"]);

    // The outsider signs, but claims to be the trustee.
    const forged = await signed(outsider);
    forged[PEER_HEADERS.caller] = trustee.address;
    const f = await getJson(node.url, "/v1/whoami", forged);
    expect([f.status, errorCode(f.body)]).to.deep.equal([401, "PEER_AUTH_FORGED"]);
  });

  it("refuses the regulator once governance has suspended it (read at request time, no cache)", async () => {
    const config = loadNetworkConfig("localhost");
    const voters = config.members.filter((m) => m.voting).map((m) => consortium.signerOf(m.name));
    const registry = ConsortiumRegistry__factory.connect(registryAddress, provider);
    const [proposer, ...approvers] = voters;
    if (!proposer) throw new Error("no voting member configured");
    await confirm(
      registry
        .connect(proposer)
        .propose(blankAction({ kind: ActionKind.SuspendMember, account: regulator.address }), 86_400),
    );
    const id = await registry.proposalCount();
    for (const voter of approvers) {
      if ((await registry.proposalInfo(id)).status !== 1n) break; // executed at threshold
      await confirm(registry.connect(voter).approve(id));
    }
    expect(await registry.isActive(regulator.address)).to.equal(false);

    const r = await whoami(regulator);
    expect([r.status, errorCode(r.body)]).to.deep.equal([403, "PEER_NOT_MEMBER"]);
  });
});

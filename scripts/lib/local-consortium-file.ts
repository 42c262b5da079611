/**
 * The consortium file of the local consortium (see packages/cli/src/consortium/consortium-file.ts), written by
 * `npm start` and the end-to-end tests: the chain's RPC URL, every contract of the deployment, and each member
 * with its key file and node, so that `abs --as <member>` needs no other flag.
 */
import { type ConsortiumFile, writeConsortiumFile } from "@abs/cli";
import { type NetworkConfig } from "../../deploy/config";
import { type ConsortiumDeployment } from "../../deploy/consortium";
import { type RunningMemberNode } from "./member-nodes";

export function localConsortiumFile(args: {
  config: NetworkConfig;
  chainId: number;
  rpcUrl: string;
  deployment: ConsortiumDeployment;
  keyFiles: ReadonlyMap<string, string>;
  nodes: readonly RunningMemberNode[];
  operatorTokenFile?: string;
  indexerUrl?: string;
}): ConsortiumFile {
  const d = args.deployment;
  return {
    version: 1,
    network: args.config.network,
    chainId: args.chainId,
    rpcUrl: args.rpcUrl,
    currency: args.config.cashToken.currency,
    contracts: {
      ConsortiumRegistry: d.registry,
      TrancheTokenFactory: d.trancheFactory,
      AssetPoolFactory: d.poolFactory,
      OfferingFactory: d.offeringFactory,
      DvPSettlement: d.dvp,
      ReconciliationLog: d.reconciliationLog,
      CashToken: d.cashToken,
      DocumentRegistry: d.documents,
      PledgeRegistry: d.pledges,
      WaterfallEngine: d.waterfallEngine,
      WaterfallFactory: d.waterfallFactory,
    },
    members: args.config.members.map((m) => {
      const address = d.members.find((x) => x.name === m.name)?.address;
      if (address === undefined) throw new Error(`member ${m.name} is not in the deployment`);
      const keyFile = args.keyFiles.get(m.name);
      const nodeUrl = args.nodes.find((n) => n.name === m.name)?.url;
      return {
        name: m.name,
        memberId: m.memberId,
        legalEntity: m.legalEntity,
        roles: [...m.roles],
        address,
        ...(keyFile === undefined ? {} : { keyFile }),
        ...(nodeUrl === undefined ? {} : { nodeUrl }),
      };
    }),
    ...(args.operatorTokenFile === undefined ? {} : { operatorTokenFile: args.operatorTokenFile }),
    ...(args.indexerUrl === undefined ? {} : { indexerUrl: args.indexerUrl }),
  };
}

export { writeConsortiumFile };

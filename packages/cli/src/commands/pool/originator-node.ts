/** A pool's originator and its node as the consortium file names it, for signed requests to that node. */
import { Contract } from "ethers";
import { ASSET_POOL_ABI, type PeerTarget } from "@abs/node";
import { signerOf } from "../../chain";
import { consortiumContract } from "../../consortium/acting-member";
import { type ConsortiumMember } from "../../consortium/consortium-file";
import { type ChainSession } from "../../deal/deal-session";
import { type CliIo } from "../../io";

/** The pool's originator address (lower case) and its consortium-file entry (undefined if the file has none). */
export async function originatorOf(
  session: ChainSession,
  pool: string,
): Promise<{ readonly address: string; readonly member: ConsortiumMember | undefined }> {
  const address = String(
    await new Contract(pool, ASSET_POOL_ABI, session.provider).getFunction("originator").staticCall(),
  ).toLowerCase();
  return { address, member: session.file.members.find((m) => m.address.toLowerCase() === address) };
}

/** How the acting member signs requests to other members' nodes: its key, this consortium's domain. */
export async function peerSigning(
  session: ChainSession,
  options: Parameters<typeof signerOf>[0],
  io: CliIo,
): Promise<Omit<PeerTarget, "baseUrl" | "target">> {
  return {
    signer: await signerOf(options, io),
    domain: {
      chainId: (await session.provider.getNetwork()).chainId,
      registry: consortiumContract(session.file, "ConsortiumRegistry"),
    },
  };
}

/**
 * Who sends the acting member's transactions: its node when `abs --as <member>` selects a member with a node in
 * the consortium file and the operator token is at hand (see `NodeSender`), else the key signing here (an explicit
 * --hardhat-account, --key-env or --keystore, or a member without a node), its nonces counted by a `NonceManager`
 * so several transactions of one command go out back to back.
 */
import { readFile } from "node:fs/promises";
import { type JsonRpcProvider, NonceManager, type Signer } from "ethers";
import { signerOf } from "./chain";
import { actingMember, selectedMemberName } from "./consortium/acting-member";
import { type CliIo } from "./io";
import { NodeSender } from "./node-sender";

export interface MemberSender {
  /** The member's address (the key's). */
  readonly address: string;
  /** Signs or has its node sign: every transaction goes through it. */
  readonly sender: Signer;
  /** Where its transactions go out: the member's node URL, or "local". */
  readonly via: string;
}

/** The signer options of a command (see `withSignerOptions`). */
type SignerOptions = Parameters<typeof signerOf>[0];

export async function senderOf(options: SignerOptions, io: CliIo, provider: JsonRpcProvider): Promise<MemberSender> {
  const wallet = await signerOf(options, io);
  const explicit =
    options.hardhatAccount !== undefined || options.keyEnv !== undefined || options.keystore !== undefined;
  if (!explicit && selectedMemberName(io) !== undefined) {
    const { file, member } = actingMember(io);
    const tokenFile = io.env.ABS_OPERATOR_TOKEN_FILE ?? file.operatorTokenFile;
    const token = tokenFile === undefined ? undefined : await readFile(tokenFile, "utf8").catch(() => undefined);
    if (member.nodeUrl !== undefined && token !== undefined && token.trim() !== "") {
      const node = { url: member.nodeUrl, token: token.trim() };
      return { address: wallet.address, sender: new NodeSender(wallet, node, provider), via: member.nodeUrl };
    }
  }
  return { address: wallet.address, sender: new NonceManager(wallet.connect(provider)), via: "local" };
}

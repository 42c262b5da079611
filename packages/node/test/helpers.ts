import { Writable } from "node:stream";
import { type Wallet } from "ethers";
import pino, { type Logger } from "pino";
import { type RoleName } from "@abs/core";
import { type MemberDirectory, type MemberRecord } from "../src/entitlement";
import { DirectoryUnavailableError } from "../src/errors";
import { type PeerRequestHeaders } from "../src/request-signing";

/** A pino logger writing JSON lines into `lines` (to assert what is and is not logged). */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(
        ...chunk
          .toString("utf8")
          .split("\n")
          .filter((l) => l.length > 0),
      );
      done();
    },
  });
  return { logger: pino({ level: "debug" }, sink), lines };
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

/** GET `url + path` with the given headers; parses the JSON answer. */
export async function getJson(
  baseUrl: string,
  path: string,
  headers: Partial<PeerRequestHeaders> = {},
): Promise<JsonResponse> {
  const res = await fetch(baseUrl + path, { headers: headers as Record<string, string> });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** The `error.code` of an error answer (or undefined). */
export function errorCode(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const error = (body as { error: { code?: unknown } }).error;
  return typeof error.code === "string" ? error.code : undefined;
}

/** An in-memory member directory; `down` simulates an unreachable chain. */
export class FakeDirectory implements MemberDirectory {
  down = false;
  private readonly records = new Map<string, MemberRecord>();
  add(wallet: Wallet, memberId: string, roles: RoleName[], status: MemberRecord["status"] = "Active"): void {
    this.records.set(wallet.address, { address: wallet.address, memberId, roles, status });
  }
  lookup(address: string): Promise<MemberRecord> {
    if (this.down) return Promise.reject(new DirectoryUnavailableError("registry unreachable"));
    return Promise.resolve(this.records.get(address) ?? { address, memberId: "", status: "None", roles: [] });
  }
}

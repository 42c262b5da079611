/**
 * Streaming a file to the acting member's node over its operator API (`Authorization: Bearer <token>`): a tape
 * to the originator's node (`abs tape upload`), a performance file to the servicer's (`abs report submit`).
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { request as httpsRequest } from "node:https";
import { z } from "zod";
import { actingMember, selectedMemberName } from "./consortium/acting-member";
import { readConsortiumFile } from "./consortium/consortium-file";
import { CliError } from "./errors";
import { type CliIo } from "./io";

/** The node to send to: `--node`, else the node of the member `abs --as` selects; `what` names it in the error. */
export function actingNodeUrl(node: string | undefined, io: CliIo, what: string): string {
  const url = node ?? (selectedMemberName(io) === undefined ? undefined : actingMember(io).member.nodeUrl);
  if (url === undefined)
    throw new CliError("USAGE", `Invalid option --node: expected ${what} (or \`abs --as <member>\` whose node it is)`);
  return url;
}

/** The operator token: --token-file, else $ABS_OPERATOR_TOKEN_FILE, else the consortium file's. */
export async function readOperatorToken(file: string | undefined, io: CliIo): Promise<string> {
  const path = file ?? io.env.ABS_OPERATOR_TOKEN_FILE ?? readConsortiumFile(io)?.operatorTokenFile;
  if (path === undefined) {
    throw new CliError(
      "USAGE",
      "Invalid option --token-file: the node's operator token file is required (or $ABS_OPERATOR_TOKEN_FILE)",
    );
  }
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    throw new CliError("KEY_FILE_INVALID", `Cannot read the token file ${JSON.stringify(path)}`, { cause: error });
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** A node's refusal: `{ error: { code, message } }`. */
export const nodeErrorAnswer = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** The CLI error for a node's answer that is neither a success nor an expected refusal. */
export function nodeRefusal(answer: HttpAnswer, what: string): CliError {
  const refused = nodeErrorAnswer.safeParse(answer.body);
  return new CliError(
    "NODE_REQUEST_FAILED",
    refused.success
      ? `The node refused ${what} (HTTP ${answer.status} ${refused.data.error.code}): ${refused.data.error.message}`
      : `The node answered HTTP ${answer.status} with an unexpected body`,
  );
}

/** POST the file as a stream; `onSent(bytes, rows)` as it goes (rows = line breaks sent). */
export function postFile(
  url: URL,
  headers: Record<string, string>,
  file: string,
  onSent: (bytes: number, rows: number) => void,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : request;
    const req = send(url, { method: "POST", headers: { ...headers, "content-type": "application/octet-stream" } });
    const input = createReadStream(file, { highWaterMark: 256 * 1024 });
    let bytes = 0;
    let rows = 0;
    input.on("data", (chunk) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      bytes += buffer.length;
      for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) rows += 1;
      onSent(bytes, rows);
    });
    input.on("error", reject);
    req.on("error", (error) => {
      input.destroy();
      reject(
        new CliError("NODE_REQUEST_FAILED", `Cannot reach the node at ${url.origin}: ${error.message}`, {
          cause: error,
        }),
      );
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        input.destroy();
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    input.pipe(req);
  });
}

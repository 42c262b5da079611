/** A real HTTP JSON-RPC proxy in front of a chain node that can be told to fail (for retry/resume tests). */
import { createServer, request, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import { keccak256 } from "ethers";

/** A JSON-RPC proxy that answers 503 to the next `failNext` requests (and to every `eth_sendRawTransaction` while `dropSends`). */
export class FlakyProxy {
  failNext = 0;
  dropSends = false;
  /** Answer every `eth_sendRawTransaction` with its hash without passing it on: the chain never hears of it. */
  swallowSends = false;
  swallowed = 0;
  failures = 0;
  private server: Server | undefined;
  url = "";
  constructor(private readonly target: string) {}
  async start(): Promise<void> {
    const target = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const isSend = body.toString().includes("eth_sendRawTransaction");
        if (this.swallowSends && isSend) {
          const request = JSON.parse(body.toString()) as { id: number; params: [string] };
          this.swallowed += 1;
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ jsonrpc: "2.0", id: request.id, result: keccak256(request.params[0]) }));
          return;
        }
        if (this.failNext > 0 || (this.dropSends && isSend)) {
          if (this.failNext > 0) this.failNext -= 1;
          this.failures += 1;
          res.writeHead(503).end("unavailable");
          return;
        }
        const upstream = request(
          { host: target.hostname, port: target.port, path: "/", method: "POST", headers: req.headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** A real HTTP JSON-RPC proxy in front of a chain node that can be told to fail (for retry/resume tests). */
import { createServer, request, type Server } from "node:http";
import { type AddressInfo } from "node:net";

/** A JSON-RPC proxy that answers 503 to the next `failNext` requests (and to every `eth_sendRawTransaction` while `dropSends`). */
export class FlakyProxy {
  failNext = 0;
  dropSends = false;
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

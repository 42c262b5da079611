/**
 * `node main.js`: one member node process. Config from the environment (see config.ts); stops
 * gracefully on SIGINT/SIGTERM (in-flight requests finish, LevelDB is closed), exit code 0;
 * a bad configuration exits 2, any other start failure 1.
 */
import pino from "pino";
import { parseNodeConfig } from "./config";
import { ConfigError } from "./errors";
import { startNode } from "./node";

async function main(): Promise<void> {
  let config;
  try {
    config = parseNodeConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { service: "abs-node", memberId: config.memberId } });
  const node = await startNode(config, { logger, env: process.env });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    node.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`abs-node failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});

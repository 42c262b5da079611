/**
 * `npm start -w @abs/indexer`: the indexer as a process, configured by ABS_INDEXER_* (see README), with
 * V8's young generation at 64 MiB (`--max-semi-space-size=64`): a range's writes live until its batch
 * lands, and fewer of them outlive a young collection (catch-up ~5-8 % faster, README benchmarks).
 */
import { parseIndexerConfig } from "./config";
import { startIndexerService } from "./service";

async function main(): Promise<void> {
  const config = parseIndexerConfig(process.env);
  const service = await startIndexerService({ config });
  console.log(`abs indexer: dashboard ${service.url}/  GraphQL ${service.url}/graphql`);
  const shutdown = (): void => {
    void service.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
});

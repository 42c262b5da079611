import { subtask, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_TEST_GET_TEST_FILES } from "hardhat/builtin-tasks/task-names";
import { readdirSync } from "node:fs";
import path from "node:path";
import "@nomicfoundation/hardhat-toolbox";

/**
 * The Solidity compiler version every contract is pinned to. `solc` in package.json is pinned to
 * the same version: Hardhat would otherwise download the compiler, and these machines are offline.
 */
const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version().replace(".Emscripten.clang", ""),
  };
});

/** Contract test suites run by `hardhat test`; `test/e2e` runs separately against a real node process. */
const CONTRACT_TEST_DIRS = ["test/unit", "test/integration", "test/property"];

subtask(TASK_TEST_GET_TEST_FILES, async (args: { testFiles: string[] }, _hre, runSuper) => {
  if (args.testFiles.length > 0) return runSuper(args);
  return CONTRACT_TEST_DIRS.flatMap((dir) => listTests(path.join(__dirname, dir)));
});

function listTests(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listTests(full);
    return e.name.endsWith(".test.ts") ? [full] : [];
  });
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // Cancun: Besu genesis files for the consortium must set `cancunTime: 0` to match.
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
    },
  },
  networks: {
    hardhat: {
      hardfork: "cancun",
      loggingEnabled: false,
    },
    localhost: {
      url: process.env.ABS_RPC_URL ?? "http://127.0.0.1:8545",
    },
    // A Besu QBFT consortium: its genesis must enable cancun (`cancunTime: 0`) to match evmVersion.
    // Keys are not configured here: deploy/ reads each member's key from its own env variable.
    besu: {
      url: process.env.ABS_BESU_RPC_URL ?? "http://127.0.0.1:8545",
    },
  },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "1",
  },
  mocha: {
    timeout: 120_000,
  },
};

export default config;

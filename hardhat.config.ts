import { subtask, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
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
    spec: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts", "test/property/**/*.test.ts"],
  },
};

export default config;

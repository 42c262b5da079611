// `npm run build`: every workspace package's TypeScript sources (packages/*/src) transpiled to CommonJS in
// packages/*/dist, file by file (no bundling: paths relative to __dirname stay as they are), with source maps.
// esbuild, not tsc: it transpiles the ~150 files in well under a second, so `npm ci` and `npm test` build every
// time and nothing is built by hand; type checking stays with `npm run typecheck` (tsc --noEmit).
import { readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = path.join(ROOT, "packages");

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [file] : [];
  });
}

const started = performance.now();
let files = 0;
for (const name of readdirSync(PACKAGES)) {
  const src = path.join(PACKAGES, name, "src");
  const dist = path.join(PACKAGES, name, "dist");
  let entryPoints;
  try {
    entryPoints = sources(src);
  } catch {
    continue; // not a package with sources
  }
  rmSync(dist, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: dist,
    outbase: src,
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
  });
  files += entryPoints.length;
}
console.log(`built ${files} files of packages/* to dist/ in ${Math.round(performance.now() - started)} ms`);

/**
 * The layers, enforced by `pnpm lint` (depcruise): core at the bottom; stores, renderer, CDN,
 * queue, watches and visual change above it, importing only core; the API above those; the apps
 * on top. Test helpers (testkit) and measurements (bench) are never imported by production code.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const PRODUCTION = "^(packages|apps)/[^/]+/src/";
const TEST_FILE = "\\.test\\.tsx?$";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "An import cycle ties modules that should be apart: move what both need below both.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-is-pure",
      comment: "core is the bottom layer: it imports no workspace package.",
      severity: "error",
      from: { path: "^packages/core/" },
      to: { path: "^(packages|apps)/", pathNot: "^packages/core/" },
    },
    {
      name: "adapters-import-only-core",
      comment:
        "store, renderer, cdn, queue, watches and visual-change implement core's ports: they import only core.",
      severity: "error",
      from: {
        path: "^packages/(store|renderer|cdn|queue|watches|visual-change)/",
        pathNot: TEST_FILE,
      },
      to: { path: "^(packages|apps)/", pathNot: ["^packages/$1/", "^packages/core/"] },
    },
    {
      name: "nothing-imports-apps",
      comment: "The apps are hosts on top: no package imports them.",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "no-test-helpers-in-production",
      comment: "testkit and bench are for tests and measurements, never for what ships.",
      severity: "error",
      from: { path: PRODUCTION, pathNot: [TEST_FILE, "^packages/(testkit|bench)/"] },
      to: { path: "^packages/(testkit|bench)/" },
    },
    {
      name: "no-test-runner-in-production",
      comment: "Test code lives in tests (or a package's test/ folder), not in what ships.",
      severity: "error",
      from: { path: PRODUCTION, pathNot: [TEST_FILE, "^packages/(testkit|bench)/"] },
      to: { path: "(^|/node_modules/)(vitest|@vitest|@playwright)(/|$)" },
    },
    {
      name: "no-test-folders-in-production",
      comment: "A package's test/ folder holds helpers for its tests only.",
      severity: "error",
      from: { path: PRODUCTION, pathNot: TEST_FILE },
      to: { path: "^(packages|apps)/[^/]+/test/" },
    },
    {
      name: "no-dev-dependencies-in-production",
      comment: "What ships needs its packages as dependencies, not devDependencies.",
      severity: "error",
      from: { path: PRODUCTION, pathNot: [TEST_FILE, "^packages/(testkit|bench)/"] },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^(apps|packages)/[^/]+/(\\.next|dist)/"] },
    // TypeScript 7 has no compiler API yet for depcruise to parse with; swc reads the same sources.
    parser: "swc",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};

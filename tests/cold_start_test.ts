/**
 * What a cold start loads: the modules `main.ts` and `edge.ts` import before their first request
 * (their static import graph, from `deno info --json`) hold hono and the app's shell, and none of
 * what a request loads on first use — an endpoint's schemas and its part of `lib/`, zod, the
 * OpenAPI generator and YAML, the MCP SDK, the Swagger UI. The time this saves is measured by
 * `bench/cold_start.ts` (`deno task cold-start`); here the mechanism is held, not the clock.
 */
import { assert, assertEquals } from "@std/assert";
import { ENDPOINTS } from "../routes/app.ts";

interface Info {
  roots: string[];
  redirects: Record<string, string>;
  modules: {
    specifier: string;
    kind?: string;
    npmPackage?: string;
    dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
  }[];
  npmPackages: Record<string, { name: string; dependencies: string[] }>;
}

/** Local modules and npm package names reached from `entry` by static imports alone. */
async function startupGraph(entry: string): Promise<{ local: string[]; packages: string[] }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: new URL("..", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  const info: Info = JSON.parse(new TextDecoder().decode(out.stdout));
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const root = new URL("..", import.meta.url).href;
  const local = new Set<string>(), packages = new Set<string>();
  const addPackage = (id: string) => {
    const pkg = info.npmPackages[id];
    if (!pkg || packages.has(pkg.name)) return;
    packages.add(pkg.name);
    pkg.dependencies.forEach(addPackage);
  };
  const visit = (specifier: string) => {
    const module = bySpecifier.get(info.redirects[specifier] ?? specifier);
    if (!module) return;
    if (module.npmPackage) return addPackage(module.npmPackage);
    if (local.has(module.specifier)) return;
    local.add(module.specifier);
    for (const dependency of module.dependencies ?? []) {
      if (dependency.code && !dependency.isDynamic) visit(dependency.code.specifier);
    }
  };
  info.roots.forEach(visit);
  return {
    local: [...local].map((s) => s.replace(root, "")).sort(),
    packages: [...packages].sort(),
  };
}

/** What only some requests need, loaded on their first use. */
const ON_FIRST_USE = [
  "zod",
  "@hono/zod-openapi",
  "@asteasolutions/zod-to-openapi",
  "yaml",
  "@modelcontextprotocol/sdk",
  "@hono/mcp",
  "swagger-ui-dist",
  "simple-statistics",
];

for (const entry of ["main.ts", "edge.ts"]) {
  Deno.test(`${entry} starts with hono and the app's shell, loading the rest on first use`, async () => {
    const { local, packages } = await startupGraph(entry);
    assertEquals(packages, ["hono"], `npm packages loaded at start-up by ${entry}`);
    for (const module of local) {
      assert(!module.startsWith("lib/"), `${module} is loaded at start-up`);
      assert(
        !ENDPOINTS.some((e) => module === `routes/${e.path.slice("/v1/".length)}.ts`),
        `the endpoint module ${module} is loaded at start-up`,
      );
    }
    for (const name of ON_FIRST_USE) assert(!packages.includes(name), name);
  });
}

Deno.test("deno.json asks Deno to load dynamic imports when they run, not at start-up", async () => {
  // Without it, `deno run` reads and resolves every statically analysable `import()` before the
  // first line runs (measured: 36–92 ms for lib/diagnose alone), which undoes the lazy loading.
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert(config.unstable?.includes("lazy-dynamic-imports"));
});

/**
 * `deno task build [DIR] [FILE…]`: the deployable bundles, every dependency inside (default
 * DIR: dist/; default: every FILE). wrangler.toml's build step makes `lossdoctor.mjs` alone (a
 * second file written beside it would make `wrangler dev` restart the worker).
 *
 * - `lossdoctor.mjs`: `edge.ts` for any Fetch-API runtime: a module worker (`export default
 *   { fetch }`, what `wrangler.toml` deploys), and `createApp`, `configFromEnv` for hosts that
 *   build their own. Web APIs only.
 * - `node.mjs`: `node.ts`, the server on Node (`node dist/node.mjs`).
 *
 * The Swagger UI text and the modules loaded on first use are inside; they are evaluated on
 * first use, as under Deno.
 */
import { resolve } from "node:path";

const [dir, ...only] = Deno.args;
const out = resolve(dir ?? "dist");
const root = new URL("..", import.meta.url).pathname;
const bundles = [
  { entry: "edge.ts", file: "lossdoctor.mjs", platform: "browser" },
  { entry: "node.ts", file: "node.mjs", platform: "deno" },
];
await Deno.mkdir(out, { recursive: true });
for (const { entry, file, platform } of bundles) {
  if (only.length > 0 && !only.includes(file)) continue;
  const target = `${out}/${file}`;
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", platform, "-o", target, entry],
    cwd: root,
    stderr: "inherit",
  }).output();
  if (!built.success) Deno.exit(built.code || 1);
  console.log(`wrote ${target} (${((await Deno.stat(target)).size / 1e6).toFixed(1)} MB)`);
}

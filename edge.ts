/**
 * lossdoctor for any Fetch-API runtime (Cloudflare Workers, Deno Deploy, Node behind a Fetch
 * adapter, a bundle): the app without `main.ts`, which is the only file that touches `Deno`.
 * `deno task build` bundles it into `dist/lossdoctor.mjs`, which `wrangler.toml` deploys.
 *
 * @module
 */
import { type App, createApp } from "./routes/app.ts";
import { configFromEnv } from "./routes/config.ts";

export { type AppOptions, createApp } from "./routes/app.ts";
export { type Config, configFromEnv, defaultConfig } from "./routes/config.ts";

let app: App | undefined;

/**
 * A module worker: `fetch(request, env)` reads the settings from `env` (a Worker's vars and
 * secrets, or any object of strings; see docs/limits.md) on the first request and keeps the app
 * for the isolate's life. Answers are not gzipped here: Workers compress on their own, and would
 * compress a gzipped body again.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import worker from "./edge.ts";
 * const res = await worker.fetch(new Request("http://localhost/healthz"), {});
 * assertEquals((await res.json()).status, "ok");
 * assertEquals(res.headers.get("content-encoding"), null); // Workers compress on their own
 * ```
 */
const worker = {
  fetch(request: Request, env: Record<string, unknown> = {}): Response | Promise<Response> {
    app ??= createApp(
      configFromEnv((name) => {
        const value = env[name];
        return typeof value === "string" ? value : undefined;
      }),
      { compress: false },
    );
    return app.fetch(request);
  },
};
export default worker;

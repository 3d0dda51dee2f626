/**
 * lossdoctor for any Fetch-API runtime (Cloudflare Workers, Deno Deploy, Node behind a Fetch
 * adapter, a bundle): the app without `main.ts`, which is the only file that touches `Deno`.
 *
 * The default export is a module worker: `fetch(request, env)` reads the settings from `env`
 * (a Worker's bindings, or any object of strings) on the first request and keeps the app for
 * the isolate's life. `createApp` and `configFromEnv` are exported for hosts that build their
 * own (`createApp(configFromEnv((name) => process.env[name]))` on Node).
 */
import { type App, createApp } from "./routes/app.ts";
import { configFromEnv } from "./routes/config.ts";

export { createApp } from "./routes/app.ts";
export { type Config, configFromEnv, defaultConfig } from "./routes/config.ts";

let app: App | undefined;

export default {
  fetch(request: Request, env: Record<string, unknown> = {}): Response | Promise<Response> {
    app ??= createApp(configFromEnv((name) => {
      const value = env[name];
      return typeof value === "string" ? value : undefined;
    }));
    return app.fetch(request);
  },
};

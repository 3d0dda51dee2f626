/**
 * Starts lossdoctor on Deno: the only file that knows which runtime it is on.
 *
 * Listens on `HOST` (default 0.0.0.0) and `PORT` (default 8000); the limits come from the
 * environment (see `routes/config.ts` and docs/limits.md). Run as the main module only
 * (`deno task start`, Deno Deploy's entry point), so importing it serves nothing.
 *
 * @module
 */
import { createApp } from "./routes/app.ts";
import { configFromEnv } from "./routes/config.ts";

if (import.meta.main) {
  const app = createApp(configFromEnv((name) => Deno.env.get(name)));
  const port = Number(Deno.env.get("PORT") ?? 8000);
  const hostname = Deno.env.get("HOST") ?? "0.0.0.0";
  Deno.serve({ port, hostname }, app.fetch);
}

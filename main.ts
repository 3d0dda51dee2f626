/**
 * Starts lossdoctor on Deno: the only file that knows which runtime it is on.
 *
 * Listens on `HOST` (default 0.0.0.0) and `PORT` (default 8000); limits come from the
 * environment (see `routes/config.ts` and the README).
 */
import { createApp } from "./routes/app.ts";
import { configFromEnv } from "./routes/config.ts";

const app = createApp(configFromEnv((name) => Deno.env.get(name)));
const port = Number(Deno.env.get("PORT") ?? 8000);
const hostname = Deno.env.get("HOST") ?? "0.0.0.0";

Deno.serve({ port, hostname }, app.fetch);

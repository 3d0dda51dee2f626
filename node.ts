/**
 * Starts lossdoctor on Node (20 or later): the only file that knows it runs on Node, as `main.ts`
 * is on Deno. `deno task build` bundles it, with every dependency, into `dist/node.mjs`, which
 * runs with `node dist/node.mjs` in any folder, a CommonJS npm project included (the `.mjs`
 * extension makes it a module whatever the `package.json` says).
 *
 * Listens on `HOST` (default 0.0.0.0) and `PORT` (default 8000); the limits come from the
 * environment (see `routes/config.ts` and docs/limits.md).
 *
 * @module
 */
import { serve } from "@hono/node-server";
import process from "node:process";
import { createApp } from "./routes/app.ts";
import { configFromEnv } from "./routes/config.ts";

const app = createApp(configFromEnv((name) => process.env[name]));
const port = Number(process.env.PORT ?? 8000);
const hostname = process.env.HOST ?? "0.0.0.0";

serve({ fetch: app.fetch, port, hostname }, (info) => {
  console.log(`lossdoctor listening on http://${hostname}:${info.port}/`);
});

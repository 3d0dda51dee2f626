/** Writes `openapi.yaml` from the route schemas: `deno task openapi`. */
import app, { openapiYaml } from "../routes/app.ts";

const target = new URL("../openapi.yaml", import.meta.url);
await Deno.writeTextFile(target, openapiYaml(app));
console.log(`wrote ${target.pathname}`);

/** Writes `openapi.yaml` from the route schemas: `deno task openapi`. */
import { openapiYaml } from "../routes/app.ts";

const target = new URL("../openapi.yaml", import.meta.url);
await Deno.writeTextFile(target, await openapiYaml());
console.log(`wrote ${target.pathname}`);

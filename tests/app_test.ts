import { assertEquals, assertStringIncludes } from "@std/assert";
import app, { openapiYaml } from "../routes/app.ts";

Deno.test("GET /healthz answers ok", async () => {
  const res = await app.request("/healthz");
  assertEquals(res.status, 200);
  assertEquals((await res.json()).status, "ok");
});

Deno.test("an unknown path is a 404 problem+json", async () => {
  const res = await app.request("/nope");
  assertEquals(res.status, 404);
  assertEquals(res.headers.get("content-type"), "application/problem+json");
  const body = await res.json();
  assertEquals(body.status, 404);
  assertStringIncludes(body.detail, "/nope");
});

Deno.test("a wrong method on a known path is a 405 problem+json with Allow", async () => {
  const res = await app.request("/healthz", { method: "DELETE" });
  assertEquals(res.status, 405);
  assertEquals(res.headers.get("allow"), "GET");
  assertEquals(res.headers.get("content-type"), "application/problem+json");
});

Deno.test("openapi.yaml in the repository is the one the routes generate", async () => {
  const committed = await Deno.readTextFile(new URL("../openapi.yaml", import.meta.url));
  assertEquals(
    committed,
    await openapiYaml(),
    "openapi.yaml is stale: run `deno task openapi` and commit it",
  );
});

Deno.test("GET /openapi.json and /openapi.yaml serve the contract", async () => {
  const json = await app.request("/openapi.json");
  assertEquals(json.status, 200);
  assertEquals((await json.json()).openapi, "3.1.0");
  const yaml = await app.request("/openapi.yaml");
  assertStringIncludes(await yaml.text(), "openapi: 3.1.0");
});

/**
 * The web conventions of the service: compressed answers (hono's `compress`), caching and
 * revalidation of the contract and the `/docs` assets (`Cache-Control`, `ETag`, 304), `/`
 * leading to `/docs`, an `X-Request-Id` on every answer (the caller's, or a new one) that an
 * internal error's log line and 500 answer carry, and MCP tools that declare their output schema,
 * their annotations and a tool list that never changes.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import app, { createApp } from "../routes/app.ts";
import { loadFixture } from "./fixtures.ts";
import { validateSchema } from "./json_schema.ts";

const gzip = { "accept-encoding": "gzip" };

async function gunzip(res: Response): Promise<string> {
  const stream = res.body!.pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

Deno.test("answers are gzipped for a client that accepts gzip, and the same text unzipped", async () => {
  const ssd = await loadFixture("ssd_double_norm");
  const body = JSON.stringify({ loss: ssd.loss, steps_per_epoch: 157 });
  const headers = { "content-type": "application/json" };
  for (
    const [path, init] of [["/openapi.json", {}], ["/docs/swagger-ui-bundle.js", {}], [
      "/v1/spikes",
      { method: "POST", body, headers },
    ]] as const
  ) {
    const plain = await app.request(path, init);
    const text = await plain.text();
    const zipped = await app.request(path, {
      ...init,
      headers: { ...(init as { headers?: Record<string, string> }).headers, ...gzip },
    });
    assertEquals(zipped.headers.get("content-encoding"), "gzip", path);
    assertStringIncludes(zipped.headers.get("vary") ?? "", "Accept-Encoding");
    const bytes = new Uint8Array(await zipped.clone().arrayBuffer()).length;
    assertEquals(await gunzip(zipped), text, path);
    assert(bytes < text.length / 2, `${path}: ${bytes} gzipped bytes of ${text.length}`);
  }
});

Deno.test("/openapi.json and /openapi.yaml are cacheable and revalidate by ETag", async () => {
  for (const path of ["/openapi.json", "/openapi.yaml"]) {
    const first = await app.request(path);
    assertMatch(first.headers.get("cache-control") ?? "", /^public, max-age=\d+$/);
    const etag = first.headers.get("etag");
    assertMatch(etag ?? "", /^"[0-9a-f]+"$/);
    await first.body?.cancel();
    const again = await app.request(path, { headers: { "if-none-match": etag! } });
    assertEquals(again.status, 304, path);
    assertEquals(again.headers.get("etag"), etag);
    const gzipped = await app.request(path, { headers: { ...gzip, "if-none-match": etag! } });
    assertEquals(gzipped.status, 304, `${path}: gzipped`);
  }
  const json = (await app.request("/openapi.json")).headers.get("etag");
  const yaml = (await app.request("/openapi.yaml")).headers.get("etag");
  assert(json !== yaml, "the two forms have different tags");
});

Deno.test("the /docs page and its script revalidate by ETag, the assets are kept a day", async () => {
  for (const path of ["/docs", "/docs/init.js", "/docs/swagger-ui.css"]) {
    const first = await app.request(path);
    const etag = first.headers.get("etag");
    assert(etag, path);
    assert(first.headers.get("cache-control"), path);
    await first.body?.cancel();
    assertEquals((await app.request(path, { headers: { "if-none-match": etag } })).status, 304);
  }
  const css = await app.request("/docs/swagger-ui.css");
  assertEquals(css.headers.get("cache-control"), "public, max-age=86400");
  await css.body?.cancel();
});

Deno.test("/ redirects to /docs", async () => {
  const res = await app.request("/");
  assertEquals(res.status, 302);
  assertEquals(res.headers.get("location"), "/docs");
});

Deno.test("every answer carries an X-Request-Id: the caller's when it is a token, else a new one", async () => {
  const echoed = await app.request("/healthz", { headers: { "x-request-id": "trace-42_a" } });
  assertEquals(echoed.headers.get("x-request-id"), "trace-42_a");
  const made = await app.request("/nope");
  assertMatch(made.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  const refused = await app.request("/healthz", { headers: { "x-request-id": "bad id\u00e9" } });
  assert(refused.headers.get("x-request-id") !== "bad id\u00e9");
  const other = await app.request("/healthz");
  assert(other.headers.get("x-request-id") !== made.headers.get("x-request-id"));
});

Deno.test("an internal error is logged with the request id its 500 answer gives", async () => {
  const broken = createApp();
  broken.get("/broken", () => {
    throw new Error("a bug");
  });
  const logged: string[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => logged.push(args.join(" "));
  try {
    const res = await broken.request("/broken", { headers: { "x-request-id": "req-7" } });
    assertEquals(res.status, 500);
    assertStringIncludes((await res.json()).detail, "req-7");
  } finally {
    console.error = error;
  }
  assertEquals(logged.length, 1);
  assertStringIncludes(logged[0], "GET /broken (request req-7)");
  assert(!logged[0].includes("a bug"), "the message is withheld");
});

async function mcpClient(): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL("http://lossdoctor.test/mcp"), {
    fetch: async (input, init) => await app.request(String(input), init),
  });
  const client = new Client({ name: "conventions-test", version: "0.0.0" });
  await client.connect(transport);
  return client;
}

Deno.test("MCP: the tool list never changes, and each tool is read-only and idempotent", async () => {
  const client = await mcpClient();
  try {
    assertEquals(client.getServerCapabilities()?.tools?.listChanged, false);
    const { tools } = await client.listTools();
    assert(tools.length >= 5);
    for (const tool of tools) {
      assertEquals(tool.annotations?.readOnlyHint, true, tool.name);
      assertEquals(tool.annotations?.destructiveHint, false, tool.name);
      assertEquals(tool.annotations?.idempotentHint, true, tool.name);
      assertEquals(tool.annotations?.openWorldHint, false, tool.name);
    }
  } finally {
    await client.close();
  }
});

Deno.test("MCP: each tool lists its route's answer as outputSchema, and its results match it", async () => {
  const document = await (await app.request("/openapi.json")).json();
  const client = await mcpClient();
  try {
    const { tools } = await client.listTools();
    const spikes = tools.find((t) => t.name === "analyze_loss_spikes")!;
    for (const tool of tools) {
      assertEquals(tool.outputSchema?.type, "object", tool.name);
      assert(
        !JSON.stringify(tool.outputSchema).includes("$ref"),
        `${tool.name}: references inlined`,
      );
    }
    const route = document.paths["/v1/spikes"].post.responses["200"].content["application/json"];
    const ssd = await loadFixture("ssd_double_norm");
    const result = await client.callTool({
      name: spikes.name,
      arguments: { loss: ssd.loss, dataset_size: 5000, batch_size: 32 },
    });
    assertEquals(validateSchema(result.structuredContent, spikes.outputSchema!, document), []);
    assertEquals(validateSchema(result.structuredContent, route.schema, document), []);
  } finally {
    await client.close();
  }
});

/**
 * POST /mcp, driven by the MCP SDK's own client (what a chat bot's host runs), through
 * `app.request` (no server) except for one test over a real loopback socket.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { OpenAPIHono, z } from "@hono/zod-openapi";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import app, { type App, createApp, tools as appTools } from "../routes/app.ts";
import type { Tool } from "../routes/common.ts";
import { defaultConfig } from "../routes/config.ts";
import { registerMcp } from "../routes/mcp.ts";

/** A test-only tool: adds numbers (the app itself never serves it). */
const addNumbers: Tool<{ numbers: number[] }, { sum: number; summary: string }> = {
  name: "add_numbers",
  title: "Add numbers",
  description: "Adds a list of numbers.",
  input: z.object({ numbers: z.array(z.number()).min(1) }),
  run: ({ numbers }) => {
    const sum = numbers.reduce((s, v) => s + v, 0);
    return { sum, summary: `The sum is **${sum}**.` };
  },
};

/** A test-only tool whose run rejects its input, as lib/ does, or fails unexpectedly. */
const picky: Tool<{ mode: "range" | "bug" }> = {
  name: "picky",
  title: "Picky",
  description: "Fails.",
  input: z.object({ mode: z.enum(["range", "bug"]) }),
  run: ({ mode }) => {
    if (mode === "range") throw new RangeError("numbers must be sorted, found 3 before 1");
    throw new Error("secret internal state");
  },
};

/** A bare app with /mcp serving `tools`. */
function appWith(tools: Tool[]): App {
  const bare: App = new OpenAPIHono();
  registerMcp(tools)(bare, defaultConfig);
  return bare;
}

/** An SDK client connected to `target` through `target.request`. */
async function connect(target: App, headers: Record<string, string> = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL("http://lossdoctor.test/mcp"), {
    fetch: async (input, init) => await target.request(String(input), init),
    requestInit: { headers },
  });
  const client = new Client({ name: "test-client", version: "0.0.0" });
  await client.connect(transport);
  return client;
}

Deno.test("the SDK client lists the tools with JSON Schemas made from their zod schemas", async () => {
  const client = await connect(appWith([addNumbers, picky]));
  const { tools } = await client.listTools();
  assertEquals(tools.map((t) => t.name), ["add_numbers", "picky"]);
  const add = tools[0];
  assertEquals([add.title, add.description], ["Add numbers", "Adds a list of numbers."]);
  assertEquals(add.inputSchema.type, "object");
  assertEquals(add.inputSchema.required, ["numbers"]);
  const numbers = add.inputSchema.properties?.numbers as Record<string, unknown>;
  assertEquals(numbers.type, "array");
  assertEquals(numbers.minItems, 1);
  assertEquals((numbers.items as Record<string, unknown>).type, "number");
  assertEquals((tools[1].inputSchema.properties?.mode as { enum: string[] }).enum, [
    "range",
    "bug",
  ]);
  assertEquals(client.getServerVersion()?.name, "lossdoctor");
  await client.close();
});

Deno.test("a tool call returns the Markdown summary, then the JSON as text and structure", async () => {
  const client = await connect(appWith([addNumbers]));
  const result = await client.callTool({
    name: "add_numbers",
    arguments: { numbers: [1, 2, 3.5] },
  });
  assertEquals(result.isError, undefined);
  const content = result.content as { type: string; text: string }[];
  assertEquals(content.map((c) => c.type), ["text", "text"]);
  assertEquals(content[0].text, "The sum is **6.5**.");
  assertEquals(JSON.parse(content[1].text), { sum: 6.5, summary: "The sum is **6.5**." });
  assertEquals(result.structuredContent, { sum: 6.5, summary: "The sum is **6.5**." });
  // Non-finite answers are written as on HTTP: the string "Infinity", not null.
  const huge = await client.callTool({
    name: "add_numbers",
    arguments: { numbers: [1e308, 1e308] },
  });
  assertEquals((huge.structuredContent as { sum: unknown }).sum, "Infinity");
  assertStringIncludes((huge.content as { text: string }[])[1].text, '"sum":"Infinity"');
  await client.close();
});

Deno.test("bad arguments and errors in run are tool errors the model can read", async () => {
  const client = await connect(appWith([addNumbers, picky]));
  const invalid = await client.callTool({ name: "add_numbers", arguments: { numbers: "1,2" } });
  assertEquals(invalid.isError, true);
  assertStringIncludes((invalid.content as { text: string }[])[0].text, "numbers");
  const range = await client.callTool({ name: "picky", arguments: { mode: "range" } });
  assertEquals(range.isError, true);
  assertEquals(
    (range.content as { text: string }[])[0].text,
    "numbers must be sorted, found 3 before 1",
  );
  const logged: unknown[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    const bug = await client.callTool({ name: "picky", arguments: { mode: "bug" } });
    assertEquals(bug.isError, true);
    const text = (bug.content as { text: string }[])[0].text;
    assert(!text.includes("secret"), "an internal error leaked to the client");
    assertEquals(logged.length, 1);
  } finally {
    console.error = error;
  }
  const unknown = await client.callTool({ name: "nope", arguments: {} });
  assertEquals(unknown.isError, true);
  await client.close();
});

Deno.test("the service's /mcp lists exactly the endpoints' tools", async () => {
  const client = await connect(app);
  const { tools } = await client.listTools();
  assertEquals(tools.map((t) => t.name).sort(), appTools.map((t) => t.name).sort());
  await client.close();
});

Deno.test("with API_TOKEN set, /mcp needs the bearer token", async () => {
  const guarded = createApp({ ...defaultConfig, apiToken: "s3cret" });
  await assertRejects(() => connect(guarded));
  const client = await connect(guarded, { authorization: "Bearer s3cret" });
  assertEquals((await client.listTools()).tools.length, appTools.length);
  await client.close();
});

Deno.test("HTTP-level mistakes on /mcp are problem+json; GET is 405", async () => {
  const post = (body: string, type = "application/json") =>
    app.request("/mcp", { method: "POST", headers: { "content-type": type }, body });
  const malformed = await post("{not json");
  assertEquals(malformed.status, 400);
  assertEquals(malformed.headers.get("content-type"), "application/problem+json");
  assertStringIncludes((await malformed.json()).detail, "Parse error");
  const text = await post("hello", "text/plain");
  assertEquals(text.status, 415);
  const get = await app.request("/mcp");
  assertEquals(get.status, 405);
  assertEquals(get.headers.get("allow"), "POST");
});

Deno.test("the MCP client works over a real loopback socket too", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    appWith([addNumbers]).fetch,
  );
  try {
    const transport = new StreamableHTTPClientTransport(
      new URL(`http://127.0.0.1:${server.addr.port}/mcp`),
    );
    const client = new Client({ name: "test-client", version: "0.0.0" });
    await client.connect(transport);
    const result = await client.callTool({ name: "add_numbers", arguments: { numbers: [2, 2] } });
    assertEquals(result.structuredContent, { sum: 4, summary: "The sum is **4**." });
    await client.close();
  } finally {
    await server.shutdown();
  }
});

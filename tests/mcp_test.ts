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
import app, { type App, createApp, loadTools } from "../routes/app.ts";
import type { Tool } from "../routes/common.ts";
import { defaultConfig } from "../routes/config.ts";
import { registerMcp } from "../routes/mcp.ts";

const appTools = await loadTools();

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

Deno.test("bad arguments are JSON-RPC errors -32602 naming the field, the type and the value", async () => {
  const client = await connect(appWith([addNumbers, picky]));
  const rejected = async (name: string, args: unknown) => {
    const error = await assertRejects(() =>
      client.callTool({ name, arguments: args as Record<string, unknown> })
    ) as unknown as { code: number; message: string; data?: { errors: { pointer: string }[] } };
    assertEquals(error.code, -32602, error.message);
    return error;
  };
  const invalid = await rejected("add_numbers", { numbers: "1,2" });
  assertStringIncludes(invalid.message, "/params/arguments/numbers: expected an array");
  assertStringIncludes(invalid.message, 'found string "1,2"');
  assertEquals(invalid.data?.errors.map((e) => e.pointer), ["/params/arguments/numbers"]);
  const element = await rejected("add_numbers", { numbers: [1, true, true] });
  assertStringIncludes(element.message, "/params/arguments/numbers/1: expected a number");
  const unknown = await rejected("nope", {});
  assertStringIncludes(unknown.message, "unknown tool");
  await client.close();
});

Deno.test("arguments that are not an object are -32602, not an internal error", async () => {
  const target = appWith([addNumbers]);
  for (const args of [null, [1, 2], 5]) {
    const res = await target.request("/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "add_numbers", arguments: args },
      }),
    });
    const answer = await res.json();
    assertEquals([answer.id, answer.error.code], [9, -32602], JSON.stringify(args));
    assertStringIncludes(answer.error.message, "params.arguments: expected an object");
  }
});

Deno.test("errors in run are tool errors the model can read", async () => {
  const client = await connect(appWith([addNumbers, picky]));
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
  await client.close();
});

Deno.test("listed schemas carry the OpenAPI descriptions, with named schemas inlined", async () => {
  const Pair = z.object({ a: z.number(), b: z.number() }).openapi("Pair", {
    description: "Two numbers.",
  });
  const described: Tool<{ pair: { a: number; b: number }; note?: string }> = {
    name: "described",
    title: "Described",
    description: "Has field descriptions.",
    input: z.object({
      pair: Pair,
      note: z.string().optional().openapi({ description: "Free text, ignored." }),
    }),
    run: ({ pair }) => ({ summary: `${pair.a + pair.b}` }),
  };
  const client = await connect(appWith([described]));
  const [tool] = (await client.listTools()).tools;
  const properties = tool.inputSchema.properties as Record<string, Record<string, unknown>>;
  assertEquals(properties.note.description, "Free text, ignored.");
  assertEquals(properties.pair.description, "Two numbers.");
  assertEquals((properties.pair.properties as Record<string, unknown>).a, { type: "number" });
  assert(!JSON.stringify(tool.inputSchema).includes("$ref"), "a reference was left in");
  assertEquals(tool.inputSchema.required, ["pair"]);
  await client.close();
});

Deno.test("the service's /mcp lists exactly the endpoints' tools, all described", async () => {
  const client = await connect(app);
  const { tools } = await client.listTools();
  assertEquals(tools.map((t) => t.name).sort(), appTools.map((t) => t.name).sort());
  for (const tool of tools) {
    assertEquals(tool.inputSchema.type, "object");
    assert((tool.description ?? "").length > 40, `${tool.name} has no real description`);
  }
  await client.close();
});

/** MCP result and HTTP answer of one endpoint, for the same input. */
async function bothWays(client: Client, name: string, path: string, input: unknown) {
  const result = await client.callTool({ name, arguments: input as Record<string, unknown> });
  const res = await app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  assertEquals(res.status, 200);
  return { result, http: await res.json() };
}

Deno.test("an endpoint's MCP tool answers exactly what its HTTP route answers", async () => {
  const client = await connect(app);
  const names = appTools.map((t) => t.name);
  assert(names.includes("predict_last_batch") && names.includes("logsumexp"));
  {
    // 5000 = 156 × 32 + 8: the ssd_double_norm fixture's set-up (its facts: 157 steps, last 8).
    const input = { dataset_size: 5000, batch_size: 32, reduction: "per_item_then_batch_mean" };
    const { result, http } = await bothWays(client, "predict_last_batch", "/v1/last-batch", input);
    assertEquals(result.structuredContent, http);
    const answer = result.structuredContent as { steps_per_epoch: number; last_batch_size: number };
    assertEquals([answer.steps_per_epoch, answer.last_batch_size], [157, 8]);
    assertEquals((result.content as { text: string }[])[0].text, http.summary);
  }
  {
    // exp(12) ≈ 162755 > 65504, the largest binary16: the naive sum overflows in fp16; the
    // stable one gives 12 + ln 2 within fp16's spacing at 12 (2⁻⁷).
    const input = { x: [12, 12], format: "fp16" };
    const { result, http } = await bothWays(client, "logsumexp", "/v1/logsumexp", input);
    assertEquals(result.structuredContent, http);
    const { results } = result.structuredContent as {
      results: { naive: { value: unknown }; stable: { value: number } };
    };
    assertEquals(results.naive.value, "Infinity");
    assert(Math.abs(results.stable.value - (12 + Math.LN2)) <= 2 ** -7);
  }
  await client.close();
});

Deno.test("the tools run with the service's limits: over one, a tool error naming it", async () => {
  const small: App = new OpenAPIHono();
  registerMcp(appTools)(small, { ...defaultConfig, maxSeriesPoints: 3 });
  const client = await connect(small);
  const over = await client.callTool({
    name: "logsumexp",
    arguments: { x: [1, 2, 3, 4], format: "fp32" },
  });
  assertEquals(over.isError, true);
  assertStringIncludes((over.content as { text: string }[])[0].text, "MAX_SERIES_POINTS = 3");
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

Deno.test("the diagnose tool takes non-finite strings in a nested trajectory without an internal error", async () => {
  const client = await connect(app);
  const logged: unknown[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    const trajectory = [0, 1, 2, 3].map((step) => ({
      step,
      q_norm: 10 + step,
      k_norm: "Infinity",
    }));
    const result = await client.callTool({
      name: "diagnose",
      arguments: {
        loss: [2.3, 2.2, 2.1, "-Infinity"],
        dataset_size: 13,
        batch_size: 4,
        contrastive: { temperature: 0.1, precision: "fp16", batch_size: 4, trajectory },
      },
    });
    assert(!JSON.stringify(result.content).includes("internal error"), JSON.stringify(result));
  } finally {
    console.error = error;
  }
  assertEquals(logged, []);
  await client.close();
});

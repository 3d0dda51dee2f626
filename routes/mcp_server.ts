import { StreamableHTTPTransport } from "@hono/mcp";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { type CallToolResult, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { VERSION } from "./app.ts";
import type { Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { errorLine } from "./guards.ts";
import { stringify } from "./json.ts";
import { problem } from "./problem.ts";
import { toolInputSchema, toolOutputSchema } from "./tool_schema.ts";

/**
 * What every tool is (MCP 2025-06-18 "Tool annotations"): it computes an answer from its
 * arguments alone, reads and changes nothing, gives the same answer to the same call, and does
 * not reach outside the service.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { TOOL_ANNOTATIONS } from "./mcp_server.ts";
 * assertEquals(TOOL_ANNOTATIONS.readOnlyHint && !TOOL_ANNOTATIONS.destructiveHint, true);
 * ```
 */
export const TOOL_ANNOTATIONS = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const;

const INSTRUCTIONS = "lossdoctor tells people who train neural networks why their loss curve " +
  "misbehaves (periodic spikes, a partial last batch, fp16 overflow in contrastive losses) and " +
  "what to change. Each tool returns a Markdown summary to show the user, then the JSON answer.";

/**
 * The MCP server for one request, with every tool registered: each tool's input schema is its
 * zod schema, listed with the routes' OpenAPI descriptions (`tool_schema.ts`), with
 * {@linkcode TOOL_ANNOTATIONS} and `listChanged: false` (the server lives for one request, its
 * tools never change). With no tools, `tools/list` is an empty list, not "method not found".
 * `requestId` (the request's X-Request-Id) is logged with an internal error.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * // @ts-types="@modelcontextprotocol/sdk/client/index"
 * import { Client } from "@modelcontextprotocol/sdk/client/index.js";
 * // @ts-types="@modelcontextprotocol/sdk/inMemory"
 * import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
 * import { defaultConfig } from "./config.ts";
 * import { mcpServer } from "./mcp_server.ts";
 * import { z } from "./zod.ts";
 * const add = {
 *   name: "add_numbers",
 *   title: "Add numbers",
 *   description: "Adds a list of numbers.",
 *   input: z.object({ numbers: z.array(z.number()) }),
 *   run: ({ numbers }: { numbers: number[] }) => {
 *     if (numbers.length === 0) throw new RangeError("expected numbers, found none");
 *     const sum = numbers.reduce((s, v) => s + v, 0);
 *     return { sum, summary: `The sum is **${sum}**.` };
 *   },
 * };
 * const [near, far] = InMemoryTransport.createLinkedPair();
 * const server = mcpServer([add], defaultConfig);
 * await server.connect(far);
 * const client = new Client({ name: "example", version: "0" });
 * await client.connect(near);
 * assertEquals(client.getServerCapabilities()?.tools, { listChanged: false });
 * const { tools } = await client.listTools();
 * assertEquals(tools[0].annotations?.readOnlyHint, true);
 * const answer = await client.callTool({ name: "add_numbers", arguments: { numbers: [2, 3] } });
 * assertEquals(answer.structuredContent, { sum: 5, summary: "The sum is **5**." });
 * await client.close();
 * ```
 */
export function mcpServer(tools: readonly Tool[], config: Config, requestId = ""): McpServer {
  const server = new McpServer(
    { name: "lossdoctor", version: VERSION },
    { instructions: INSTRUCTIONS },
  );
  if (tools.length === 0) {
    // The SDK declares the tools capability on the first registerTool; with none, a client's
    // tools/list would get "method not found" instead of an empty list.
    server.server.registerCapabilities({ tools: {} });
    server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [] }));
  }
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        // The SDK checks every result's structuredContent against it.
        outputSchema: tool.output,
        annotations: TOOL_ANNOTATIONS,
      },
      (input: unknown) => callTool(tool, input, config, requestId),
    );
  }
  // The tools never change while the server runs (it lives for one request): the SDK's default
  // for registered tools is `listChanged: true`, which would invite clients to wait for changes.
  server.server.registerCapabilities({ tools: { listChanged: false } });
  if (tools.length > 0) {
    // The SDK validates calls with the zod schema; the schema it lists is ours, which carries
    // the routes' OpenAPI descriptions (see tool_schema.ts).
    server.server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: tools.map((tool) => ({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        inputSchema: toolInputSchema(tool.input) as { type: "object" },
        ...(tool.output
          ? { outputSchema: toolOutputSchema(tool.output) as { type: "object" } }
          : {}),
        annotations: { title: tool.title, ...TOOL_ANNOTATIONS },
      })),
    }));
  }
  return server;
}

/**
 * Runs a tool: its Markdown summary and its JSON (as text and as `structuredContent`, non-finite
 * numbers written as strings as on HTTP), or an error result: a `RangeError`/`TypeError`'s
 * message (what was wrong with the input), or for any other error a generic message, the error
 * being logged (name and stack, not its message).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { callTool } from "./mcp_server.ts";
 * import { z } from "./zod.ts";
 * const add = {
 *   name: "add_numbers",
 *   title: "Add numbers",
 *   description: "Adds a list of numbers.",
 *   input: z.object({ numbers: z.array(z.number()) }),
 *   run: ({ numbers }: { numbers: number[] }) => {
 *     if (numbers.length === 0) throw new RangeError("expected numbers, found none");
 *     const sum = numbers.reduce((s, v) => s + v, 0);
 *     return { sum, summary: `The sum is **${sum}**.` };
 *   },
 * };
 * assertEquals(callTool(add, { numbers: [1, 2] }, defaultConfig), {
 *   content: [
 *     { type: "text", text: "The sum is **3**." },
 *     { type: "text", text: '{"sum":3,"summary":"The sum is **3**."}' },
 *   ],
 *   structuredContent: { sum: 3, summary: "The sum is **3**." },
 * });
 * assertEquals(callTool(add, { numbers: [] }, defaultConfig), {
 *   isError: true,
 *   content: [{ type: "text", text: "expected numbers, found none" }],
 * });
 * ```
 */
export function callTool(
  tool: Tool,
  input: unknown,
  config: Config,
  requestId = "",
): CallToolResult {
  try {
    const answer = tool.run(input, config);
    const json = stringify(answer);
    return {
      content: [{ type: "text", text: answer.summary }, { type: "text", text: json }],
      structuredContent: JSON.parse(json),
    };
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      return { isError: true, content: [{ type: "text", text: error.message }] };
    }
    console.error(errorLine(`MCP tool ${tool.name} (request ${requestId || "?"})`, error));
    return {
      isError: true,
      content: [{ type: "text", text: "an internal error occurred; it has been logged" }],
    };
  }
}

/**
 * Answers one MCP request behind `POST /mcp` (see `mcp.ts`, which checks the message first):
 * stateless, a server and a transport per request, no session id, JSON answers instead of an
 * SSE stream; a transport error (wrong Accept or Content-Type, malformed JSON) is a
 * problem+json with the transport's message.
 *
 * Why a module of its own: the MCP SDK is the heaviest dependency of the service (about 75 ms
 * of module loading, most of a cold start); the HTTP endpoints never need it, so `mcp.ts`
 * imports this file dynamically on the first MCP request, and a process that never serves MCP
 * never loads the SDK.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { handleMcp } from "./mcp_server.ts";
 * import { z } from "./zod.ts";
 * const add = {
 *   name: "add_numbers",
 *   title: "Add numbers",
 *   description: "Adds a list of numbers.",
 *   input: z.object({ numbers: z.array(z.number()) }),
 *   run: ({ numbers }: { numbers: number[] }) => {
 *     if (numbers.length === 0) throw new RangeError("expected numbers, found none");
 *     const sum = numbers.reduce((s, v) => s + v, 0);
 *     return { sum, summary: `The sum is **${sum}**.` };
 *   },
 * };
 * const app = new Hono().post("/mcp", (c) => handleMcp(c, [add], defaultConfig));
 * const list = await app.request("/mcp", {
 *   method: "POST",
 *   headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
 *   body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
 * });
 * const { tools } = (await list.json()).result;
 * assertEquals(tools.map((tool: { name: string }) => tool.name), ["add_numbers"]);
 * const html = await app.request("/mcp", { method: "POST", headers: { accept: "text/html" } });
 * assertEquals(html.headers.get("content-type"), "application/problem+json");
 * ```
 */
export async function handleMcp(
  c: Context,
  tools: readonly Tool[],
  config: Config,
): Promise<Response> {
  const server = mcpServer(tools, config, c.get("requestId"));
  const transport = new StreamableHTTPTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  try {
    await server.connect(transport);
    return (await transport.handleRequest(c)) ?? c.body(null, 202);
  } catch (error) {
    if (error instanceof HTTPException) return await transportProblem(error);
    throw error;
  } finally {
    await server.close();
  }
}

/** A transport error (its body is a JSON-RPC error) as problem+json with the same message. */
async function transportProblem(error: HTTPException): Promise<Response> {
  const res = error.getResponse();
  let message = error.message || res.statusText;
  try {
    const body = await res.json();
    if (typeof body?.error?.message === "string") {
      message = body.error.message + (body.error.data ? `: ${body.error.data}` : "");
    }
  } catch {
    // not JSON: keep the status text
  }
  return problem(res.status, message);
}

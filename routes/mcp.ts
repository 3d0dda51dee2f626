/**
 * `POST /mcp`: the endpoints as Model Context Protocol tools, over Streamable HTTP, for chat bots.
 *
 * Each endpoint module exports a `Tool` (routes/common.ts); `registerMcp(tools)` turns each into an
 * MCP tool whose input schema is the Tool's zod schema (the SDK validates `tools/call` arguments
 * with it; `tools/list` shows it as JSON Schema with the routes' OpenAPI field descriptions, see
 * `tool_schema.ts`) and whose result carries the Markdown
 * `summary` as a first text block, the JSON answer as a second text block and as
 * `structuredContent` (MCP 2025-06-18, "Structured content": a tool returning structured content
 * SHOULD also return it serialised as text). Non-finite numbers are written as "NaN"/"Infinity"
 * strings, as on HTTP. Errors thrown by `run` become tool results with `isError: true` and the
 * message (a RangeError/TypeError says what was wrong with the input; anything else is logged and
 * reported generically, as the HTTP error handler does), so the model can read and correct them.
 *
 * Stateless: the service keeps no state between requests, so every POST gets a fresh `McpServer`
 * and `StreamableHTTPTransport` with no session id (the SDK's stateless mode) and JSON responses
 * instead of an SSE stream. `GET /mcp` (a server-to-client stream) is not offered: it answers 405,
 * which clients take to mean exactly that. Errors of the HTTP layer (wrong Accept or
 * Content-Type, malformed JSON) are problem+json like every other error of the service.
 */
import { StreamableHTTPTransport } from "@hono/mcp";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { type CallToolResult, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { HTTPException } from "hono/http-exception";
import { type App, type Register, VERSION } from "./app.ts";
import type { Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { stringify } from "./json.ts";
import { toolInputSchema } from "./tool_schema.ts";
import { problem } from "./problem.ts";

const INSTRUCTIONS = "lossdoctor tells people who train neural networks why their loss curve " +
  "misbehaves (periodic spikes, a partial last batch, fp16 overflow in contrastive losses) and " +
  "what to change. Each tool returns a Markdown summary to show the user, then the JSON answer.";

/** The MCP server for one request, with every tool registered. */
export function mcpServer(tools: readonly Tool[], config: Config): McpServer {
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
      { title: tool.title, description: tool.description, inputSchema: tool.input },
      (input: unknown) => callTool(tool, input, config),
    );
  }
  if (tools.length > 0) {
    // The SDK validates calls with the zod schema; the schema it lists is ours, which carries
    // the routes' OpenAPI descriptions (see tool_schema.ts).
    server.server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: tools.map((tool) => ({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        inputSchema: toolInputSchema(tool.input) as { type: "object" },
      })),
    }));
  }
  return server;
}

/** Runs a tool: its summary and JSON, or an error result with the message. */
export function callTool(tool: Tool, input: unknown, config: Config): CallToolResult {
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
    console.error(`MCP tool ${tool.name}: ${(error as Error)?.stack ?? error}`);
    return {
      isError: true,
      content: [{ type: "text", text: "an internal error occurred; it has been logged" }],
    };
  }
}

/** Registers `POST /mcp` serving `tools`. */
export function registerMcp(tools: readonly Tool[]): Register {
  return (app: App, config: Config) => {
    app.post("/mcp", async (c) => {
      const server = mcpServer(tools, config);
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
    });
  };
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

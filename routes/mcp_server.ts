/**
 * The MCP server behind `POST /mcp` (see `mcp.ts`), loaded on the first MCP request.
 *
 * Why a module of its own: the MCP SDK is the heaviest dependency of the service (about 75 ms
 * of module loading, most of a cold start); the HTTP endpoints never need it, so `mcp.ts`
 * imports this file dynamically, and a process that never serves MCP never loads the SDK.
 */
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
import { toolInputSchema } from "./tool_schema.ts";

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
    console.error(errorLine(`MCP tool ${tool.name}`, error));
    return {
      isError: true,
      content: [{ type: "text", text: "an internal error occurred; it has been logged" }],
    };
  }
}

/** Answers one MCP request (stateless: a server and a transport per request). */
export async function handleMcp(
  c: Context,
  tools: readonly Tool[],
  config: Config,
): Promise<Response> {
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

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
import type { App, Register } from "./app.ts";
import type { Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { LimitError } from "./limit_error.ts";

/**
 * Registers `POST /mcp` serving `tools` (or the tools `tools()` loads); the MCP SDK and the
 * tools' modules are loaded on the first call.
 */
export function registerMcp(
  toolsOrLoader: readonly Tool[] | (() => Promise<readonly Tool[]>),
): Register {
  let loaded: Promise<readonly Tool[]> | undefined;
  const load = () =>
    loaded ??= typeof toolsOrLoader === "function"
      ? toolsOrLoader()
      : Promise.resolve(toolsOrLoader);
  return (app: App, config: Config) => {
    app.post("/mcp", async (c) => {
      const tools = await load();
      const refused = precheckCall(await c.req.text(), tools, config);
      if (refused) return refused;
      const { handleMcp } = await import("./mcp_server.ts");
      return await handleMcp(c, tools, config);
    });
  };
}

/**
 * The answer to a `tools/call` whose raw arguments are over a limit (the Tool's `precheck`),
 * before the SDK's zod validation walks them: a tool result with `isError` naming the limit, as
 * `callTool` gives for every other bad input. Null when nothing is over (or the body is not a
 * single JSON-RPC call: the transport answers those). The body text is cached by hono, so the
 * transport reads it again without another copy; it is parsed twice, O(bytes) each.
 */
function precheckCall(text: string, tools: readonly Tool[], config: Config): Response | null {
  let message: { id?: unknown; method?: unknown; params?: { name?: unknown; arguments?: unknown } };
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof message !== "object" || message === null || message.method !== "tools/call") {
    return null;
  }
  const tool = tools.find((t) => t.name === message.params?.name);
  try {
    tool?.precheck?.(message.params?.arguments, config);
    return null;
  } catch (error) {
    if (!(error instanceof LimitError)) throw error;
    const result = { isError: true, content: [{ type: "text", text: error.message }] };
    return new Response(JSON.stringify({ jsonrpc: "2.0", id: message.id ?? null, result }), {
      headers: { "content-type": "application/json" },
    });
  }
}

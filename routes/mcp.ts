import type { App, Register } from "./app.ts";
import type { Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { clip, problem } from "./problem.ts";

/** The revision this service follows, and the later one it accepts (no change it uses). */
export const MCP_PROTOCOL_VERSIONS = ["2025-06-18", "2025-11-25"] as const;

/**
 * Registers `POST /mcp` serving `tools` (or the tools `tools()` loads): the endpoints as Model
 * Context Protocol tools, over Streamable HTTP, for chat bots. The MCP SDK, the message checks
 * and the tools' modules are loaded on the first call.
 *
 * Each endpoint module exports a `Tool` (routes/common.ts); `registerMcp(tools)` turns each into an
 * MCP tool whose input schema is the Tool's zod schema (`tools/list` shows it as JSON Schema with
 * the routes' OpenAPI field descriptions, see `tool_schema.ts`) and whose result carries the
 * Markdown `summary` as a first text block, the JSON answer as a second text block and as
 * `structuredContent` (MCP 2025-06-18, "Structured content": a tool returning structured content
 * SHOULD also return it serialised as text). Non-finite numbers are written as "NaN"/"Infinity"
 * strings, as on HTTP. Errors thrown by `run` become tool results with `isError: true` and the
 * message (a RangeError/TypeError says what was wrong with the input; anything else is logged and
 * reported generically, as the HTTP error handler does), so the model can read and correct them.
 *
 * The protocol revision is MCP 2025-06-18 (2025-11-25 is accepted too: it changes nothing this
 * service uses). Before the SDK sees a message, this module (and `mcp_checks.ts`, loaded with the
 * tools on the first call) holds it to that revision, in time and memory bounded by the body:
 * - A JSON-RPC batch (a JSON array) is refused with 400 at its opening bracket, before the rest
 *   of the body is read (`refuseBatch`, given to the body reader): 2025-06-18 removed batching,
 *   and a batch multiplied the work of one request (20 000 calls in 2 MB blocked the server for
 *   25 s; 2–8·10⁶ invalid elements in one call's arguments ran V8 out of memory, issue 12).
 * - An `MCP-Protocol-Version` header naming a revision this service does not speak is a 400
 *   (the transport answered 404); an `initialize` asking for an older revision is answered with
 *   2025-06-18, which the client may accept or not (the specification's negotiation).
 * - `tools/call`: an unknown tool, `arguments` that are not an object, and arguments its schema
 *   refuses are JSON-RPC errors -32602 (Invalid params, as 2025-06-18 says for invalid
 *   arguments), whose message names the field, the type expected and the value found, with
 *   `data.errors` one `{ pointer, detail }` per bad field (`validation.ts`: validation stops at
 *   the first bad element of each field). Arguments over a limit (the Tool's `precheck`) are a
 *   tool result with `isError` naming the limit, as are errors of `run`.
 * - Every error body stays under 8 KB.
 *
 * Stateless: the service keeps no state between requests, so every POST gets a fresh `McpServer`
 * and `StreamableHTTPTransport` with no session id (the SDK's stateless mode) and JSON responses
 * instead of an SSE stream. `GET /mcp` (a server-to-client stream) is not offered: it answers 405,
 * which clients take to mean exactly that. Errors of the HTTP layer (wrong Accept or
 * Content-Type, malformed JSON, a batch) are problem+json like every other error of the service.
 *
 * Loaded at start-up, this module is a shell: the MCP SDK (`mcp_server.ts`), the message checks
 * (`mcp_checks.ts`, which parse and validate) and the tools' modules are imported by the first
 * call.
 *
 * Cost: one parse of the body and one validation of the arguments per call (the tool's own cost
 * besides); the first call loads the MCP SDK.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { OpenAPIHono } from "@hono/zod-openapi";
 * import type { App } from "./app.ts";
 * import { defaultConfig } from "./config.ts";
 * import { registerMcp } from "./mcp.ts";
 * import { z } from "./zod.ts";
 * const add = {
 *   name: "add_numbers",
 *   title: "Add numbers",
 *   description: "Adds a list of numbers.",
 *   input: z.object({ numbers: z.array(z.number()) }),
 *   run: ({ numbers }: { numbers: number[] }) => {
 *     const sum = numbers.reduce((s, v) => s + v, 0);
 *     return { sum, summary: `The sum is **${sum}**.` };
 *   },
 * };
 * const app: App = new OpenAPIHono();
 * registerMcp([add])(app, defaultConfig);
 * const call = async (message: unknown) =>
 *   await app.request("/mcp", {
 *     method: "POST",
 *     headers: {
 *       "content-type": "application/json",
 *       accept: "application/json, text/event-stream",
 *     },
 *     body: JSON.stringify(message),
 *   });
 * const params = (numbers: unknown[]) => ({ name: "add_numbers", arguments: { numbers } });
 * const sum = await call({ jsonrpc: "2.0", id: 1, method: "tools/call", params: params([1, 2]) });
 * assertEquals((await sum.json()).result.structuredContent, { sum: 3, summary: "The sum is **3**." });
 * const bad = await call({ jsonrpc: "2.0", id: 2, method: "tools/call", params: params([1, "x"]) });
 * assertEquals((await bad.json()).error.data.errors, [
 *   { pointer: "/params/arguments/numbers/1", detail: 'expected a number; found string "x"' },
 * ]);
 * assertEquals((await call([{ jsonrpc: "2.0", id: 3, method: "tools/list" }])).status, 400);
 * ```
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
      const header = c.req.header("mcp-protocol-version");
      if (header !== undefined && !(MCP_PROTOCOL_VERSIONS as readonly string[]).includes(header)) {
        return problem(
          400,
          `MCP-Protocol-Version ${JSON.stringify(clip(header, 40))} is not spoken here: ` +
            `send ${MCP_PROTOCOL_VERSIONS.join(" or ")}`,
        );
      }
      const text = await c.req.text();
      if (text.trimStart().startsWith("[")) return batchRefused();
      const [tools, checks] = await Promise.all([load(), import("./mcp_checks.ts")]);
      const answered = checks.checkMessage(c, text, tools, config);
      if (answered) return answered;
      const { handleMcp } = await import("./mcp_server.ts");
      return await checks.boundedErrors(await handleMcp(c, tools, config));
    });
  };
}

/** The 400 for a JSON-RPC batch. */
function batchRefused(): Response {
  return problem(
    400,
    "expected one JSON-RPC message, found a batch (a JSON array): MCP 2025-06-18, the " +
      "revision this service follows, removed batching; send each message in its own POST",
  );
}

/**
 * The body reader's look at a body's first bytes (`request_body.ts`): a batch is refused at
 * its opening bracket (after any JSON whitespace), before the rest is read; anything else is
 * null (read on).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { refuseBatch } from "./mcp.ts";
 * const bytes = (text: string) => new TextEncoder().encode(text);
 * assertEquals(refuseBatch(bytes(" \n[{"))?.status, 400);
 * assertEquals(refuseBatch(bytes('{"jsonrpc"')), null);
 * ```
 */
export function refuseBatch(first: Uint8Array): Response | null {
  const at = first.findIndex((byte) =>
    byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d
  );
  return first[at] === 0x5b /* [ */ ? batchRefused() : null;
}

/**
 * `POST /mcp`: the endpoints as Model Context Protocol tools, over Streamable HTTP, for chat bots.
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
 * service uses). Before the SDK sees a message, this module holds it to that revision, in time
 * and memory bounded by the body:
 * - A JSON-RPC batch (a JSON array) is refused with 400 at its opening bracket, before the rest
 *   of the body is read (`refuseBatch`, given to the body reader): 2025-06-18 removed batching, and a batch multiplied the work of one request (20 000 calls in 2 MB
 *   blocked the server for 25 s; 2–8·10⁶ invalid elements in one call's arguments ran V8 out of
 *   memory, issue 12).
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
 */
import type { Context } from "hono";
import { JsonLimitError, needsJsonScan, scanJson } from "../lib/parse/mod.ts";
import type { App, Register } from "./app.ts";
import type { Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { jsonLimit, longestArray } from "./json_body.ts";
import { LimitError, limitProblem } from "./limit_error.ts";
import { clip, MAX_LISTED_ERRORS, MAX_PROBLEM_BYTES, pointer, problem } from "./problem.ts";
import { kindOf, validate } from "./validation.ts";

/** The revision this service follows, and the later one it accepts (no change it uses). */
export const MCP_PROTOCOL_VERSIONS = ["2025-06-18", "2025-11-25"] as const;

/** JSON-RPC 2.0 error codes used here. */
const INVALID_PARAMS = -32602;
/** An answer repeats the request's id: a longer one could not fit an 8 KB error body. */
const MAX_ID_CHARS = 256;

/** Registers `POST /mcp` serving `tools`; the MCP SDK is loaded on the first call. */
export function registerMcp(tools: readonly Tool[]): Register {
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
      const message = parseMessage(text, config);
      if (message instanceof Response) return message;
      const answered = message ? checkMessage(c, message, tools, config) : null;
      if (answered) return answered;
      const { handleMcp } = await import("./mcp_server.ts");
      return await boundedErrors(await handleMcp(c, tools, config));
    });
  };
}

/**
 * The SDK's answer, with a JSON-RPC error's message cut and its data dropped when the body is
 * over {@linkcode MAX_PROBLEM_BYTES} (the SDK writes a zod dump of a bad request into it).
 */
async function boundedErrors(res: Response): Promise<Response> {
  if (!res.headers.get("content-type")?.startsWith("application/json")) return res;
  const text = await res.text();
  const rebuilt = (body: string) =>
    new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  if (text.length <= MAX_PROBLEM_BYTES || text.startsWith('{"result"')) return rebuilt(text);
  const answer = JSON.parse(text);
  if (typeof answer?.error?.message !== "string") return rebuilt(text);
  const { data: _, ...error } = answer.error;
  return rebuilt(
    JSON.stringify({ ...answer, error: { ...error, message: clip(error.message, 1000) } }),
  );
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
 * its opening bracket, before the rest is read.
 */
export function refuseBatch(first: Uint8Array): Response | null {
  const at = first.findIndex((byte) =>
    byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d
  );
  return first[at] === 0x5b /* [ */ ? batchRefused() : null;
}

/** A JSON-RPC message as this module reads it (the SDK checks the rest). */
interface Message {
  id?: unknown;
  method?: unknown;
  params?: { name?: unknown; arguments?: unknown; protocolVersion?: unknown };
}

/**
 * The message, after the JSON structure limits and the longest array (413, before anything is
 * built); null when it is not a JSON object (the transport answers malformed JSON, as it
 * always has).
 */
function parseMessage(text: string, config: Config): Message | null | Response {
  const longest = longestArray(config).value;
  try {
    if (needsJsonScan(text, longest)) scanJson(text, longest);
  } catch (error) {
    if (error instanceof JsonLimitError) return limitProblem(jsonLimit(error, config));
    throw error;
  }
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof message === "object" && message !== null ? message as Message : null;
}

/** The answer this module gives itself (see above), or null to hand the message to the SDK. */
function checkMessage(
  c: Context,
  message: Message,
  tools: readonly Tool[],
  config: Config,
): Response | null {
  if (message.method === "initialize") {
    return offerRevision(c, message);
  }
  if (message.method !== "tools/call" || message.id === undefined) return null;
  if (typeof message.id === "string" && message.id.length > MAX_ID_CHARS) {
    return problem(400, `expected a JSON-RPC id of at most ${MAX_ID_CHARS} characters`);
  }
  const params = message.params;
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    return rpcError(message.id, "params: expected an object", [
      { pointer: "/params", detail: `expected an object; found ${kindOf(params)}` },
    ]);
  }
  const tool = tools.find((t) => t.name === params.name);
  if (!tool) {
    return rpcError(
      message.id,
      `unknown tool ${JSON.stringify(clip(String(params.name), 60))}: the tools are ${
        tools.map((t) => t.name).join(", ")
      }`,
      [{ pointer: "/params/name", detail: `expected a tool's name; found ${kindOf(params.name)}` }],
    );
  }
  const args = params.arguments === undefined ? {} : params.arguments;
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return rpcError(message.id, "params.arguments: expected an object", [
      { pointer: "/params/arguments", detail: `expected an object; found ${kindOf(args)}` },
    ]);
  }
  try {
    tool.precheck?.(args, config);
  } catch (error) {
    if (!(error instanceof LimitError)) throw error;
    const result = { isError: true, content: [{ type: "text", text: error.message }] };
    return Response.json({ jsonrpc: "2.0", id: message.id, result });
  }
  const valid = validate(tool.input, args);
  if (valid.success) return null;
  const errors = valid.issues.map((issue) => ({
    pointer: "/params/arguments" + pointer(issue.path),
    detail: issue.message,
  }));
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  return rpcError(
    message.id,
    `invalid arguments for ${tool.name}: ${errors[0].pointer}: ${errors[0].detail}${more}`,
    errors,
  );
}

/**
 * `initialize` asking for a revision this service does not speak is rewritten to ask for
 * 2025-06-18, so that the SDK answers with it (a server MUST answer with a version it supports;
 * the client then decides). Null: the message goes on as it is.
 */
function offerRevision(c: Context, message: Message): null {
  const asked = message.params?.protocolVersion;
  if (typeof asked !== "string" || (MCP_PROTOCOL_VERSIONS as readonly string[]).includes(asked)) {
    return null;
  }
  const rewritten = { ...message, params: { ...message.params, protocolVersion: "2025-06-18" } };
  const headers = new Headers(c.req.raw.headers);
  headers.delete("content-length");
  c.req.raw = new Request(c.req.raw.url, {
    method: "POST",
    headers,
    body: JSON.stringify(rewritten),
  });
  c.req.bodyCache = {}; // hono keeps the text it read; the transport must read the new one
  return null;
}

/** A JSON-RPC error -32602 with the field errors as `data`, under 8 KB. */
function rpcError(
  id: unknown,
  message: string,
  errors: { pointer: string; detail: string }[],
): Response {
  const listed = errors.slice(0, MAX_LISTED_ERRORS).map((e) => ({
    pointer: clip(e.pointer, 300),
    detail: clip(e.detail, 300),
  }));
  const body = {
    jsonrpc: "2.0",
    id,
    error: { code: INVALID_PARAMS, message: clip(message, 1000), data: { errors: listed } },
  };
  return Response.json(body);
}

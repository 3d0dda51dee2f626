import type { Context } from "hono";
import { JsonLimitError, needsJsonScan, scanJson } from "../lib/parse/mod.ts";
import type { Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { jsonLimit, longestArray } from "./json_body.ts";
import { LimitError, limitProblem } from "./limit_error.ts";
import { MCP_PROTOCOL_VERSIONS } from "./mcp.ts";
import { clip, MAX_LISTED_ERRORS, MAX_PROBLEM_BYTES, pointer, problem } from "./problem.ts";
import { kindOf, validate } from "./validation.ts";

/** JSON-RPC 2.0 error codes used here. */
const INVALID_PARAMS = -32602;
/** An answer repeats the request's id: a longer one could not fit an 8 KB error body. */
const MAX_ID_CHARS = 256;

/**
 * The answer `POST /mcp` gives a message itself, before the MCP SDK sees it (see `mcp.ts`), or
 * null to hand it to the SDK (which also answers a body that is not a JSON object): the JSON's
 * structure and longest array (413 before anything is built), an `initialize` asking for an
 * older revision (offered 2025-06-18), `tools/call` params the tool cannot take (JSON-RPC
 * -32602 naming the field, the type expected and the value found, with one `{ pointer, detail }`
 * per bad field in `data.errors`), and arguments over a limit (a tool result with `isError`).
 * Loaded with the tools on the first call.
 *
 * Cost: one scan of a body that may be over a limit, one `JSON.parse`, the tool's `precheck`
 * (array lengths) and a validation that stops at the first bad element of each field.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { checkMessage } from "./mcp_checks.ts";
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
 * const app = new Hono().post("/mcp", async (c) =>
 *   checkMessage(c, await c.req.text(), [add], defaultConfig) ?? c.text("to the SDK")
 * );
 * const send = async (message: unknown) =>
 *   await app.request("/mcp", { method: "POST", body: JSON.stringify(message) });
 * const call = (name: string, args: unknown) => ({
 *   jsonrpc: "2.0", id: 7, method: "tools/call", params: { name, arguments: args },
 * });
 * assertEquals(await (await send(call("add_numbers", { numbers: [1] }))).text(), "to the SDK");
 * const unknown = await (await send(call("multiply", {}))).json();
 * assertEquals([unknown.id, unknown.error.code], [7, -32602]);
 * const bad = await (await send(call("add_numbers", { numbers: [true] }))).json();
 * assertEquals(bad.error.data.errors[0].pointer, "/params/arguments/numbers/0");
 * ```
 */
export function checkMessage(
  c: Context,
  text: string,
  tools: readonly Tool[],
  config: Config,
): Response | null {
  const message = parseMessage(text, config);
  if (message instanceof Response) return message;
  return message ? checkParsed(c, message, tools, config) : null;
}

/**
 * The SDK's answer, with a JSON-RPC error's message cut and its data dropped when the body is
 * over {@linkcode MAX_PROBLEM_BYTES} (the SDK writes a zod dump of a bad request into it);
 * results and small errors pass as they are.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { boundedErrors } from "./mcp_checks.ts";
 * import { MAX_PROBLEM_BYTES } from "./problem.ts";
 * const error = { code: -32600, message: "x".repeat(20_000), data: "y".repeat(20_000) };
 * const sdk = Response.json({ jsonrpc: "2.0", id: 1, error });
 * const text = await (await boundedErrors(sdk)).text();
 * assertEquals(text.length <= MAX_PROBLEM_BYTES, true);
 * assertEquals(JSON.parse(text).error.data, undefined);
 * ```
 */
export async function boundedErrors(res: Response): Promise<Response> {
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

/** The answer to a parsed message, or null to hand it to the SDK. */
function checkParsed(
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

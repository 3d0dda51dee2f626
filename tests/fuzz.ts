/**
 * Request generators and the one property every endpoint must hold, for `fuzz_test.ts`.
 *
 * Each endpoint gets bodies of three kinds, mixed: valid (`fuzz_bodies.ts`, the contract's ranges:
 * constant, one-point and periodic series, non-finite values as the service writes them,
 * small embeddings…), almost valid (a valid body with one field deleted, retyped or pushed out
 * of range, an unknown field added, or wrapped in an array) and hostile (any JSON value, huge
 * and tiny numbers like 1e400 and 1e-400, bare NaN tokens, 10⁴-deep nesting, truncated JSON,
 * random bytes, wrong or missing content types). The property: no 5xx; every error is
 * problem+json whose `status` is the HTTP status; every 200 matches the response schema of
 * the published OpenAPI document (checked by `json_schema.ts`, not by the zod schemas).
 */
import fc from "fast-check";
import { assert, assertEquals } from "@std/assert";
import type { App } from "../routes/app.ts";
import { lossSeries, spikesBody } from "./fuzz_bodies.ts";
import { validateSchema } from "./json_schema.ts";

/** One request: a body (text or bytes) and its Content-Type (null: none). */
export interface FuzzRequest {
  body: string | Uint8Array;
  type: string | null;
  /** Query string, for the CSV and text forms of /v1/spikes. */
  query?: string;
}

/** A value that fits no field: wrong types, extremes, non-finite markers, containers. */
const wrongValue = fc.oneof(
  fc.constantFrom(null, true, "", "NaN", "x", -1, 0, 1e308, -1e308, 1e-320, 2 ** 53 + 2, [], {}),
  fc.string({ maxLength: 8 }),
  fc.double(),
  fc.array(fc.double(), { maxLength: 3 }),
);

/** A valid body with one change that may make it invalid. */
export function almostValid(valid: fc.Arbitrary<Record<string, unknown>>) {
  return fc.tuple(valid, fc.nat(), wrongValue, fc.nat(3)).map(([body, pick, wrong, how]) => {
    const keys = Object.keys(body);
    const key = keys[pick % Math.max(1, keys.length)] ?? "loss";
    const changed: Record<string, unknown> = { ...body };
    if (how === 0) delete changed[key];
    else if (how === 1) changed[key] = wrong;
    else if (how === 2) changed[`unknown_${pick % 7}`] = wrong;
    else return [changed] as unknown;
    return changed as unknown;
  });
}

const deep = (depth: number, open: string, close: string, inner = "1") =>
  open.repeat(depth) + inner + close.repeat(depth);

/** Bodies no endpoint should accept, as text or bytes. */
export const hostileText: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom(
    "",
    " ",
    "null",
    "[]",
    "{}",
    "[NaN, Infinity, -Infinity]",
    '{"loss": [NaN, NaN, NaN]}',
    '{"x": [NaN], "format": "fp16"}',
    '{"loss": [1e400, -1e400, 1e-400]}',
    '{"x": [1e400], "format": "fp32"}',
    '{"loss": "1,2,3"}',
    '{"loss": [1, 2, 3], "steps": [3, 2, 1]}',
    '{"__proto__": {"polluted": true}, "loss": [1, 2]}',
    deep(10_000, "[", "]"),
    deep(10_000, '{"a":', "}"),
    deep(10_000, "[", "]", "NaN"),
    '{"loss": [' + deep(5000, "[", "]") + "]}",
    "\u0000\u0001\u0002",
    "\uFEFF[1, 2, 3]",
    "1,2,3\n4,5,6\n",
    "step,loss\n0,1\n1,NaN\n2,inf\n",
    "Wall time,Step,Value\n",
    "nan\ninf\n-inf\n",
  ),
  fc.uint8Array({ maxLength: 200 }),
  fc.string({ maxLength: 200 }),
);

/** The same body cut short somewhere: truncated JSON. */
export function truncated(valid: fc.Arbitrary<unknown>) {
  return fc.tuple(valid, fc.double({ min: 0, max: 1, noNaN: true })).map(([body, at]) => {
    const text = JSON.stringify(body);
    return text.slice(0, Math.floor(text.length * at));
  });
}

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/vnd.api+json",
  "text/plain",
  "text/csv",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
  null,
);

/** A request for a JSON endpoint: valid, almost valid, or hostile, with a content type. */
export function requests(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<FuzzRequest> {
  const json = (a: fc.Arbitrary<unknown>) =>
    a.map((v) => ({ body: JSON.stringify(v), type: "application/json" as string | null }));
  return fc.oneof(
    { weight: 4, arbitrary: json(valid) },
    { weight: 3, arbitrary: json(almostValid(valid)) },
    { weight: 1, arbitrary: truncated(valid).map((body) => ({ body, type: "application/json" })) },
    {
      weight: 2,
      arbitrary: fc.tuple(hostileText, contentType).map(([body, type]) => ({ body, type })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, contentType).map(([v, type]) => ({
        body: JSON.stringify(v),
        type,
      })),
    },
  );
}

/** /v1/spikes also reads CSV and text with options in the query. */
export const spikesRequests: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 6, arbitrary: requests(spikesBody) },
  {
    weight: 1,
    arbitrary: fc.tuple(lossSeries, fc.boolean(), fc.string({ maxLength: 12 })).map((
      [loss, csv, junk],
    ) => ({
      body: csv
        ? "step,loss\n" + loss.map((v, i) => `${i},${v}`).join("\n")
        : loss.join("\n") + junk,
      type: csv ? "text/csv" : "text/plain",
      query: `?steps_per_epoch=${junk.length + 1}&drop_last=${junk ? junk : "true"}&column=${junk}`,
    })),
  },
);

/** JSON-RPC bodies for /mcp: tool calls with the endpoints' bodies, other methods, hostile. */
export function mcpRequests(
  calls: [name: string, args: fc.Arbitrary<unknown>][],
): fc.Arbitrary<FuzzRequest> {
  const call = fc.oneof(
    ...calls.map(([name, args]) =>
      fc.tuple(args, fc.integer()).map(([a, id]) => ({
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name, arguments: a },
      }))
    ),
  );
  const other = fc.constantFrom(
    { jsonrpc: "2.0", id: 1, method: "tools/list" },
    { jsonrpc: "2.0", id: 2, method: "ping" },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 3, method: "nope" },
    { jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "no_such_tool" } },
    { jsonrpc: "1.0", id: 5, method: "tools/list" },
    [{ jsonrpc: "2.0", id: 6, method: "tools/list" }],
  );
  return fc.oneof(
    {
      weight: 5,
      arbitrary: call.map((m) => ({ body: JSON.stringify(m), type: "application/json" })),
    },
    {
      weight: 1,
      arbitrary: other.map((m) => ({ body: JSON.stringify(m), type: "application/json" })),
    },
    { weight: 2, arbitrary: requests(call as fc.Arbitrary<Record<string, unknown>>) },
  );
}

// deno-lint-ignore no-explicit-any
type Document = any;

/** How many answers of each path and status the fuzzing saw (printed by `deno task fuzz`). */
export const statusCounts = new Map<string, number>();

/** Sends one request and checks the property; `schemaOf` gives the 200 schema to check. */
export async function checkResponse(
  app: App,
  path: string,
  request: FuzzRequest,
  // deno-lint-ignore no-explicit-any
  schemaOf: (answer: any, request: FuzzRequest) => { schema: unknown; value: unknown } | null,
  document: Document,
): Promise<void> {
  const headers: Record<string, string> = {};
  if (request.type !== null) headers["content-type"] = request.type;
  if (path === "/mcp") headers.accept = "application/json, text/event-stream";
  const res = await app.request(path + (request.query ?? ""), {
    method: "POST",
    body: request.body as BodyInit,
    headers,
  });
  const text = await res.text();
  statusCounts.set(`${path} ${res.status}`, (statusCounts.get(`${path} ${res.status}`) ?? 0) + 1);
  const shown = () =>
    `${path} ${request.type} ${
      typeof request.body === "string" ? request.body.slice(0, 300) : "bytes"
    } → ${res.status} ${text.slice(0, 300)}`;
  assert(res.status < 500, shown());
  if (res.status >= 400) {
    assertEquals(res.headers.get("content-type"), "application/problem+json", shown());
    const problem = JSON.parse(text);
    assertEquals(problem.status, res.status, shown());
    for (const key of ["type", "title", "detail"]) {
      assertEquals(typeof problem[key], "string", `${key}: ${shown()}`);
    }
    return;
  }
  if (res.status !== 200) return; // 202: an MCP notification, no body
  assert(res.headers.get("content-type")?.startsWith("application/json"), shown());
  const target = schemaOf(JSON.parse(text), request);
  if (target === null) return;
  const errors = validateSchema(target.value, target.schema as Record<string, unknown>, document);
  assert(errors.length === 0, `${errors.slice(0, 5).join("; ")} ← ${shown()}`);
}

/** Runs, seed and the slice size: `FUZZ_RUNS` (default `fallback`) and `FUZZ_SEED`. */
export function fuzzParameters(fallback: number): { numRuns: number; seed: number } {
  const runs = Number(Deno.env.get("FUZZ_RUNS") ?? fallback);
  const seed = Number(Deno.env.get("FUZZ_SEED") ?? 20250601);
  return { numRuns: runs, seed };
}

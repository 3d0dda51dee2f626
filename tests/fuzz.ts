/**
 * Request generators and the one property every endpoint must hold, for `fuzz_test.ts`.
 *
 * Each endpoint gets bodies of three kinds, mixed: valid (drawn from the contract's ranges:
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
import { validateSchema } from "./json_schema.ts";

/** One request: a body (text or bytes) and its Content-Type (null: none). */
export interface FuzzRequest {
  body: string | Uint8Array;
  type: string | null;
  /** Query string, for the CSV and text forms of /v1/spikes. */
  query?: string;
}

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const extreme = fc.constantFrom(0, -0, 1e-320, -1e-320, 5e-324, 1e308, -1e308, 65504, 65520, 448);
const numberish = fc.oneof(
  { weight: 5, arbitrary: finite },
  { weight: 2, arbitrary: extreme },
  { weight: 1, arbitrary: fc.constantFrom("NaN", "Infinity", "-Infinity") },
);
const small = (max: number) => fc.integer({ min: 1, max });

/** A loss series: random, constant, one point, periodic with spikes, with non-finite values. */
const lossSeries = fc.oneof(
  fc.array(fc.oneof(finite, fc.constant(null), fc.constantFrom("NaN", "Infinity")), {
    minLength: 1,
    maxLength: 300,
  }),
  fc.tuple(finite, small(400)).map(([v, n]) => Array.from({ length: n }, () => v)),
  finite.map((v) => [v]),
  fc.record({ n: fc.integer({ min: 30, max: 1500 }), period: fc.integer({ min: 2, max: 200 }) })
    .map(({ n, period }) =>
      Array.from({ length: n }, (_, i) => 2 + 0.1 * Math.sin(i * 1.7) + (i % period === 0 ? 5 : 0))
    ),
);

export const spikesBody = fc.record({
  loss: lossSeries,
  steps_per_epoch: small(500),
  log_every: small(20),
  dataset_size: small(100_000),
  batch_size: small(512),
  drop_last: fc.boolean(),
}, { requiredKeys: ["loss"] });

export const lastBatchBody = fc.record({
  dataset_size: fc.oneof(small(100_000), fc.constant(Number.MAX_SAFE_INTEGER)),
  batch_size: fc.oneof(small(1024), fc.constant(Number.MAX_SAFE_INTEGER)),
  drop_last: fc.boolean(),
  reduction: fc.constantFrom("mean", "sum", "fixed_divisor", "per_item_then_batch_mean"),
  world_size: small(64),
  sampler_drop_last: fc.boolean(),
  grad_accum_steps: small(64),
  items_per_micro_batch: fc.array(fc.double({ min: 0.5, max: 1e6, noNaN: true }), {
    minLength: 1,
    maxLength: 8,
  }),
  optimizer: fc.record({
    type: fc.constantFrom("sgd", "adam", "adamw"),
    momentum: fc.double({ min: 0, max: 0.99999, noNaN: true }),
    beta1: fc.double({ min: 0, max: 0.99999, noNaN: true }),
    beta2: fc.double({ min: 0, max: 0.99999, noNaN: true }),
  }, { requiredKeys: ["type"] }),
  grad_noise_scale: fc.double({ min: 0, max: 1e15, noNaN: true }),
}, { requiredKeys: ["dataset_size", "batch_size", "reduction"] });

const matrix = (rows: number, dim: number) =>
  fc.array(fc.array(fc.oneof(finite, extreme), { minLength: dim, maxLength: dim }), {
    minLength: rows,
    maxLength: rows,
  });

export const contrastiveBody = fc.record({
  scale: fc.oneof(
    fc.record({ temperature: fc.double({ min: 1e-4, max: 10, noNaN: true }) }),
    fc.record({ logit_scale: fc.double({ min: 0.1, max: 1e4, noNaN: true }) }),
  ),
  rest: fc.record({
    normalized: fc.boolean(),
    q_norm: fc.double({ min: 0, max: 1e4, noNaN: true }),
    k_norm: fc.double({ min: 0, max: 1e4, noNaN: true }),
    max_norm: fc.double({ min: 0, max: 1e4, noNaN: true }),
    // Mostly small: a naive softmax in bf16 sums B terms one by one (~0.2 s at 2^20).
    batch_size: fc.oneof(
      { weight: 19, arbitrary: fc.integer({ min: 2, max: 4096 }) },
      { weight: 1, arbitrary: fc.integer({ min: 2, max: 1_048_576 }) },
    ),
    dim: small(64),
    precision: fc.constantFrom("fp32", "fp16", "bf16", "fp16-autocast", "bf16-autocast"),
    softmax: fc.constantFrom("framework", "naive"),
    dropout_p: fc.double({ min: 0, max: 0.99, noNaN: true }),
    trajectory: fc.array(
      fc.record({
        step: fc.integer({ min: 0, max: 1e6 }),
        q_norm: numberish,
        k_norm: numberish,
        max_logit: numberish,
        mean_score: numberish,
        loss: numberish,
      }, { requiredKeys: ["step"] }),
      { minLength: 1, maxLength: 40 },
    ),
    embeddings: fc.tuple(fc.integer({ min: 2, max: 12 }), small(16)).chain(([b, d]) =>
      fc.record({ q: matrix(b, d), k: matrix(b, d) })
    ),
  }, { requiredKeys: ["precision"] }),
}).map(({ scale, rest }) => {
  const { embeddings, ...others } = rest;
  const body: Record<string, unknown> = { ...scale, ...others, ...embeddings };
  // Keep dim consistent with q when both are drawn (otherwise it is an almost-valid body).
  if (embeddings && body.dim !== undefined) body.dim = embeddings.q[0].length;
  return body;
});

export const logSumExpBody = fc.record({
  x: fc.oneof(
    fc.array(numberish, { minLength: 1, maxLength: 200 }),
    fc.array(fc.array(numberish, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 10 }),
  ),
  format: fc.constantFrom("fp64", "fp32", "fp16", "bf16", "fp8-e4m3", "fp8-e5m2"),
  accumulate: fc.constantFrom("fp64", "fp32", "fp16", "bf16", "fp8-e4m3", "fp8-e5m2"),
  method: fc.constantFrom("naive", "stable", "online", "all"),
}, { requiredKeys: ["x", "format"] });

/** `/v1/diagnose`: a loss series, a loader configuration, a contrastive set-up, or any mix. */
export const diagnoseBody = fc.record({
  spikes: spikesBody,
  batch: lastBatchBody,
  contrastive: contrastiveBody,
  parts: fc.subarray(["spikes", "batch", "contrastive"], { minLength: 1 }),
}).map(({ spikes, batch, contrastive, parts }) => {
  const body: Record<string, unknown> = {};
  if (parts.includes("spikes")) Object.assign(body, spikes);
  if (parts.includes("batch")) Object.assign(body, batch);
  if (parts.includes("contrastive")) body.contrastive = contrastive;
  return body;
});

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

import { createRoute, z } from "./zod.ts";
import { FORMAT_NAMES, SEMANTICS } from "../lib/fp/mod.ts";
import {
  compareLogSumExp,
  type LogSumExpReport,
  LSE_METHODS,
  type LseMethod,
  type NonFiniteTrace,
} from "../lib/lse/mod.ts";
import type { Endpoint, Tool } from "./common.ts";
import type { Config } from "./config.ts";
import { NumberOrNonFinite } from "./json.ts";
import { checkLimit } from "./limit_error.ts";
import { toolHandler } from "./json_body.ts";
import { NumberInput } from "./number_input.ts";
import { problemResponses } from "./problem_schema.ts";

/**
 * A floating-point format of the emulator (`FORMAT_NAMES`, lib/fp).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { FormatSchema } from "./logsumexp.ts";
 * assertEquals(FormatSchema.parse("bf16"), "bf16");
 * assertEquals(FormatSchema.safeParse("fp4").success, false);
 * ```
 */
export const FormatSchema = z.enum(FORMAT_NAMES).openapi("Format", {
  description: "fp64, fp32, fp16 (IEEE binary16, max 65504), bf16 (max ≈ 3.39e38), " +
    "fp8-e4m3 (OCP E4M3 fn: max 448, no infinities, overflow is NaN), fp8-e5m2 (max 57344).",
});

/**
 * Whose arithmetic to emulate where PyTorch and IEEE 754 differ (one schema, every endpoint):
 * `torch` or `ieee`; see docs/logsumexp.md.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SemanticsSchema } from "./logsumexp.ts";
 * assertEquals(SemanticsSchema.options, ["torch", "ieee"]);
 * ```
 */
export const SemanticsSchema = z.enum(SEMANTICS).openapi("Semantics", {
  description: "torch (default): what PyTorch computes — inputs go to the format through fp32 " +
    "(float64 → fp32 → fp16/bf16/fp8, rounding twice), and torch.logsumexp takes an infinite " +
    "max as 0 (a row holding +Infinity gives Infinity). ieee: inputs rounded once, and the " +
    "literal m + log Σ exp(x − m) (a row holding +Infinity gives NaN, inf − inf). They differ " +
    "only on those two points; see docs/logsumexp.md.",
});

/**
 * Where the first non-finite value appeared: the op (`stage`), the element, the op's rounded
 * operands, the value and the format (lib/lse's `NonFiniteTrace`, non-finite numbers as strings).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { TraceSchema } from "./logsumexp.ts";
 * const trace = { stage: "exp", index: 0, operands: [12], value: "Infinity", format: "fp16" };
 * assertEquals(TraceSchema.safeParse(trace).success, true);
 * assertEquals(TraceSchema.safeParse({ ...trace, stage: "softmax" }).success, false);
 * ```
 */
export const TraceSchema = z.object({
  stage: z.enum(["input", "subtract", "exp", "sum", "rescale", "log", "add", "divide"]).openapi({
    description: "The operation that produced it; `input` means the format cannot hold the input.",
  }),
  index: z.number().int().nullable().openapi({
    description: "The element it was computed for; null for an op on the whole vector.",
  }),
  operands: z.array(NumberOrNonFinite).openapi({ description: "The op's operands, rounded." }),
  value: NumberOrNonFinite,
  format: FormatSchema,
}).openapi("NonFiniteTrace");

const Numbers = z.union([NumberOrNonFinite, z.array(NumberOrNonFinite)]);

const MethodResultSchema = z.object({
  value: Numbers.openapi({ description: "The result (one per row for a matrix)." }),
  ulps: Numbers.openapi({
    description: "|value − reference| in units in the last place of the format at the reference.",
  }),
  // z.union with z.null(), not .nullable(): the generator writes a nullable $ref inside an
  // array as allOf [$ref, object|null], which no null matches.
  trace: z.union([TraceSchema, z.null(), z.array(z.union([TraceSchema, z.null()]))]).openapi({
    description: "The first non-finite intermediate (per row for a matrix); null when none.",
  }),
}).openapi("LogSumExpMethodResult");

const Input = z.object({
  x: z.union([
    z.array(NumberInput).min(1),
    z.array(z.array(NumberInput).min(1)).min(1),
  ]).openapi({
    description: "A vector, or a matrix whose rows are reduced separately. At most " +
      "MAX_SERIES_POINTS numbers in at most MAX_LOGSUMEXP_ROWS rows (413 beyond).",
  }),
  format: FormatSchema,
  accumulate: FormatSchema.optional().openapi({
    description: "The format running sums are kept in (default: `format`; fp32 is what GPUs do).",
  }),
  method: z.enum(["naive", "stable", "online", "all"]).default("all").openapi({
    description: "naive log(Σ exp x); stable m + log(Σ exp(x − m)); online: one pass with a " +
      "running max and rescaling (Milakov & Gimelshein 2018, FlashAttention); all three.",
  }),
  semantics: SemanticsSchema.default("torch"),
}).openapi("LogSumExpRequest");

/** The validated request. */
export type LogSumExpInput = z.infer<typeof Input>;

/**
 * The answer of `POST /v1/logsumexp` (the contract; {@linkcode LogSumExpOutput} is its type):
 * the format, semantics and accumulation used, each method's value, ulp error and trace, the
 * fp64 reference and the Markdown summary.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { stringify } from "./json.ts";
 * import { logsumexp, type LogSumExpInput, LogSumExpResponse } from "./logsumexp.ts";
 * const input: LogSumExpInput = { x: [1, 2], format: "fp32", method: "all", semantics: "ieee" };
 * const answer = JSON.parse(stringify(logsumexp.run(input, defaultConfig)));
 * assertEquals(LogSumExpResponse.safeParse(answer).success, true);
 * ```
 */
export const LogSumExpResponse = z.object({
  format: FormatSchema,
  semantics: SemanticsSchema.openapi({
    description: "The semantics the values were computed under.",
  }),
  accumulate: FormatSchema,
  results: z.object({
    naive: MethodResultSchema.optional(),
    stable: MethodResultSchema.optional(),
    online: MethodResultSchema.optional(),
  }),
  reference: Numbers.openapi({ description: "log-sum-exp of the inputs as given, in fp64." }),
  summary: z.string(),
}).openapi("LogSumExpResponse");

/** The answer. */
export type LogSumExpOutput = LogSumExpReport & { summary: string };

const show = (v: number) => Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);

function describeTrace(t: NonFiniteTrace): string {
  const at = t.index === null ? "" : ` at element ${t.index}`;
  return `first ${show(t.value)} at \`${t.stage}\`${at} (operands ${
    t.operands.map(show).join(", ")
  })`;
}

function summarize(report: LogSumExpReport, rows: number): string {
  const lines = [
    `**log-sum-exp in ${report.format}** (accumulating in ${report.accumulate}, ` +
    `${report.semantics} semantics), ` +
    (rows > 1 ? `${rows} rows` : `fp64 reference ${show(report.reference as number)}`) + ":",
  ];
  for (const [method, r] of Object.entries(report.results)) {
    if (rows > 1) {
      const traces = r.trace as (NonFiniteTrace | null)[];
      const bad = traces.filter((t) => t !== null).length;
      // A loop, not Math.max(...ulps): a spread of 10⁵ arguments overflows the call stack.
      const worst = (r.ulps as number[]).reduce(
        (m, u) => Math.max(m, Number.isNaN(u) ? Infinity : u),
        0,
      );
      lines.push(`- ${method}: ${bad} of ${rows} rows hit inf/NaN; worst error ${show(worst)} ulp`);
    } else {
      const trace = r.trace as NonFiniteTrace | null;
      lines.push(
        `- ${method}: ${show(r.value as number)} (${show(r.ulps as number)} ulp)` +
          (trace ? `, ${describeTrace(trace)}` : ""),
      );
    }
  }
  return lines.join("\n");
}

/**
 * The tool behind `POST /v1/logsumexp` (the HTTP handler and the MCP tool both call `run`): log
 * Σ exp xᵢ of a vector (or of each row of a matrix) by the naive, the max-shifted and the
 * one-pass online method (Milakov & Gimelshein 2018, as FlashAttention does it), evaluated op by
 * op in a chosen format, each value measured in ulps against fp64 and traced to its first
 * inf/NaN.
 *
 * `run` calls {@linkcode compareLogSumExp} and adds the Markdown summary; non-finite numbers are
 * written as the strings "NaN", "Infinity", "-Infinity" and accepted the same way. Limits: at
 * most `MAX_SERIES_POINTS` numbers in at most `MAX_LOGSUMEXP_ROWS` rows (413 beyond,
 * {@linkcode checkLogSumExpLimits}).
 *
 * Cost: O(numbers) per method, each op rounded to the format.
 *
 * @example
 * ```ts
 * import { assertAlmostEquals, assertEquals } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { logsumexp, type LogSumExpInput } from "./logsumexp.ts";
 * // exp(12) ≈ 162755 is over fp16's 65504: the naive sum overflows, the shifted ones do not
 * const input: LogSumExpInput = { x: [12, 12], format: "fp16", method: "all", semantics: "torch" };
 * const { results, reference } = logsumexp.run(input, defaultConfig);
 * assertAlmostEquals(reference as number, 12 + Math.log(2), 1e-12);
 * assertEquals(results.naive?.value, Infinity);
 * assertEquals(results.naive?.trace, {
 *   stage: "exp", index: 0, operands: [12], value: Infinity, format: "fp16",
 * });
 * assertEquals(results.stable?.value, 12.6953125); // the fp16 next to 12.6931
 * assertEquals(results.online?.value, 12.6953125);
 * ```
 */
export const logsumexp: Tool<LogSumExpInput, LogSumExpOutput> = {
  name: "logsumexp",
  title: "Log-sum-exp in a floating-point format",
  description: "Evaluates log(sum(exp(x))) by the naive, max-shifted and online methods op by op " +
    "in fp64/fp32/fp16/bf16/fp8, with each result's error in ulps and where the first inf/NaN " +
    "appeared. Use it to see whether a softmax or cross-entropy overflows in a given precision.",
  input: Input,
  output: LogSumExpResponse,
  precheck: checkLogSumExpLimits,
  run(input: LogSumExpInput, config: Config): LogSumExpOutput {
    checkLogSumExpLimits(input, config);
    const isMatrix = Array.isArray(input.x[0]);
    const rows = isMatrix ? (input.x as number[][]) : [input.x as number[]];
    const methods: readonly LseMethod[] = input.method === "all" ? LSE_METHODS : [input.method];
    const report = compareLogSumExp(input.x, {
      format: input.format,
      accumulate: input.accumulate,
      methods,
      semantics: input.semantics,
    });
    return { ...report, summary: summarize(report, isMatrix ? rows.length : 1) };
  },
};

/**
 * Throws a {@linkcode LimitError} when `x` holds more numbers than `MAX_SERIES_POINTS` or more
 * rows than `MAX_LOGSUMEXP_ROWS` (a row costs about as much as 10 numbers: its own validation,
 * three reductions, their traces). Reads array lengths only, O(rows), so it runs on the raw
 * body before the schema; a body without an array `x` passes (the schema judges it).
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { defaultConfig } from "./config.ts";
 * import { checkLogSumExpLimits } from "./logsumexp.ts";
 * const config = { ...defaultConfig, maxLogSumExpRows: 2 };
 * checkLogSumExpLimits({ x: [[1], [2]] }, config);
 * assertThrows(
 *   () => checkLogSumExpLimits({ x: [[1], [2], [3]] }, config),
 *   Error,
 *   "x has 3 rows, more than MAX_LOGSUMEXP_ROWS = 2",
 * );
 * ```
 */
export function checkLogSumExpLimits(raw: unknown, config: Config): void {
  const x = (typeof raw === "object" && raw !== null ? raw : {} as Record<string, unknown>) as {
    x?: unknown;
  };
  if (!Array.isArray(x.x)) return;
  let numbers = 0, rows = 0;
  for (const row of x.x) {
    if (Array.isArray(row)) rows++;
    numbers += Array.isArray(row) ? row.length : 1;
  }
  checkLimit("MAX_SERIES_POINTS", config.maxSeriesPoints, numbers, "x", "numbers");
  checkLimit("MAX_LOGSUMEXP_ROWS", config.maxLogSumExpRows, rows, "x", "rows");
}

const route = createRoute({
  method: "post",
  path: "/v1/logsumexp",
  operationId: "logSumExp",
  tags: ["numerics"],
  summary: "Log-sum-exp by three methods in a chosen floating-point format",
  description: logsumexp.description +
    " Non-finite numbers are written as the strings NaN, Infinity, -Infinity, in answers and " +
    "in requests.",
  request: { body: { required: true, content: { "application/json": { schema: Input } } } },
  responses: {
    200: {
      description: "The value, ulp error and trace of each method.",
      content: { "application/json": { schema: LogSumExpResponse } },
    },
    ...problemResponses(400, 408, 413, 415, 422),
  },
});

/**
 * `POST /v1/logsumexp`: its contract, its tool ({@linkcode logsumexp}) and its handler
 * (`toolHandler`: limits, validation, then `run`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Hono } from "hono";
 * import { defaultConfig } from "./config.ts";
 * import { endpoint } from "./logsumexp.ts";
 * const app = new Hono().post(endpoint.route.path, endpoint.handler(defaultConfig));
 * const answer = await app.request("/v1/logsumexp", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ x: [12, 12], format: "fp16", method: "naive" }),
 * });
 * assertEquals((await answer.json()).results.naive.value, "Infinity");
 * ```
 */
export const endpoint: Endpoint = {
  route,
  tool: logsumexp,
  handler: (config) => toolHandler(logsumexp, config),
};

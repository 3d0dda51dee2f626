/**
 * The limits, from outside: every over-limit request is a 413 problem naming the limit, its
 * value and what was found, and it is refused early — before the body is read
 * (Content-Length), or before validation walks an oversized array; the counted-work budget
 * stops a search that would fold too much, the same way on every run.
 */
import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { createApp } from "../routes/app.ts";
import { type Config, configFromEnv, defaultConfig } from "../routes/config.ts";
import { workBudget } from "../routes/work_budget.ts";
import { LimitError } from "../routes/limit_error.ts";

const post = (app: ReturnType<typeof createApp>, path: string, body: BodyInit, headers = {}) =>
  app.request(path, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });

async function problemOf(res: Response) {
  assertEquals(res.headers.get("content-type"), "application/problem+json");
  return await res.json();
}

Deno.test("every limit is read from its environment variable", () => {
  const env: Record<string, string> = {
    MAX_BODY_BYTES: "1000",
    MAX_SERIES_POINTS: "10",
    MAX_TRAJECTORY_POINTS: "11",
    MAX_MATRIX_WORK: "12",
    MAX_LOGSUMEXP_ROWS: "13",
    MAX_ANALYSIS_WORK: "14",
    SLOW_ANALYSIS_MS: "15",
    BODY_TIMEOUT_MS: "16",
    HEADER_TIMEOUT_MS: "17",
    API_TOKEN: "secret",
    CORS_ORIGINS: "https://a.example, https://b.example",
  };
  const config = configFromEnv((name) => env[name]);
  assertEquals(config, {
    maxBodyBytes: 1000,
    maxSeriesPoints: 10,
    maxTrajectoryPoints: 11,
    maxMatrixWork: 12,
    maxLogSumExpRows: 13,
    maxAnalysisWork: 14,
    slowAnalysisMs: 15,
    bodyTimeoutMs: 16,
    headerTimeoutMs: 17,
    apiToken: "secret",
    corsOrigins: ["https://a.example", "https://b.example"],
  });
  let thrown: unknown;
  try {
    configFromEnv((name) => name === "MAX_SERIES_POINTS" ? "lots" : undefined);
  } catch (error) {
    thrown = error;
  }
  assert(thrown instanceof RangeError && thrown.message.includes("MAX_SERIES_POINTS"));
});

Deno.test("HEADER_TIMEOUT_MS may be 0 (no guard behind a proxy); a limit of 0 or below is refused", () => {
  assertEquals(
    configFromEnv((name) => name === "HEADER_TIMEOUT_MS" ? "0" : undefined)
      .headerTimeoutMs,
    0,
  );
  for (const [name, value] of [["HEADER_TIMEOUT_MS", "-1"], ["MAX_BODY_BYTES", "0"]]) {
    let thrown: unknown;
    try {
      configFromEnv((key) => key === name ? value : undefined);
    } catch (error) {
      thrown = error;
    }
    assert(thrown instanceof RangeError && thrown.message.includes(name), `${name}=${value}`);
  }
});

Deno.test("a Content-Length over MAX_BODY_BYTES is refused without reading the body", async () => {
  const app = createApp({ ...defaultConfig, maxBodyBytes: 1000 });
  let pulled = 0;
  // A body that would never end: only the header can have answered.
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new TextEncoder().encode("1,".repeat(1000)));
    },
  });
  for (const path of ["/v1/spikes", "/v1/logsumexp", "/v1/contrastive", "/v1/last-batch", "/mcp"]) {
    const res = await app.request(path, {
      method: "POST",
      body: endless,
      headers: { "content-type": "application/json", "content-length": "5000000" },
      // @ts-ignore: Deno's RequestInit needs duplex for a stream body
      duplex: "half",
    });
    assertEquals(res.status, 413, path);
    const body = await problemOf(res);
    assertEquals([body.limit, body.value, body.found], ["MAX_BODY_BYTES", 1000, 5000000]);
  }
  assert(pulled <= 1, `the body was read: ${pulled} chunks`);
});

Deno.test("a streamed body is cut off as soon as it passes MAX_BODY_BYTES", async () => {
  const app = createApp({ ...defaultConfig, maxBodyBytes: 10_000 });
  const res = await post(app, "/v1/spikes", "[" + "1,".repeat(20_000) + "1]");
  assertEquals(res.status, 413);
  assertEquals((await problemOf(res)).limit, "MAX_BODY_BYTES");
});

Deno.test("an array over its limit is refused before validation walks it", async () => {
  // Arrays of invalid elements: had the schema looked at them first, the answer would be a 422
  // about /…/0; the precheck reads lengths and answers the 413.
  const config: Config = { ...defaultConfig, maxSeriesPoints: 1000, maxBodyBytes: 1 << 26 };
  const app = createApp(config);
  const trues = (count: number) => "true,".repeat(count - 1) + "true";
  const row = `[${trues(4096)}]`;
  const cases: [string, string, string, number, number | undefined][] = [
    ["/v1/logsumexp", `{"format":"fp16","x":[${trues(5000)}]}`, "MAX_SERIES_POINTS", 1000, 5000],
    ["/v1/spikes", `{"loss":[${trues(5000)}]}`, "MAX_SERIES_POINTS", 1000, 5000],
    [
      "/v1/contrastive",
      `{"temperature":0.1,"precision":"fp16","q":[${Array(1025).fill(row)}],"k":[[1]]}`,
      "MAX_EMBEDDING_ROWS·MAX_EMBEDDING_DIM",
      1024 * 4096,
      1025 * 4096,
    ],
    // Longer than any array an endpoint reads: refused by the scan before the JSON is built.
    [
      "/v1/last-batch",
      `{"dataset_size":10,"batch_size":3,"reduction":"mean","items_per_micro_batch":[${
        trues(5_000_000)
      }]}`,
      "MAX_MICRO_BATCHES",
      1_000_000,
      undefined,
    ],
  ];
  for (const [path, body, limit, value, found] of cases) {
    const res = await post(app, path, body);
    assertEquals(res.status, 413, path);
    const problem = await problemOf(res);
    assertEquals([problem.limit, problem.value, problem.found], [limit, value, found], path);
  }
});

Deno.test("rows, trajectory points and B·B·dim each have their own limit", async () => {
  const app = createApp({
    ...defaultConfig,
    maxLogSumExpRows: 2,
    maxTrajectoryPoints: 2,
    maxMatrixWork: 7,
  });
  let res = await post(
    app,
    "/v1/logsumexp",
    JSON.stringify({ x: [[1], [2], [3]], format: "fp32" }),
  );
  assertEquals((await problemOf(res)).limit, "MAX_LOGSUMEXP_ROWS");
  const trajectory = [1, 2, 3].map((step) => ({ step, loss: 1 }));
  res = await post(
    app,
    "/v1/contrastive",
    JSON.stringify({ temperature: 0.1, precision: "fp32", trajectory }),
  );
  assertEquals((await problemOf(res)).found, 3);
  const q = [[1, 0], [0, 1]]; // 2·2·2 = 8 > 7
  res = await post(
    app,
    "/v1/contrastive",
    JSON.stringify({ temperature: 1, precision: "fp32", q, k: q }),
  );
  const problem = await problemOf(res);
  assertEquals([res.status, problem.limit, problem.value, problem.found], [
    413,
    "MAX_MATRIX_WORK",
    7,
    8,
  ]);
});

Deno.test("MCP tools/call over a limit is a tool error naming it, before validation", async () => {
  const app = createApp({ ...defaultConfig, maxSeriesPoints: 5 });
  const res = await app.request("/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "analyze_loss_spikes", arguments: { loss: [1, 2, 3, 4, 5, 6, 7] } },
    }),
  });
  assertEquals(res.status, 200);
  const answer = await res.json();
  assertEquals(answer.id, 7);
  assertEquals(answer.result.isError, true);
  assertStringIncludes(answer.result.content[0].text, "MAX_SERIES_POINTS = 5");
});

Deno.test("the work budget throws a LimitError once the counted units pass MAX_ANALYSIS_WORK", () => {
  const checkpoint = workBudget({ ...defaultConfig, maxAnalysisWork: 100 }, "test", {
    warn: () => {},
  });
  checkpoint(60);
  checkpoint(40); // at the limit: still fine
  let thrown: unknown;
  try {
    checkpoint(1);
  } catch (error) {
    thrown = error;
  }
  assert(thrown instanceof LimitError);
  assertEquals([thrown.limit, thrown.value, thrown.found], ["MAX_ANALYSIS_WORK", 100, 101]);
  assertThrows(() => workBudget(defaultConfig)(NaN), RangeError, "work units");
});

Deno.test("the work budget's clock only logs: a slow search is one warning, the answer unchanged", () => {
  let now = 0;
  const warnings: string[] = [];
  const config = { ...defaultConfig, maxAnalysisWork: 1000, slowAnalysisMs: 50 };
  const checkpoint = workBudget(
    config,
    "POST /v1/spikes",
    { warn: (l) => warnings.push(l) },
    () => now,
  );
  now = 10_000; // far past SLOW_ANALYSIS_MS
  checkpoint(10);
  checkpoint(10);
  assertEquals(warnings.length, 1);
  assertStringIncludes(warnings[0], "POST /v1/spikes");
  assertStringIncludes(warnings[0], "10 units");
  assertStringIncludes(warnings[0], "the answer is not changed");
});

Deno.test("a spike analysis over MAX_ANALYSIS_WORK is a 413 naming it, the same on every run", async () => {
  // 200 000 points of noise with 20 % spikes both ways: the period search folds ~40 000
  // events per proposal.
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const loss = Array.from({ length: 200_000 }, () => {
    const r = random();
    return r < 0.1 ? 100 : r < 0.2 ? 0.01 : 1 + random() * 0.01;
  });
  const app = createApp({ ...defaultConfig, maxAnalysisWork: 1_000_000 });
  const problems = [];
  for (let run = 0; run < 2; run++) {
    const res = await post(app, "/v1/spikes", JSON.stringify({ loss }));
    assertEquals(res.status, 413);
    problems.push(await problemOf(res));
  }
  assertEquals([problems[0].limit, problems[0].value], ["MAX_ANALYSIS_WORK", 1_000_000]);
  assertStringIncludes(problems[0].detail, "send fewer points");
  assert(problems[0].found > 1_000_000);
  assertEquals(problems[1], problems[0], "the same request, the same answer");
  const ample = createApp({ ...defaultConfig, maxAnalysisWork: 1e12 });
  assertEquals((await post(ample, "/v1/spikes", JSON.stringify({ loss }))).status, 200);
});

Deno.test("the OpenAPI document lists every limit with its value and the bearer scheme", async () => {
  const app = createApp({ ...defaultConfig, maxSeriesPoints: 1234, apiToken: "t" });
  const doc = await (await app.request("/openapi.json")).json();
  for (
    const name of [
      "MAX_BODY_BYTES",
      "MAX_SERIES_POINTS",
      "MAX_LOGSUMEXP_ROWS",
      "MAX_TRAJECTORY_POINTS",
      "MAX_MATRIX_WORK",
      "MAX_ANALYSIS_WORK",
      "BODY_TIMEOUT_MS",
    ]
  ) assertStringIncludes(doc.info.description, `\`${name}\``);
  assertStringIncludes(doc.info.description, "| `MAX_SERIES_POINTS` | 1234 |");
  assertEquals(doc.components.securitySchemes.bearer.scheme, "bearer");
  assertEquals(doc.paths["/v1/spikes"].post.security, [{ bearer: [] }]);
});

Deno.test("/v1/diagnose: limits before its schema, and the work budget on its spike analysis", async () => {
  const app = createApp({ ...defaultConfig, maxTrajectoryPoints: 2, maxAnalysisWork: 1 });
  const trajectory = [1, 2, 3].map((step) => ({ step, loss: 1 }));
  let res = await post(
    app,
    "/v1/diagnose",
    JSON.stringify({ contrastive: { temperature: 0.1, precision: "fp32", trajectory } }),
  );
  assertEquals([res.status, (await problemOf(res)).limit], [413, "MAX_TRAJECTORY_POINTS"]);
  const items = "1,".repeat(1_000_001) + "1";
  res = await post(
    app,
    "/v1/diagnose",
    `{"dataset_size":10,"batch_size":3,"items_per_micro_batch":[${items}]}`,
  );
  assertEquals([res.status, (await problemOf(res)).limit], [413, "MAX_MICRO_BATCHES"]);
  let seed = 3;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const loss = Array.from({ length: 100_000 }, () => (random() < 0.2 ? 50 : 1 + random()));
  res = await post(
    app,
    "/v1/diagnose",
    JSON.stringify({ loss, dataset_size: 5000, batch_size: 32 }),
  );
  assertEquals([res.status, (await problemOf(res)).limit], [413, "MAX_ANALYSIS_WORK"]);
});

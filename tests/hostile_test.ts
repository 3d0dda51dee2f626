/**
 * The reproducers of issue 12, in `deno task test`: each at a size that runs in a test, each
 * asserting the mechanism that makes the full-size one safe (`deno task attack` replays them
 * at full size against a real server process and times them). No clock is read here: a
 * parser that went quadratic again would make the test hang, not fail an assertion on time.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { createApp } from "../routes/app.ts";
import { defaultConfig } from "../routes/config.ts";
import { MAX_PROBLEM_BYTES } from "../routes/problem.ts";

const app = createApp();

const post = (
  path: string,
  body: string,
  type = "application/json",
  target = app,
  headers: Record<string, string> = {},
) =>
  target.request(path, {
    method: "POST",
    body,
    headers: { "content-type": type, accept: "application/json, text/event-stream", ...headers },
  });

const mcpCall = (name: string, args: unknown, id: unknown = 1) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });

/** The answer's status and parsed body, after checking an error body's size. */
async function answer(res: Response): Promise<[number, Record<string, unknown>]> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.status >= 400) assert(bytes.byteLength <= MAX_PROBLEM_BYTES, `${bytes.byteLength} B`);
  return [res.status, JSON.parse(new TextDecoder().decode(bytes))];
}

Deno.test('Python JSON: `NaN"` and 2¹⁹ escaped quotes (1 MB) are read in one pass', async () => {
  const [status, problem] = await answer(await post("/v1/spikes", 'NaN"' + '\\"'.repeat(1 << 19)));
  assertEquals(status, 400); // text that is not JSON: a 400, as on every endpoint
  assertStringIncludes(String(problem.detail), "expected JSON; at line 1 column 4");
});

Deno.test("CSV: a header of `x` and 64 000 × ` -` is read in one pass, and its column used", async () => {
  const csv = "x" + " -".repeat(64_000) + "\n" + "1\n2\n".repeat(20);
  const [status, report] = await answer(await post("/v1/spikes", csv, "text/csv"));
  assertEquals([status, report.n], [200, 40]);
});

Deno.test("CSV of one column and 2·10⁶ rows: the parser stops at MAX_SERIES_POINTS", async () => {
  const small = createApp({ ...defaultConfig, maxSeriesPoints: 1000 });
  const csv = "loss\n" + "1\n".repeat(2_000_000);
  const [status, problem] = await answer(await post("/v1/spikes", csv, "text/csv", small));
  assertEquals([status, problem.limit, problem.found], [413, "MAX_SERIES_POINTS", undefined]);
  assertStringIncludes(String(problem.detail), "more than MAX_SERIES_POINTS = 1000");
});

Deno.test("JSON nested, wide or keyed past its limits is refused before it is built", async () => {
  const cases: [string, string, string][] = [
    ["/v1/spikes", "[".repeat(100_000) + "]".repeat(100_000), "MAX_JSON_DEPTH"],
    [
      "/v1/logsumexp",
      '{"format":"fp16","x":' + "[".repeat(65) + "]".repeat(65) + "}",
      "MAX_JSON_DEPTH",
    ],
    ["/v1/spikes", "[" + "[],".repeat(1 << 20) + "[]]", "MAX_JSON_CONTAINERS"],
    [
      "/v1/last-batch",
      "{" + Array.from({ length: 5000 }, (_, i) => `"k${i}":1`).join(",") + "}",
      "MAX_JSON_KEYS",
    ],
    [
      "/mcp",
      mcpCall("logsumexp", { format: "fp16", x: JSON.parse("[".repeat(70) + "]".repeat(70)) }),
      "MAX_JSON_DEPTH",
    ],
  ];
  for (const [path, body, limit] of cases) {
    const [status, problem] = await answer(await post(path, body));
    assertEquals([status, problem.limit], [413, limit], `${path} ${body.slice(0, 30)}`);
  }
});

Deno.test("/v1/logsumexp with x = 10⁶ × true: one issue, validation stopped at /x/0", async () => {
  const body = '{"format":"fp16","x":[' + "true,".repeat(999_999) + "true]}";
  const [status, problem] = await answer(await post("/v1/logsumexp", body));
  assertEquals(status, 422);
  assertEquals((problem.errors as { pointer: string }[]).map((e) => e.pointer), ["/x/0"]);
  assertStringIncludes(String(problem.detail), "found boolean true");
});

Deno.test("MCP: batches are refused at the opening bracket, the rest never read", async () => {
  // Not even JSON after the bracket: only a refusal that parses nothing would say "batch".
  for (const body of ["[" + "x".repeat(1_000_000), "  \n[{}]", "[]"]) {
    const [status, problem] = await answer(await post("/mcp", body));
    assertEquals(status, 400);
    assertStringIncludes(String(problem.detail), "found a batch");
  }
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new TextEncoder().encode(pulled === 1 ? " [" : '{"jsonrpc":"2.0"},'));
    },
  });
  const res = await app.request("/mcp", {
    method: "POST",
    body: endless,
    headers: { "content-type": "application/json" },
    // @ts-ignore: Deno's RequestInit needs duplex for a stream body
    duplex: "half",
  });
  assertEquals(res.status, 400);
  assert(pulled <= 2, `read on: ${pulled} chunks`);
});

Deno.test("MCP: 10⁶ invalid steps are one -32602 naming the first; 2·10⁶ are refused unbuilt", async () => {
  const steps = "true,".repeat(999_999) + "true";
  const body = `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":` +
    `"analyze_loss_spikes","arguments":{"loss":[1,2,3],"steps":[${steps}]}}}`;
  const [, invalid] = await answer(await post("/mcp", body));
  const error = invalid.error as { code: number; message: string; data: { errors: unknown[] } };
  assertEquals([invalid.id, error.code, error.data.errors.length], [3, -32602, 1]);
  assertStringIncludes(error.message, "/params/arguments/steps/0: expected a number");
  // Longer than any array an endpoint reads: refused by the scan, before JSON.parse builds it.
  const over = body.replace(steps, steps + "," + steps + ",true");
  const [status, limited] = await answer(await post("/mcp", over));
  assertEquals([status, limited.limit, limited.value], [413, "MAX_SERIES_POINTS", 1_000_000]);
});

Deno.test("MCP: an unknown protocol version is a 400; an old initialize is offered 2025-06-18", async () => {
  const [status] = await answer(
    await post("/mcp", JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }), undefined, app, {
      "mcp-protocol-version": "1999-01-01",
    }),
  );
  assertEquals(status, 400);
  const initialize = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-03-26",
      capabilities: {},
      clientInfo: { name: "old", version: "0" },
    },
  });
  const [, answered] = await answer(await post("/mcp", initialize));
  assertEquals((answered.result as { protocolVersion: string }).protocolVersion, "2025-06-18");
});

Deno.test("error bodies stay under 8 KB: 10⁵ columns, long ids, many bad fields", async () => {
  const header = Array.from({ length: 100_000 }, (_, i) => `column${i}`).join(",");
  const [status, problem] = await answer(
    await post("/v1/spikes?column=nope", header + "\n" + "1,".repeat(99_999) + "1\n", "text/csv"),
  );
  assertEquals(status, 422);
  assertStringIncludes(String(problem.detail), "(100000 columns)");
  const [idStatus] = await answer(
    await post("/mcp", mcpCall("logsumexp", {}, "i".repeat(100_000))),
  );
  assertEquals(idStatus, 400);
  const fields = Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [`f${i}`, "x".repeat(5000)]),
  );
  const [bad, many] = await answer(
    await post(
      "/v1/last-batch",
      JSON.stringify({
        ...fields,
        dataset_size: "x".repeat(100_000),
        batch_size: [true],
        reduction: { a: 1 },
      }),
    ),
  );
  assertEquals(bad, 422);
  assert((many.errors as unknown[]).length >= 3);
});

Deno.test("no guesses: decimal commas, header-less CSV, hex in the query or a cell are 4xx", async () => {
  const cases: [string, string, string, string][] = [
    ["/v1/spikes", "1,5\n2,5\n", "text/plain", "write decimal points"],
    ["/v1/spikes", "1.7e9,0,2.5\n1.7e9,1,2.4\n", "text/csv", "found a first row of numbers"],
    ["/v1/spikes?steps_per_epoch=0x10", "2.5\n2.4\n2.3\n", "text/plain", "/query/steps_per_epoch"],
    ["/v1/spikes", "step,loss\n0,2.5\n1,0x10\n", "text/csv", 'found "0x10"'],
    ["/v1/spikes", "2.5\n0b11\n", "text/plain", 'found "0b11"'],
  ];
  for (const [path, body, type, says] of cases) {
    const [status, problem] = await answer(await post(path, body, type));
    assertEquals(status, 422, body);
    const pointers = ((problem.errors ?? []) as { pointer: string }[]).map((e) => e.pointer);
    assertStringIncludes([problem.detail, ...pointers].join(" "), says, body);
  }
  // The documented readings: one column without a header is a number per line; one line of
  // numbers is a list.
  const [one, column] = await answer(await post("/v1/spikes", "2.5\n2.4\n2.3\n", "text/csv"));
  assertEquals([one, column.n], [200, 3]);
  const [list, line] = await answer(await post("/v1/spikes", "2.5, 2.4, 2.3", "text/plain"));
  assertEquals([list, line.n], [200, 3]);
});

Deno.test("a loss near 1e154 that overflows the epoch fold's squares gives no period from a NaN statistic (found by deno task fuzz)", async () => {
  const body = '{"loss":["NaN",0,2.1894858665067565e+154,0],"steps_per_epoch":8,"log_every":4}';
  const [status, json] = await answer(await post("/v1/spikes", body));
  assertEquals(status, 200);
  const periodicity = json.periodicity as { confidence: unknown; evidence: string };
  assert(Number.isFinite(periodicity.confidence), `confidence ${periodicity.confidence}`);
  assert(!periodicity.evidence.includes("NaN"), periodicity.evidence);
});

/** POST /v1/logsumexp through the app: methods, traces, non-finite strings, errors, limits. */
import { assert, assertEquals, assertLessOrEqual, assertStringIncludes } from "@std/assert";
import app, { createApp } from "../routes/app.ts";
import { defaultConfig } from "../routes/config.ts";

async function post(body: unknown, target = app) {
  const res = await target.request("/v1/logsumexp", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    body: await res.json(),
  };
}

Deno.test("fp16: the naive method overflows at e^12 and says so; stable and online give 12", async () => {
  const { status, body } = await post({ x: [12, 0, "-Infinity"], format: "fp16" });
  assertEquals(status, 200);
  assertEquals(Object.keys(body.results), ["naive", "stable", "online"]);
  assertEquals(body.results.naive.value, "Infinity");
  assertEquals(body.results.naive.ulps, "Infinity");
  assertEquals(body.results.naive.trace, {
    stage: "exp",
    index: 0,
    operands: [12],
    value: "Infinity",
    format: "fp16",
  });
  for (const m of ["stable", "online"]) {
    assertEquals(body.results[m].value, 12);
    assertEquals(body.results[m].trace, null);
    assertLessOrEqual(body.results[m].ulps, 0.5); // correctly rounded: 12 + 6.1e-6
  }
  assert(Math.abs(body.reference - (12 + Math.log1p(Math.exp(-12)))) < 1e-12);
  assertStringIncludes(body.summary, "naive");
});

Deno.test("a matrix gives one value, ulp error and trace per row", async () => {
  const { body } = await post({
    x: [[12, 0], [1, 2]],
    format: "fp16",
    accumulate: "fp32",
    method: "naive",
  });
  assertEquals(Object.keys(body.results), ["naive"]);
  assertEquals(body.results.naive.value[0], "Infinity");
  assertEquals(body.results.naive.value[1], 2.3125); // fp16 of ln(e + e²) = 2.31326…
  assertEquals(body.results.naive.trace[1], null);
  assertEquals(body.reference.length, 2);
});

Deno.test("non-finite inputs may be sent as strings and are traced at stage input", async () => {
  const { body } = await post({ x: ["Infinity", 1], format: "fp32", method: "stable" });
  assertEquals(body.results.stable.value, "Infinity"); // torch.logsumexp: an infinite max is 0
  assertEquals(body.results.stable.trace.stage, "input");
  assertEquals(body.reference, "Infinity");
});

Deno.test("fp8-e4m3: 500 is not representable (NaN, no infinities), reported at input", async () => {
  const { body } = await post({ x: [500, 1], format: "fp8-e4m3", method: "stable" });
  assertEquals(body.results.stable.trace.value, "NaN");
  assertEquals(body.results.stable.trace.stage, "input");
});

Deno.test("validation errors are 422 problem+json with JSON pointers", async () => {
  const bad = await post({ x: [1, "inf"], format: "fp16" });
  assertEquals(bad.status, 422);
  assertEquals(bad.type, "application/problem+json");
  assert(bad.body.errors.some((e: { pointer: string }) => e.pointer.startsWith("/x")));
  const format = await post({ x: [1], format: "fp12" });
  assertEquals(format.status, 422);
  assertEquals(format.body.errors[0].pointer, "/format");
  const empty = await post({ x: [], format: "fp16" });
  assertEquals(empty.status, 422);
});

Deno.test("more numbers than MAX_SERIES_POINTS is a 413 naming the limit", async () => {
  const small = createApp({ ...defaultConfig, maxSeriesPoints: 4 });
  const res = await post({ x: [[1, 2, 3], [4, 5]], format: "fp32" }, small);
  assertEquals(res.status, 413);
  assertEquals(res.body.limit, "MAX_SERIES_POINTS");
  assertEquals(res.body.value, 4);
});

Deno.test("the contract documents the endpoint and its number-or-string fields", async () => {
  const doc = await (await app.request("/openapi.json")).json();
  const op = doc.paths["/v1/logsumexp"].post;
  assert(op.responses["200"] && op.responses["413"] && op.responses["422"]);
  assert(doc.components.schemas.NumberOrNonFinite);
  assert(doc.components.schemas.NumberInput);
});

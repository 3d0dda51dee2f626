/**
 * How routes/series_body.ts reads a body that holds a loss series, through `app.request` on
 * `/v1/spikes` and `/v1/diagnose`: each refusal answered whole (status, media type, every field of
 * the problem), and the query's options taken by CSV, text and JSON bodies alike.
 */
import { assertEquals } from "@std/assert";
import { createApp } from "../routes/app.ts";
import { defaultConfig } from "../routes/config.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const app = createApp({ ...defaultConfig, maxSeriesPoints: 5 });

async function post(path: string, type: string, body: string) {
  const res = await app.request(path, { method: "POST", body, headers: { "content-type": type } });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.json() };
}

const problem = (status: number, body: Record<string, unknown>) => ({
  status,
  type: "application/problem+json",
  body,
});
const validation = { type: "urn:lossdoctor:problem:validation", title: "The request is not valid" };
const tooLarge = { type: "urn:lossdoctor:problem:too-large", title: "Request too large" };

Deno.test("each way a series body is refused is answered whole: 415, 400, 422 and the two 413s", async () => {
  const cases: [string, string, string, ReturnType<typeof problem>][] = [
    [
      "/v1/spikes",
      "application/xml",
      "<loss/>",
      problem(415, {
        type: "urn:lossdoctor:problem:unsupported-media-type",
        title: "Unsupported media type",
        status: 415,
        detail: "expected application/json, text/csv or text/plain, found application/xml",
      }),
    ],
    [
      "/v1/spikes",
      "application/json",
      '{"loss": [1, 2,, 3]}',
      problem(400, {
        type: "urn:lossdoctor:problem:bad-request",
        title: "Bad request",
        status: 400,
        detail: 'expected JSON; at line 1 column 16 found ", 3]}"',
      }),
    ],
    [
      "/v1/spikes",
      "application/json",
      '{"los": [1, 2, 3]}',
      problem(422, {
        ...validation,
        status: 422,
        detail: "/loss: expected an array of loss values, found none",
      }),
    ],
    [
      "/v1/spikes",
      "text/csv",
      "step,value\n",
      problem(422, {
        ...validation,
        status: 422,
        detail: 'expected rows with a value in column "value", found none',
      }),
    ],
    [
      "/v1/spikes",
      "text/plain",
      "1\n2\n3\n4\n5\n6\n7\n",
      problem(413, {
        ...tooLarge,
        status: 413,
        detail: "the series has more than MAX_SERIES_POINTS = 5 points",
        limit: "MAX_SERIES_POINTS",
        value: 5,
      }),
    ],
    [
      "/v1/spikes",
      "application/json",
      '{"loss": [1, 2, 3, 4, 5, 6, 7]}',
      problem(413, {
        ...tooLarge,
        status: 413,
        detail: "the series has 7 points, more than MAX_SERIES_POINTS = 5",
        limit: "MAX_SERIES_POINTS",
        value: 5,
        found: 7,
      }),
    ],
  ];
  for (const [path, type, body, expected] of cases) {
    assertEquals(await post(path, type, body), expected, `${type}: ${body}`);
  }
});

Deno.test("an option in both the JSON body and the query is a 422 at /query; a bad one points there too", async () => {
  assertEquals(
    await post("/v1/spikes?log_every=2", "application/json", '{"loss": [1, 2, 3], "log_every": 2}'),
    problem(422, {
      ...validation,
      status: 422,
      detail: "log_every is given both in the body and in the query; give it once",
      errors: [{ pointer: "/query/log_every", detail: "also given in the body" }],
    }),
  );
  assertEquals(
    await post("/v1/spikes?log_every=0x10", "text/plain", "1\n2\n3\n"),
    problem(422, {
      ...validation,
      status: 422,
      detail: '/query/log_every: expected a number; found string "0x10"',
      errors: [{ pointer: "/query/log_every", detail: 'expected a number; found string "0x10"' }],
    }),
  );
});

Deno.test("CSV, text and a JSON configuration take the query's options as numbers and booleans", async () => {
  const reasons = async (path: string, type: string, body: string) =>
    (await post(path, type, body)).body.checks.map((c: Json) => c.reason);
  const query = "/v1/diagnose?dataset_size=100&batch_size=32&drop_last=0";
  const expected = ["3 points", "100 samples, batch 32, reduction `mean` assumed"];
  assertEquals((await reasons(query, "text/csv", "loss\n3\n2\n1\n")).slice(0, 2), expected);
  assertEquals((await reasons(query, "text/plain", "3\n2\n1\n")).slice(0, 2), expected);
  assertEquals(
    (await reasons(query, "application/json", '{"loss": [3, 2, 1]}')).slice(0, 2),
    expected,
  );
  assertEquals(
    (await reasons("/v1/diagnose?batch_size=32", "application/json", '{"dataset_size": 100}'))[1],
    "100 samples, batch 32, reduction `mean` assumed",
  );
});

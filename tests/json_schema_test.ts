import { assert, assertEquals } from "@std/assert";
import app from "../routes/app.ts";
import { validateSchema } from "./json_schema.ts";

const document = await (await app.request("/openapi.json")).json();
const schemaOf = (path: string) =>
  document.paths[path].post.responses["200"].content["application/json"].schema;

Deno.test("the schema checker passes a real answer and fails it when it is changed", async () => {
  const res = await app.request("/v1/logsumexp", {
    method: "POST",
    body: JSON.stringify({ x: [[12, 0, 3], [1, 2]], format: "fp16" }),
    headers: { "content-type": "application/json" },
  });
  const answer = await res.json();
  const schema = schemaOf("/v1/logsumexp");
  assertEquals(validateSchema(answer, schema, document), []);
  const mutations: [string, (a: typeof answer) => void][] = [
    ["a wrong enum", (a) => (a.format = "fp12")],
    ["a missing required member", (a) => delete a.summary],
    ["a number where a string is due", (a) => (a.summary = 3)],
    ["null in a number list", (a) => (a.results.naive.value[0] = null)],
    ["a string that is no non-finite marker", (a) => (a.results.naive.ulps[0] = "inf")],
    ["a float where an integer is due", (a) => (a.results.naive.trace[0] = { index: 0.5 })],
  ];
  for (const [name, mutate] of mutations) {
    const changed = structuredClone(answer);
    mutate(changed);
    assert(validateSchema(changed, schema, document).length > 0, name);
  }
});

Deno.test("the schema checker refuses a keyword it does not know", () => {
  const errors = validateSchema(1, { type: "number", multipleOf: 2 }, document);
  assertEquals(errors.length, 1);
  assert(errors[0].includes("multipleOf"));
});

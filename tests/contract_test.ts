/**
 * The published OpenAPI document is the truth about every answer: real answers of every
 * endpoint (contract_requests.ts: each 200 in each form, each error status) are held to
 * `/openapi.json` with every object of it closed (`additionalProperties: false` added here), so
 * a field an answer carries and the document lacks fails, and so does a status or media type it
 * does not list. Checked by the JSON Schema checker of json_schema.ts, which knows nothing of
 * zod. Also: one status (400) for malformed JSON everywhere, and the document's own hygiene
 * (operationIds, tags, servers, each endpoint routed where its route says).
 */
import { assert, assertEquals } from "@std/assert";
import { ENDPOINTS, loadEndpoints } from "../routes/app.ts";
import { apps, type ContractRequest, record } from "./contract_requests.ts";
import { validateSchema } from "./json_schema.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const published: Json = await (await apps.default.request("/openapi.json")).json();

/**
 * A copy of the document whose every object schema is closed: `additionalProperties: false`
 * where the document leaves it open (an explicit `additionalProperties`, a record's, stays).
 */
export function closed(document: Json): Json {
  const close = (node: Json, at: string): Json => {
    if (Array.isArray(node)) return node.map((item, i) => close(item, `${at}/${i}`));
    if (node === null || typeof node !== "object") return node;
    // A part of allOf closed on its own would refuse the other parts' members: the generator
    // writes `.extend()` of a named schema so; write it as one z.object({ ...shape, … }). An
    // allOf of one schema and annotations (a `$ref` with its own description) is fine.
    const annotation = (part: Json) =>
      Object.keys(part).every((k) => ["description", "example", "default", "title"].includes(k));
    assert(
      !node.allOf || node.allOf.filter((part: Json) => !annotation(part)).length <= 1,
      `${at} is an allOf of several schemas; write it as one flat object`,
    );
    const copy: Json = Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, close(value, `${at}/${key}`)]),
    );
    const types = Array.isArray(copy.type) ? copy.type : [copy.type];
    const isObject = types.includes("object") || (copy.properties && copy.type === undefined);
    if (isObject && !("additionalProperties" in copy)) copy.additionalProperties = false;
    return copy;
  };
  return close(document, "#");
}

const document = closed(published);

const answers = await record();

/** The operation of the document a request goes to. */
function operationOf(request: ContractRequest): Json {
  const path = request.path.split("?")[0];
  return document.paths[path]?.[request.method.toLowerCase()];
}

Deno.test("every recorded answer has the status its request expects", () => {
  const wrong = answers.filter((a) => a.status !== a.request.status)
    .map((a) =>
      `${a.request.name}: ${a.status}, expected ${a.request.status}: ${a.text.slice(0, 200)}`
    );
  assertEquals(wrong, []);
});

Deno.test("every status and media type an answer has is documented for its operation", () => {
  const missing: string[] = [];
  for (const answer of answers) {
    const operation = operationOf(answer.request);
    const documented = operation?.responses?.[String(answer.status)];
    if (!documented) {
      missing.push(`${answer.request.name}: status ${answer.status}`);
    } else if (!documented.content?.[answer.type]) {
      missing.push(`${answer.request.name}: ${answer.type} for ${answer.status}`);
    }
  }
  assertEquals(missing, []);
});

Deno.test("every JSON answer matches its documented schema with every object closed", () => {
  const mismatches: string[] = [];
  let checked = 0;
  for (const answer of answers) {
    if (!answer.type.endsWith("json")) continue;
    const content = operationOf(answer.request)?.responses?.[String(answer.status)]?.content;
    const schema = content?.[answer.type]?.schema;
    if (!schema) continue; // reported by the test above
    checked++;
    for (const error of validateSchema(JSON.parse(answer.text), schema, document).slice(0, 5)) {
      mismatches.push(`${answer.request.name} (${answer.status}): ${error}`);
    }
  }
  assertEquals(mismatches, []);
  assert(checked >= answers.filter((a) => a.type.endsWith("json")).length);
});

Deno.test("closing the document makes an answer with an undocumented member fail", () => {
  const answer = answers.find((a) => a.request.path === "/v1/spikes" && a.status === 200)!;
  const body = JSON.parse(answer.text);
  body.periodicity.undocumented = 1;
  const schema = operationOf(answer.request).responses["200"].content["application/json"].schema;
  assertEquals(validateSchema(body, schema, published).length, 0, "the open document allows it");
  assert(validateSchema(body, schema, document).length > 0, "the closed document refuses it");
});

Deno.test("malformed JSON is a 400 problem on every endpoint that reads JSON, /mcp included", async () => {
  const paths = [...ENDPOINTS.map((e) => e.path), "/mcp"];
  for (const path of paths) {
    const res = await apps.default.request(path, {
      method: "POST",
      headers: {
        ...{ "content-type": "application/json" },
        accept: "application/json, text/event-stream",
      },
      body: '{"loss": [1, 2,',
    });
    assertEquals([path, res.status], [path, 400]);
    assertEquals(res.headers.get("content-type"), "application/problem+json");
    await res.body?.cancel();
  }
});

Deno.test("every operation has a unique operationId, a defined tag, and the document servers", () => {
  const tags = new Set(published.tags.map((t: { name: string }) => t.name));
  const ids: string[] = [];
  for (const [path, operations] of Object.entries(published.paths as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(operations as Record<string, Json>)) {
      assert(operation.operationId, `${method} ${path} has no operationId`);
      ids.push(operation.operationId);
      assert(operation.tags?.length > 0, `${method} ${path} has no tag`);
      for (const tag of operation.tags) assert(tags.has(tag), `${method} ${path}: tag ${tag}`);
    }
  }
  assertEquals(new Set(ids).size, ids.length, "operationIds are unique");
  assert(published.servers?.length > 0);
});

Deno.test("each endpoint is routed at its route's method and path, and has its tool's output", async () => {
  const loaded = await loadEndpoints();
  assertEquals(
    ENDPOINTS.map((e) => `${e.method} ${e.path}`),
    loaded.map((e) => `${e.route.method} ${e.route.path}`),
  );
  for (const endpoint of loaded) {
    const content = (endpoint.route.responses[200] as Json)?.content;
    assert(
      content?.["application/json"]?.schema === endpoint.tool.output,
      `${endpoint.route.path}: the tool's output is the route's 200 JSON schema`,
    );
  }
});

/** `semantics` on POST /v1/logsumexp and its MCP tool: torch (default) against ieee. */
import { assertEquals, assertStringIncludes } from "@std/assert";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import app from "../routes/app.ts";
import { loadTorchRecord, type Recorded } from "./torch_fixture.ts";

async function post(body: unknown) {
  const res = await app.request("/v1/logsumexp", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, body: await res.json() };
}

const reproducer = { x: [1, "Infinity", 2], format: "bf16", method: "stable" };

Deno.test("[1, Infinity, 2] in bf16: Infinity by default (torch, as recorded), NaN with ieee", async () => {
  const { cases } = await loadTorchRecord<
    { cases: { dtype: string; x: Recorded[]; logsumexp: Recorded }[] }
  >("logsumexp");
  const recorded = cases.find((c) =>
    c.dtype === "bf16" && JSON.stringify(c.x) === '[1,"Infinity",2]'
  );
  const torch = await post(reproducer);
  assertEquals(torch.status, 200);
  assertEquals(torch.body.semantics, "torch");
  assertEquals(torch.body.results.stable.value, recorded!.logsumexp);
  assertEquals(torch.body.results.stable.value, "Infinity");
  assertEquals(torch.body.results.stable.trace.stage, "input");
  assertStringIncludes(torch.body.summary, "torch semantics");
  const ieee = await post({ ...reproducer, semantics: "ieee" });
  assertEquals(ieee.body.semantics, "ieee");
  assertEquals(ieee.body.results.stable.value, "NaN");
  assertEquals(ieee.body.results.stable.trace.stage, "input");
});

Deno.test("the two semantics convert a float64 input differently: 464.00000000000006 in fp8-e4m3", async () => {
  const body = { x: [464.00000000000006], format: "fp8-e4m3", method: "stable" };
  assertEquals((await post(body)).body.results.stable.value, 448);
  assertEquals((await post({ ...body, semantics: "ieee" })).body.results.stable.value, "NaN");
});

Deno.test("an unknown semantics is a 422 naming the field", async () => {
  const { status, body } = await post({ ...reproducer, semantics: "numpy" });
  assertEquals(status, 422);
  assertStringIncludes(JSON.stringify(body), "/semantics");
});

Deno.test("the MCP logsumexp tool takes semantics and answers what HTTP answers", async () => {
  const transport = new StreamableHTTPClientTransport(new URL("http://lossdoctor.test/mcp"), {
    fetch: async (input, init) => await app.request(String(input), init),
  });
  const client = new Client({ name: "semantics-test", version: "0.0.0" });
  await client.connect(transport);
  for (const semantics of ["torch", "ieee"]) {
    const input = { ...reproducer, semantics };
    const result = await client.callTool({ name: "logsumexp", arguments: input });
    assertEquals(result.structuredContent, (await post(input)).body);
  }
  await client.close();
});

/** The check_contrastive_stability MCP tool answers what POST /v1/contrastive answers. */
import { assertEquals } from "@std/assert";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import app from "../routes/app.ts";
import { fixtureTrajectory, postContrastive } from "./contrastive_helpers.ts";

async function connect(): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL("http://lossdoctor.test/mcp"), {
    fetch: async (input, init) => await app.request(String(input), init),
  });
  const client = new Client({ name: "contrastive-test", version: "0.0.0" });
  await client.connect(transport);
  return client;
}

Deno.test("MCP check_contrastive_stability equals the HTTP answer (configuration + trajectory)", async () => {
  const client = await connect();
  const { tools } = await client.listTools();
  const tool = tools.find((t) => t.name === "check_contrastive_stability");
  assertEquals(tool?.inputSchema.type, "object");
  // The step-14 configuration with the trajectory up to step 11 and its "NaN"-free losses.
  const input = {
    temperature: 0.05,
    q_norm: 95.8,
    k_norm: 93.5,
    batch_size: 128,
    precision: "fp16-autocast",
    normalized: false,
    trajectory: fixtureTrajectory(11),
  };
  const result = await client.callTool({ name: "check_contrastive_stability", arguments: input });
  const http = await postContrastive(input);
  assertEquals(http.status, 200);
  assertEquals(result.structuredContent, http.body);
  assertEquals((result.content as { text: string }[])[0].text, http.body.summary);
  assertEquals(
    (result.structuredContent as { first_overflow: { stage: string } }).first_overflow.stage,
    "temperature",
  );
  await client.close();
});

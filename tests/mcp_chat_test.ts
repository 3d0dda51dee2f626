/**
 * A chat-bot user's path, end to end: the host's MCP client (the SDK's own) connects to the
 * service over a real loopback socket, lists the tools, and asks why ssd_double_norm.json spikes;
 * the text it gets back, what the bot shows the person, must name the cause and the fix.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import app from "../routes/app.ts";
import { loadFixture } from "./fixtures.ts";

const ssd = await loadFixture("ssd_double_norm");

/** Serves the app on a loopback port and connects the SDK client; both closed by `done`. */
async function session() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  const client = new Client({ name: "chat-host", version: "0.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${server.addr.port}/mcp`)),
  );
  return {
    client,
    done: async () => {
      await client.close();
      await server.shutdown();
    },
  };
}

function texts(result: Record<string, unknown>): string[] {
  return (result.content as { type: string; text: string }[]).map((c) => c.text);
}

Deno.test("a chat bot lists the five tools and learns why ssd_double_norm spikes: the last partial batch, drop_last", async () => {
  const { client, done } = await session();
  try {
    const { tools } = await client.listTools();
    assertEquals(tools.map((t) => t.name).toSorted(), [
      "analyze_loss_spikes",
      "check_contrastive_stability",
      "diagnose",
      "logsumexp",
      "predict_last_batch",
    ]);
    for (const tool of tools) {
      assertEquals(tool.inputSchema.type, "object", tool.name);
      assert((tool.description ?? "").length > 40, `${tool.name} says what it answers`);
    }

    const result = await client.callTool({
      name: "analyze_loss_spikes",
      arguments: { loss: ssd.loss, steps_per_epoch: 157 },
    });
    assert(!result.isError, texts(result).join("\n"));
    const [summary, json] = texts(result);
    // What the bot shows the person: the cause and the change to make.
    assertStringIncludes(summary, "last, partial batch");
    assertStringIncludes(summary, "drop_last=True");
    assertStringIncludes(summary, "157 steps");
    // The JSON behind it: the fixture's facts (period = 157 steps per epoch, the last step).
    const answer = JSON.parse(json);
    assertEquals(answer.periodicity.period, ssd.facts.steps_per_epoch);
    assertEquals(answer.periodicity.phase, ssd.facts.last_batch_step_indices[0]);
    assertEquals(answer.findings[0].id, "last-batch-spike");
    assertEquals(result.structuredContent, answer);
  } finally {
    await done();
  }
});

Deno.test("the diagnose tool over MCP: one merged last-batch finding, the same answer as HTTP", async () => {
  const { client, done } = await session();
  try {
    const input = {
      loss: ssd.loss,
      dataset_size: 5000,
      batch_size: 32,
      reduction: "per_item_then_batch_mean",
    };
    const result = await client.callTool({ name: "diagnose", arguments: input });
    assert(!result.isError, texts(result).join("\n"));
    const res = await app.request("/v1/diagnose", {
      method: "POST",
      body: JSON.stringify(input),
      headers: { "content-type": "application/json" },
    });
    const http = await res.json();
    assertEquals(result.structuredContent, http);
    assertEquals(texts(result)[0], http.summary);
    assertEquals(http.findings[0].merged_ids.length, 3);

    // The schema the bot sees nests the contrastive set-up, with the route's descriptions.
    const { tools } = await client.listTools();
    const diagnose = tools.find((t) => t.name === "diagnose")!;
    const nested = diagnose.inputSchema.properties?.contrastive as {
      properties: Record<string, { description?: string }>;
    };
    assertStringIncludes(nested.properties.temperature.description ?? "", "τ");

    // A bad call is a tool error the model can read and correct.
    const nothing = await client.callTool({ name: "diagnose", arguments: { log_every: 2 } });
    assertEquals(nothing.isError, true);
    assertStringIncludes(texts(nothing)[0], "nothing to diagnose");
  } finally {
    await done();
  }
});

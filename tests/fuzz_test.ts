/**
 * Fuzzing every endpoint (see `fuzz.ts` for the bodies and the property). This file runs a
 * seed-fixed slice in `deno task test` (`FUZZ_RUNS`, default 100 per endpoint); `deno task fuzz`
 * runs 10 000 per endpoint. A failure prints the seed and the shrunk request to replay.
 */
import fc from "fast-check";
import app, { loadTools } from "../routes/app.ts";
import * as contrastive from "../routes/contrastive.ts";
import * as diagnose from "../routes/diagnose.ts";
import * as lastBatch from "../routes/last-batch.ts";
import * as logSumExp from "../routes/logsumexp.ts";
import * as spikes from "../routes/spikes.ts";
import {
  checkResponse,
  fuzzParameters,
  type FuzzRequest,
  mcpRequests,
  requests,
  spikesRequests,
  statusCounts,
} from "./fuzz.ts";
import {
  contrastiveBody,
  diagnoseBody,
  lastBatchBody,
  logSumExpBody,
  spikesBody,
} from "./fuzz_bodies.ts";

const document = await (await app.request("/openapi.json")).json();
const tools = await loadTools();
const parameters = fuzzParameters(100);

/** The 200 schema of a route in the published document. */
const responseSchema = (path: string) =>
  document.paths[path].post.responses["200"].content["application/json"].schema;

/** Each MCP tool and the route whose answer its structured content is. */
const toolRoutes = new Map<string, string>([
  [spikes.tool.name, "/v1/spikes"],
  [lastBatch.tool.name, "/v1/last-batch"],
  [contrastive.contrastive.name, "/v1/contrastive"],
  [logSumExp.logsumexp.name, "/v1/logsumexp"],
  [diagnose.tool.name, "/v1/diagnose"],
]);

const endpoints: [string, fc.Arbitrary<FuzzRequest>][] = [
  ["/v1/spikes", spikesRequests],
  ["/v1/last-batch", requests(lastBatchBody)],
  ["/v1/contrastive", requests(contrastiveBody)],
  ["/v1/logsumexp", requests(logSumExpBody)],
  ["/v1/diagnose", requests(diagnoseBody)],
];

for (const [path, arbitrary] of endpoints) {
  Deno.test(`fuzz POST ${path}: no 5xx, errors are problem+json, 200s match the contract`, async () => {
    await fc.assert(
      fc.asyncProperty(arbitrary, (request) =>
        checkResponse(app, path, request, (answer) => ({
          schema: responseSchema(path),
          value: answer,
        }), document)),
      parameters,
    );
  });
}

Deno.test("fuzz POST /mcp: tool calls and JSON-RPC, structured content matches the route's contract", async () => {
  const calls: [string, fc.Arbitrary<unknown>][] = [
    [spikes.tool.name, spikesBody],
    [lastBatch.tool.name, lastBatchBody],
    [contrastive.contrastive.name, contrastiveBody],
    [logSumExp.logsumexp.name, logSumExpBody],
    [diagnose.tool.name, diagnoseBody],
  ];
  for (const tool of tools) {
    if (!toolRoutes.has(tool.name)) throw new Error(`fuzz.ts does not cover the tool ${tool.name}`);
  }
  await fc.assert(
    fc.asyncProperty(
      mcpRequests(calls),
      (request) =>
        checkResponse(app, "/mcp", request, (answer, sent) => {
          const content = answer?.result?.structuredContent;
          if (content === undefined || answer.result.isError) return null;
          // A batch is refused (400), so an answer with content is one call's.
          const message = [JSON.parse(sent.body as string)].flat()[0];
          const route = toolRoutes.get(message?.params?.name);
          if (route === undefined) throw new Error(`structured content for ${sent.body}?`);
          return { schema: responseSchema(route), value: content };
        }, document),
    ),
    parameters,
  );
});

if (Deno.env.get("FUZZ_RUNS")) {
  Deno.test("fuzz: the answers seen, by path and status", () => {
    console.log([...statusCounts].sort().map(([k, n]) => `${k}: ${n}`).join("\n"));
  });
}

// Runs requests through the bundled app under Node, as the portability test asks.
// Usage: node tests/node_runner.mjs <bundle.js> <requests.json>  → JSON answers on stdout.
// Math.f16round and Float16Array are removed first (Node 20 has neither; newer Nodes do), so
// the answers prove the app works without them whatever Node runs this.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

delete Math.f16round;
delete globalThis.Float16Array;

const [bundle, requestsFile] = process.argv.slice(2);
const { createApp, default: worker } = await import(pathToFileURL(bundle).href);
const app = createApp();
const answers = [];
for (const r of JSON.parse(readFileSync(requestsFile, "utf8"))) {
  const res = await app.request(r.path, { method: r.method, body: r.body, headers: r.headers });
  answers.push({
    status: res.status,
    type: res.headers.get("content-type"),
    body: await res.text(),
  });
}
// The module-worker export reads its settings from the env bindings.
const refused = await worker.fetch(
  new Request("http://localhost/v1/last-batch", { method: "POST", body: "{}" }),
  { API_TOKEN: "token-from-env" },
);
process.stdout.write(JSON.stringify({
  worker: { status: refused.status, type: refused.headers.get("content-type") },
  node: process.version,
  f16round: typeof Math.f16round,
  float16array: typeof globalThis.Float16Array,
  answers,
}));

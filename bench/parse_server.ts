/**
 * The floor of the load test: a server that reads a `/v1/spikes` body and parses it with the
 * service's own parser (`parseSeriesBody`: JSON, also Python's, CSV, lines), then answers a
 * tiny JSON — everything a spike request costs except the analysis and the answer's size.
 * Started by `bench/load.ts` on `HOST:PORT`; not part of the app.
 */
import { parseSeriesBody } from "../lib/parse/mod.ts";

const port = Number(Deno.env.get("PORT") ?? 8001);
const hostname = Deno.env.get("HOST") ?? "127.0.0.1";

Deno.serve({ port, hostname, onListen: () => {} }, async (request) => {
  if (request.method !== "POST") return new Response("ok");
  const series = parseSeriesBody(await request.text(), request.headers.get("content-type"));
  return Response.json({ n: series.loss.length });
});

import { assert, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import fc from "fast-check";
import {
  jsonErrorPosition,
  JsonLimitError,
  needsJsonScan,
  parseCsvSeries,
  parseNumberLines,
  parsePythonJson,
  parseSeriesBody,
  scanJson,
} from "../lib/parse/mod.ts";

Deno.test("parsePythonJson() reads back, bit for bit, what Python's json.dumps wrote", async () => {
  const values = [0, -0, 1.5, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, 0.1];
  // Sent as strings: JSON.stringify would write −0 as 0.
  const script = "import json,sys; v=[float(s) for s in json.loads(sys.argv[1])]; " +
    "print(json.dumps({'loss': v + [float('nan'), float('inf'), -float('inf')], 'name': 'NaN'}))";
  const out = await new Deno.Command("python3", {
    args: [
      "-c",
      script,
      JSON.stringify(values.map((v) => (Object.is(v, -0) ? "-0.0" : String(v)))),
    ],
    stdout: "piped",
  }).output();
  const parsed = parsePythonJson(new TextDecoder().decode(out.stdout)) as {
    loss: number[];
    name: string;
  };
  values.forEach((v, i) => assertStrictEquals(parsed.loss[i], v));
  assert(Number.isNaN(parsed.loss[7]));
  assertEquals(parsed.loss.slice(8), [Infinity, -Infinity]);
  assertEquals(parsed.name, "NaN", "a string that says NaN stays a string");
});

Deno.test("jsonErrorPosition() accepts exactly what JSON.parse accepts", () => {
  fc.assert(
    fc.property(
      fc.json(),
      fc.nat(),
      fc.constantFrom("", ",", "]", "}", '"', ":", "x", "-"),
      (json, at, junk) => {
        const cut = at % (json.length + 1);
        const text = json.slice(0, cut) + junk + json.slice(cut);
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        if (/NaN|Infinity/.test(text)) return; // valid here, not for JSON.parse
        assertEquals(jsonErrorPosition(text) === -1, valid, text);
      },
    ),
    { seed: 3, numRuns: 2000 },
  );
});

Deno.test("jsonErrorPosition() survives 100 000 levels of nesting", () => {
  assertEquals(jsonErrorPosition("[".repeat(100_000) + "]".repeat(100_000)), -1);
  assertEquals(jsonErrorPosition("[".repeat(100_000)), 100_000);
});

Deno.test("parsePythonJson() names the line and column of a syntax error", () => {
  assertThrows(() => parsePythonJson('{"loss": [1,\n  2,, 3]}'), TypeError, "line 2 column 5");
});

Deno.test("parseCsvSeries() reads TensorBoard's export and sorts rows by step", () => {
  const csv = "\uFEFFWall time,Step,Value\r\n1.7e9,2,0.5\r\n1.7e9,0,0.9\r\n1.7e9,1,nan\r\n";
  const { steps, loss, column } = parseCsvSeries(csv);
  assertEquals(column, "Value");
  assertEquals(Array.from(steps!), [0, 1, 2]);
  assertEquals(Array.from(loss), [0.9, NaN, 0.5]);
});

Deno.test("parseCsvSeries() takes a W&B run's loss column and skips rows it did not log", () => {
  const csv = `Step,"a, b - loss","a, b - loss__MIN","a, b - loss__MAX",other - loss\n` +
    "0,2.5,2.5,2.5,9\n1,,,,8\n2,2.25,2.25,2.25,7\n";
  const { steps, loss, column } = parseCsvSeries(csv);
  assertEquals(column, "a, b - loss");
  assertEquals(Array.from(steps!), [0, 2]);
  assertEquals(Array.from(loss), [2.5, 2.25]);
  assertEquals(Array.from(parseCsvSeries(csv, "other - loss").loss), [9, 8, 7]);
});

Deno.test("parseCsvSeries() says which line and column hold a bad cell", () => {
  assertThrows(() => parseCsvSeries("step,loss\n0,1\n1,abc\n"), TypeError, 'line 3, column "loss"');
  assertThrows(() => parseCsvSeries("step,loss\n0,1\n", "acc"), TypeError, '"acc"');
});

Deno.test("parseNumberLines() reads nan and inf and names the line of a word", () => {
  assertEquals(Array.from(parseNumberLines("1\n\n2.5\nnan\n-inf\nInfinity\n")), [
    1,
    2.5,
    NaN,
    -Infinity,
    Infinity,
  ]);
  assertThrows(() => parseNumberLines("1\n2\nloss\n"), TypeError, "line 3");
});

Deno.test("parseSeriesBody() sniffs JSON, CSV and lines when no media type is given", () => {
  assertEquals(parseSeriesBody("[1, 2]", null).format, "json");
  assertEquals(parseSeriesBody("step,loss\n0,1\n", null).format, "csv");
  assertEquals(parseSeriesBody("1\n2\nnan\n", null).format, "text");
  const json = parseSeriesBody(
    '{"loss": [1, null], "steps": [10, 20], "log_every": 10}',
    "application/json",
  );
  assertEquals(json.fields, { log_every: 10 });
  assertEquals(Array.from(json.steps!), [10, 20]);
  assertThrows(() => parseSeriesBody('{"loss": [1], "steps": [1, 2]}', null), TypeError, "/steps");
});

Deno.test("scanJson() measures without building: depth, containers, keys, bare tokens, elements", () => {
  const shape = scanJson('{"loss": [1, NaN, -Infinity], "name": "NaN, [Infinity]"}');
  assertEquals(shape, { depth: 2, containers: 2, keys: 2, bare: [13, 18] });
  // Commas and brackets inside strings are not structure.
  assertEquals(scanJson('[[1,2,3],[4,5,6],"a,b,c,d,[[["]', 3).containers, 3);
  assertThrows(() => scanJson("[1,2,3,4]", 3), JsonLimitError, "more than 3 elements");
  assertThrows(() => scanJson("[".repeat(65) + "]".repeat(65)), JsonLimitError, "64 levels");
  // A text with fewer commas than the bound cannot hold a longer array: no scan needed.
  assertEquals([needsJsonScan("[1,2,3]", 3), needsJsonScan("[1,2,3,4]", 3)], [false, true]);
});

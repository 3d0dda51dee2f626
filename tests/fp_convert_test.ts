import { assert, assertEquals } from "@std/assert";
import { convert, type Format } from "../lib/fp/mod.ts";
import { loadTorchRecord, num, type Recorded } from "./torch_fixture.ts";

interface Row {
  x: Recorded;
  torch: Record<"fp32" | "fp16" | "bf16", Recorded>;
  fp8: Record<"e4m3" | "e5m2", Recorded>;
  ieee: Record<"fp16" | "bf16" | "e4m3" | "e5m2", Recorded>;
}

const { rows } = await loadTorchRecord<{ rows: Row[] }>("conversions");

/** The recorded torch value of each format (fp8: torch's fp32, then ml_dtypes' OCP cast). */
const torchOf = (row: Row, format: Format): number =>
  num(
    format === "fp8-e4m3"
      ? row.fp8.e4m3
      : format === "fp8-e5m2"
      ? row.fp8.e5m2
      : row.torch[format as "fp32" | "fp16" | "bf16"],
  );

const ieeeOf = (row: Row, format: Format): number =>
  num(
    row.ieee[
      ({ "fp8-e4m3": "e4m3", "fp8-e5m2": "e5m2" } as const)[format as "fp8-e4m3"] ??
        format as "fp16"
    ],
  );

const NARROW: Format[] = ["fp16", "bf16", "fp8-e4m3", "fp8-e5m2"];

Deno.test("torch semantics converts every recorded float64 input as PyTorch 1.13 did", () => {
  assert(rows.length > 4000, `${rows.length} rows`);
  for (const format of ["fp32", ...NARROW] as Format[]) {
    const wrong = rows.filter((row) =>
      !Object.is(convert(num(row.x), format, "torch"), torchOf(row, format))
    );
    assertEquals(wrong.slice(0, 3).map((r) => r.x), [], format);
  }
});

Deno.test("ieee semantics rounds each recorded input once, as an exact Fraction model does", () => {
  for (const format of NARROW) {
    const wrong = rows.filter((row) =>
      !Object.is(convert(num(row.x), format, "ieee"), ieeeOf(row, format))
    );
    assertEquals(wrong.slice(0, 3).map((r) => r.x), [], format);
  }
});

Deno.test("the recorded inputs near the midpoints tell the two semantics apart in every narrow format", () => {
  for (const format of NARROW) {
    const differ = rows.filter((row) => !Object.is(torchOf(row, format), ieeeOf(row, format)));
    // a few hundred of the ~800 boundary inputs of each format round differently
    assert(differ.length > 300, `${format}: ${differ.length}`);
  }
});

Deno.test("issue 14's two examples: bf16 1.52587890625e-05 and fp8 e4m3 448 under torch", () => {
  const x = 1.0039062500000002 * 2 ** -16; // 0x1.0100000000001p-16
  assertEquals(x, rows[0].x);
  assertEquals(convert(x, "bf16", "torch"), 1.52587890625e-05);
  assertEquals(convert(x, "bf16", "ieee"), 1.537799835205078e-05);
  assertEquals(convert(464.00000000000006, "fp8-e4m3", "torch"), 448);
  assert(Number.isNaN(convert(464.00000000000006, "fp8-e4m3", "ieee")));
});

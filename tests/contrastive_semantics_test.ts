/** `semantics` reaches POST /v1/contrastive: embeddings go to fp16 through fp32 under torch. */
import { assertEquals } from "@std/assert";
import { postContrastive } from "./contrastive_helpers.ts";

// 1 + 2⁻¹¹ + 2⁻⁴⁰: fp32 rounds it onto the fp16 tie 1 + 2⁻¹¹, which goes to even (1); rounded
// once it is above the tie (1 + 2⁻¹⁰). torch 1.13 gave 1.0 (tests/fixtures/torch/conversions.json).
const x = 1 + 2 ** -11 + 2 ** -40;
const body = {
  temperature: 1,
  precision: "fp16",
  q: [[x, 0], [0, 1]],
  k: [[1, 0], [0, 1]],
};

Deno.test("contrastive embeddings are cast as torch casts them by default, once under ieee", async () => {
  const torch = await postContrastive(body);
  assertEquals(torch.status, 200);
  assertEquals(torch.body.semantics, "torch");
  assertEquals(torch.body.embeddings.max_logit, 1);
  const ieee = await postContrastive({ ...body, semantics: "ieee" });
  assertEquals(ieee.body.semantics, "ieee");
  assertEquals(ieee.body.embeddings.max_logit, 1 + 2 ** -10);
});

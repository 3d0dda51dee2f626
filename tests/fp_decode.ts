/**
 * An independent decoder of small binary floating-point formats, for the tests: bit pattern →
 * value, by the textbook formula (IEEE 754-2019 §3.4; OCP OFP8 rev. 1.0 §5 for E4M3), sharing no
 * code with lib/fp's rounding.
 *
 * value = (−1)^s · 2^(1 − bias) · (0.f)  when the exponent field is 0 (subnormal, or zero)
 *       = (−1)^s · 2^(E − bias) · (1.f)  otherwise;
 * IEEE formats: an all-ones exponent is ±Infinity (f = 0) or NaN. OCP E4M3 ("fn"): only
 * S.1111.111 is NaN, the other all-ones-exponent patterns are normal numbers.
 */
export interface Layout {
  exponentBits: number;
  mantissaBits: number;
  /** true for OCP E4M3: no infinities, NaN only with every exponent and mantissa bit set. */
  finiteOnly?: boolean;
}

export const FP16_LAYOUT: Layout = { exponentBits: 5, mantissaBits: 10 };
export const BF16_LAYOUT: Layout = { exponentBits: 8, mantissaBits: 7 };
export const E4M3_LAYOUT: Layout = { exponentBits: 4, mantissaBits: 3, finiteOnly: true };
export const E5M2_LAYOUT: Layout = { exponentBits: 5, mantissaBits: 2 };

export function decode(bits: number, layout: Layout): number {
  const { exponentBits, mantissaBits } = layout;
  const width = 1 + exponentBits + mantissaBits;
  const sign = Math.floor(bits / Math.pow(2, width - 1)) % 2 === 1 ? -1 : 1;
  const fieldE = Math.floor(bits / Math.pow(2, mantissaBits)) % Math.pow(2, exponentBits);
  const fieldF = bits % Math.pow(2, mantissaBits);
  const allOnes = Math.pow(2, exponentBits) - 1;
  const bias = Math.pow(2, exponentBits - 1) - 1;
  if (fieldE === allOnes) {
    if (layout.finiteOnly) {
      if (fieldF === Math.pow(2, mantissaBits) - 1) return NaN;
    } else {
      return fieldF === 0 ? sign * Infinity : NaN;
    }
  }
  const fraction = fieldF / Math.pow(2, mantissaBits);
  if (fieldE === 0) return sign * fraction * Math.pow(2, 1 - bias);
  return sign * (1 + fraction) * Math.pow(2, fieldE - bias);
}

/** Every pattern of the layout. */
export function patterns(layout: Layout): number[] {
  const n = Math.pow(2, 1 + layout.exponentBits + layout.mantissaBits);
  return Array.from({ length: n }, (_, i) => i);
}

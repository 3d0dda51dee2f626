"""Independent IEEE reference for tests/numpy_agreement_test.ts.

Generates random log-sum-exp vectors and random contrastive batches from the seed given on the
command line, and evaluates them op by op with numpy's float16 / float32 scalars: numpy's binary16
is its own implementation (halffloat.c: correctly rounded conversions, arithmetic through float32,
which is exact enough for +, -, *, / to round correctly). exp and log are taken in float64 and
rounded once to the format, as the emulator specifies. The op sequences follow the emulator's
documentation (lib/lse, lib/contrastive/precision.ts); the rounding is numpy's.

Prints one JSON document; non-finite numbers are written as "NaN", "Infinity", "-Infinity".
"""
import json
import math
import sys

import numpy as np

np.seterr(all="ignore")
TYPES = {"fp16": np.float16, "fp32": np.float32}


def enc(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def exp_in(f, v):
    return f(np.exp(np.float64(v)))


def log_in(f, v):
    return f(np.log(np.float64(v)))


def parts(xs, method, f, a):
    """Returns (shift, stored sum, log of it) as the emulator's three methods compute them."""
    s = a(0)
    if method == "naive":
        shift = 0
        for v in xs:
            s = a(s + exp_in(f, v))
    elif method == "stable":
        m = max(xs)
        shift = 0 if m == -math.inf else m
        for v in xs:
            d = f(v - f(shift))
            s = a(s + exp_in(f, d))
    else:
        m = -math.inf
        for v in xs:
            if v > m:
                if s != 0:
                    d = f(m - v)
                    s = a(s * exp_in(a, d))
                m = v
            if m == -math.inf and v == -math.inf:
                continue
            s = a(s + exp_in(f, f(v - m)))
        shift = 0 if m == -math.inf else m
    stored = f(s)
    return shift, stored, log_in(f, stored)


def lse(xs, method, f, a):
    shift, _, log_sum = parts(xs, method, f, a)
    return log_sum if shift == 0 else f(f(shift) + log_sum)


def info_nce(row, target, method, f, a):
    xs = [f(v) for v in row]
    shift, _, log_sum = parts(xs, method, f, a)
    d = xs[target] if shift == 0 else f(xs[target] - f(shift))
    return f(log_sum - d)


def main():
    rng = np.random.default_rng(int(sys.argv[1]))
    vectors = []
    for _ in range(400):
        fmt = str(rng.choice(["fp16", "fp32"]))
        acc = str(rng.choice([fmt, "fp32"]))
        method = str(rng.choice(["naive", "stable", "online"]))
        n = int(rng.integers(1, 48))
        scale = float(np.exp(rng.uniform(np.log(0.1), np.log(30 if fmt == "fp16" else 120))))
        x = (rng.standard_normal(n) * scale).tolist()
        if rng.random() < 0.1:
            x[int(rng.integers(0, n))] = -math.inf
        f, a = TYPES[fmt], TYPES[acc]
        xs = [f(v) for v in x]
        vectors.append({"x": [enc(v) for v in x], "format": fmt, "accumulate": acc,
                        "method": method, "value": enc(lse(xs, method, f, a))})

    batches = []
    for _ in range(40):
        precision = str(rng.choice(["fp16", "fp16-autocast"]))
        b = int(rng.integers(2, 24))
        dim = int(rng.integers(2, 48))
        tau = float(np.exp(rng.uniform(np.log(0.01), np.log(1.0))))
        q = rng.standard_normal((b, dim))
        k = q + 0.3 * rng.standard_normal((b, dim))
        if rng.random() < 0.4:
            q /= np.linalg.norm(q, axis=1, keepdims=True)
            k /= np.linalg.norm(k, axis=1, keepdims=True)
        else:
            norm = float(np.exp(rng.uniform(np.log(0.5), np.log(150))))
            q *= norm / math.sqrt(dim)
            k *= norm / math.sqrt(dim)
        qh, kh = q.astype(np.float16), k.astype(np.float16)
        logits = np.empty((b, b), dtype=np.float16)
        for i in range(b):
            for j in range(b):
                products = qh[i].astype(np.float32) * kh[j].astype(np.float32)  # exact
                acc = np.add.accumulate(products, dtype=np.float32)[-1]  # left to right
                dot = np.float16(acc)
                logits[i, j] = np.float16(np.float32(np.float32(dot) / np.float32(tau)))
        autocast = precision.endswith("autocast")
        rows = []
        for i in range(b):
            row = logits[i].tolist()
            stable = info_nce(row, i, "stable", np.float32, np.float32)
            naive_f = np.float32 if autocast else np.float16
            naive = info_nce(row, i, "naive", naive_f, np.float32)
            out = np.float32 if autocast else np.float16
            rows.append({"stable": enc(out(stable)), "naive": enc(out(naive))})
        batches.append({"q": q.tolist(), "k": k.tolist(), "temperature": tau,
                        "precision": precision, "per_row": rows})
    print(json.dumps({"vectors": vectors, "batches": batches}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes a random model2vec folder and numpy reference embeddings for it.

  make_static_reference.py OUT_DIR TOKENIZER_JSON GOLDEN_JSONL [--dim 32] [--seed 1]

OUT_DIR receives tokenizer.json (a copy of TOKENIZER_JSON, a WordPiece
tokenizer), model.safetensors with `embeddings` [vocab, dim] in F16 (numpy
random normal, written with the stdlib header format), config.json, and
reference.json: {"texts": [...], "embeddings": [[...]...]}. The token ids come
from GOLDEN_JSONL (tests/golden/wordpiece_minilm.jsonl, made by an independent
Python tokenizer), so this checks the C++ static embedder's lookup, [UNK]
skipping, F16 conversion, mean and normalization against numpy, as model2vec
computes them. Texts whose golden ids were truncated are left out.
Exits 77 when numpy is not installed, so the caller can skip.
"""
import argparse
import json
import os
import shutil
import struct
import sys

try:
    import numpy as np
except ImportError:
    sys.exit(77)

UNK_ID = 100  # [UNK] in the BERT uncased vocabulary


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("tokenizer_json")
    p.add_argument("golden")
    p.add_argument("--dim", type=int, default=32)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    shutil.copy(a.tokenizer_json, os.path.join(a.out, "tokenizer.json"))
    with open(a.tokenizer_json) as f:
        vocab = json.load(f)["model"]["vocab"]
    rows = max(vocab.values()) + 1
    table = np.random.default_rng(a.seed).normal(0, 1, (rows, a.dim)).astype(np.float16)
    data = table.tobytes()
    header = json.dumps({"embeddings": {"dtype": "F16", "shape": [rows, a.dim],
                                        "data_offsets": [0, len(data)]}}).encode()
    with open(os.path.join(a.out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + data)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump({"model_type": "model2vec", "normalize": True, "hidden_dim": a.dim}, f)

    texts, embeddings = [], []
    with open(a.golden) as f:
        for line in f:
            case = json.loads(line)
            if case["count"] != len(case["ids"]):
                continue  # truncated in the golden file
            ids = [i for i in case["ids"][1:-1] if i != UNK_ID]
            if ids:
                v = table[ids].astype(np.float64).mean(axis=0)
                v = v / np.linalg.norm(v)
            else:
                v = np.zeros(a.dim)
            texts.append(case["text"])
            embeddings.append([float(x) for x in v])
    with open(os.path.join(a.out, "reference.json"), "w") as f:
        json.dump({"texts": texts, "embeddings": embeddings}, f)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The PyTorch peer of bench/embed: the same BERT forward pass in plain
PyTorch, the way sentence-transformers runs it (length-sorted batches padded
to the longest member, additive attention mask, scaled_dot_product_attention
as Hugging Face's default "sdpa" BertModel where torch has it, else the
"eager" softmax(QK^T / sqrt(d) + mask) V, mean or CLS pooling, L2 norm).

  torch_peer.py MODEL_DIR INPUTS_JSON EMBEDDINGS_OUT [--threads 2] [--batch 32]

INPUTS_JSON: {"passages": [[ids]...], "queries": [[ids]...]} (Quarry's
tokenizer made them, so both runtimes see identical inputs). Writes the
passage embeddings as raw little-endian float32 rows to EMBEDDINGS_OUT, in
input order, and prints one JSON object on stdout: passage seconds, query
latencies in milliseconds, torch version and threads.
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] != "F32":
            continue
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").copy()).reshape(info["shape"])
    return out


class Bert:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.cfg = json.load(f)
        pooling_path = os.path.join(model_dir, "1_Pooling", "config.json")
        self.cls = False
        if os.path.exists(pooling_path):
            with open(pooling_path) as f:
                self.cls = json.load(f).get("pooling_mode_cls_token", False)
        w = read_safetensors(os.path.join(model_dir, "model.safetensors"))
        if "embeddings.word_embeddings.weight" not in w:
            w = {k[len("bert."):]: v for k, v in w.items() if k.startswith("bert.")}
        self.w = w
        self.hidden = self.cfg["hidden_size"]
        self.heads = self.cfg["num_attention_heads"]
        self.eps = self.cfg["layer_norm_eps"]

    def forward(self, ids, mask):
        w, h, heads = self.w, self.hidden, self.heads
        d = h // heads
        batch, length = ids.shape

        def ln(x, name):
            return F.layer_norm(x, (h,), w[name + ".weight"], w[name + ".bias"], self.eps)

        def lin(x, name):
            return F.linear(x, w[name + ".weight"], w[name + ".bias"])

        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = ln(x, "embeddings.LayerNorm")
        bias = ((1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min)
        for i in range(self.cfg["num_hidden_layers"]):
            L = "encoder.layer.%d." % i

            def split(t):
                return t.view(batch, length, heads, d).transpose(1, 2)

            q = split(lin(x, L + "attention.self.query"))
            k = split(lin(x, L + "attention.self.key"))
            v = split(lin(x, L + "attention.self.value"))
            if hasattr(F, "scaled_dot_product_attention"):  # torch >= 2.0
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
            else:  # what BertSelfAttention computes ("eager")
                scores = q @ k.transpose(-1, -2) / math.sqrt(d) + bias
                ctx = torch.softmax(scores, dim=-1) @ v
            ctx = ctx.transpose(1, 2).reshape(batch, length, h)
            x = ln(lin(ctx, L + "attention.output.dense") + x, L + "attention.output.LayerNorm")
            inter = F.gelu(lin(x, L + "intermediate.dense"))
            x = ln(lin(inter, L + "output.dense") + x, L + "output.LayerNorm")
        if self.cls:
            pooled = x[:, 0]
        else:
            m = mask[:, :, None]
            pooled = (x * m).sum(1) / torch.clamp(m.sum(1), min=1e-9)
        return F.normalize(pooled, p=2, dim=1)

    def encode(self, seqs, batch_size):
        """sentence-transformers' encode(): sort by length, batch, pad, restore order."""
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        out = torch.empty(len(seqs), self.hidden)
        for start in range(0, len(order), batch_size):
            part = order[start:start + batch_size]
            longest = max(len(seqs[i]) for i in part)
            ids = torch.zeros(len(part), longest, dtype=torch.long)
            mask = torch.zeros(len(part), longest)
            for row, i in enumerate(part):
                ids[row, :len(seqs[i])] = torch.tensor(seqs[i])
                mask[row, :len(seqs[i])] = 1.0
            out[part] = self.forward(ids, mask)
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("inputs")
    ap.add_argument("embeddings_out")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.inputs) as f:
        inputs = json.load(f)
    model = Bert(args.model)
    with torch.inference_mode():
        model.encode(inputs["passages"][:args.batch], args.batch)  # warm-up
        start = time.perf_counter()
        emb = model.encode(inputs["passages"], args.batch)
        passage_s = time.perf_counter() - start
        latencies = []
        for q in inputs["queries"][:20]:
            model.encode([q], 1)  # warm-up
        for q in inputs["queries"]:
            t = time.perf_counter()
            model.encode([q], 1)
            latencies.append((time.perf_counter() - t) * 1000.0)
    with open(args.embeddings_out, "wb") as f:
        f.write(emb.contiguous().numpy().astype("<f4").tobytes())
    json.dump({"passage_s": passage_s, "query_ms": latencies, "torch": torch.__version__,
               "threads": torch.get_num_threads(), "batch": args.batch}, sys.stdout)


if __name__ == "__main__":
    main()

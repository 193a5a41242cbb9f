#!/usr/bin/python3
"""Writes a random BERT model folder and PyTorch reference embeddings for it.

  make_tiny_bert.py OUT_DIR [--layers 2] [--hidden 32] [--heads 4]
                    [--intermediate 64] [--vocab 30522] [--pooling mean|cls]
                    [--seed 1] [--prefix ""]

OUT_DIR receives config.json, model.safetensors (written here with the
stdlib: 8-byte length, JSON header, float32 data), 1_Pooling/config.json, and
reference.json: {"ids": [[...]...], "embeddings": [[...]...]} where the
embeddings come from a plain-PyTorch BERT forward pass (written below from
torch ops, not transformers) over one padded batch of mixed lengths, mean or
CLS pooled and L2-normalized. The C++ encoder test compares against it.
Exits 77 when torch is not installed, so the caller can skip.
"""
import argparse
import json
import math
import os
import struct
import sys

try:
    import torch
except ImportError:
    sys.exit(77)


def linear(x, w, b):
    return x @ w.T + b


def bert_forward(w, cfg, ids, mask, pooling, prefix):
    p = prefix
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    head_dim = hidden // heads
    eps = cfg["layer_norm_eps"]
    batch, length = ids.shape

    def ln(x, name):
        return torch.nn.functional.layer_norm(x, (hidden,), w[name + ".weight"],
                                              w[name + ".bias"], eps)

    x = (w[p + "embeddings.word_embeddings.weight"][ids]
         + w[p + "embeddings.position_embeddings.weight"][torch.arange(length)][None]
         + w[p + "embeddings.token_type_embeddings.weight"][0][None, None])
    x = ln(x, p + "embeddings.LayerNorm")
    bias = (1.0 - mask[:, None, None, :]) * torch.finfo(torch.float32).min
    for i in range(cfg["num_hidden_layers"]):
        L = p + "encoder.layer.%d." % i

        def proj(name):
            y = linear(x, w[L + name + ".weight"], w[L + name + ".bias"])
            return y.view(batch, length, heads, head_dim).transpose(1, 2)

        q, k, v = proj("attention.self.query"), proj("attention.self.key"), proj("attention.self.value")
        scores = q @ k.transpose(-1, -2) / math.sqrt(head_dim) + bias
        ctx = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(batch, length, hidden)
        attn = linear(ctx, w[L + "attention.output.dense.weight"], w[L + "attention.output.dense.bias"])
        x = ln(attn + x, L + "attention.output.LayerNorm")
        inter = torch.nn.functional.gelu(
            linear(x, w[L + "intermediate.dense.weight"], w[L + "intermediate.dense.bias"]))
        out = linear(inter, w[L + "output.dense.weight"], w[L + "output.dense.bias"])
        x = ln(out + x, L + "output.LayerNorm")
    if pooling == "cls":
        pooled = x[:, 0]
    else:
        m = mask[:, :, None]
        pooled = (x * m).sum(1) / torch.clamp(m.sum(1), min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def make_weights(cfg, prefix, gen):
    H, I = cfg["hidden_size"], cfg["intermediate_size"]

    def rnd(*shape, scale=0.3, mean=0.0):
        return (torch.randn(*shape, generator=gen) * scale + mean).float()

    w = {}
    p = prefix
    w[p + "embeddings.word_embeddings.weight"] = rnd(cfg["vocab_size"], H, scale=1.0)
    w[p + "embeddings.position_embeddings.weight"] = rnd(cfg["max_position_embeddings"], H)
    w[p + "embeddings.token_type_embeddings.weight"] = rnd(cfg["type_vocab_size"], H)

    def ln(name):
        w[name + ".weight"] = rnd(H, scale=0.1, mean=1.0)
        w[name + ".bias"] = rnd(H, scale=0.1)

    def dense(name, out_dim, in_dim):
        w[name + ".weight"] = rnd(out_dim, in_dim, scale=1.0 / math.sqrt(in_dim))
        w[name + ".bias"] = rnd(out_dim, scale=0.1)

    ln(p + "embeddings.LayerNorm")
    for i in range(cfg["num_hidden_layers"]):
        L = p + "encoder.layer.%d." % i
        for name in ("query", "key", "value"):
            dense(L + "attention.self." + name, H, H)
        dense(L + "attention.output.dense", H, H)
        ln(L + "attention.output.LayerNorm")
        dense(L + "intermediate.dense", I, H)
        dense(L + "output.dense", H, I)
        ln(L + "output.LayerNorm")
    return w


def write_safetensors(path, tensors, extra_i64):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    items = [(n, "F32", list(t.shape), t.contiguous().numpy().astype("<f4").tobytes())
             for n, t in sorted(tensors.items())]
    for name, values in extra_i64.items():
        items.append((name, "I64", [len(values)], struct.pack("<%dq" % len(values), *values)))
    for name, dtype, shape, blob in items:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=64)
    ap.add_argument("--vocab", type=int, default=30522)
    ap.add_argument("--max-positions", type=int, default=128)
    ap.add_argument("--pooling", choices=["mean", "cls"], default="mean")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="")
    args = ap.parse_args()

    cfg = {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
           "hidden_size": args.hidden, "num_attention_heads": args.heads,
           "num_hidden_layers": args.layers, "intermediate_size": args.intermediate,
           "vocab_size": args.vocab, "max_position_embeddings": args.max_positions,
           "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0,
           "position_embedding_type": "absolute"}
    gen = torch.Generator().manual_seed(args.seed)
    weights = make_weights(cfg, args.prefix, gen)

    os.makedirs(os.path.join(args.out, "1_Pooling"), exist_ok=True)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(args.out, "1_Pooling", "config.json"), "w") as f:
        json.dump({"word_embedding_dimension": args.hidden,
                   "pooling_mode_cls_token": args.pooling == "cls",
                   "pooling_mode_mean_tokens": args.pooling == "mean",
                   "pooling_mode_max_tokens": False,
                   "pooling_mode_mean_sqrt_len_tokens": False}, f, indent=2)
    # Old checkpoints carry this int64 buffer; loaders must tolerate it.
    write_safetensors(os.path.join(args.out, "model.safetensors"), weights,
                      {args.prefix + "embeddings.position_ids": list(range(args.max_positions))})

    lengths = [min(n, args.max_positions) for n in
               (2, 7, 19, 3, 40, 11, args.max_positions, 5, 1 + args.max_positions // 2)]
    longest = max(lengths)
    ids = torch.zeros(len(lengths), longest, dtype=torch.long)
    mask = torch.zeros(len(lengths), longest)
    id_lists = []
    for row, n in enumerate(lengths):
        seq = [101] + torch.randint(999, args.vocab, (n - 2,), generator=gen).tolist() + [102]
        id_lists.append(seq)
        ids[row, :n] = torch.tensor(seq)
        mask[row, :n] = 1.0
    with torch.no_grad():
        emb = bert_forward(weights, cfg, ids, mask, args.pooling, args.prefix)
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump({"ids": id_lists, "embeddings": emb.tolist()}, f)


if __name__ == "__main__":
    main()

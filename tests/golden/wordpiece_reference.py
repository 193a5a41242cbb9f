#!/usr/bin/python3
"""An independent reference for Hugging Face's BertTokenizer (slow, Python).

A stdlib-only transcription of the algorithm of transformers'
BasicTokenizer + WordpieceTokenizer (tokenization_bert.py), used to make the
golden file that src/embed/wordpiece_test.cc checks the C++ tokenizer against.

  wordpiece_reference.py MODEL_DIR OUT.jsonl

writes one JSON object per case: {"text", "ids", "count"} where `ids` is the
encoding truncated to MAX_LENGTH (with [CLS] and [SEP]) and `count` the
untruncated length (with [CLS] and [SEP]).
"""
import json
import sys
import unicodedata

MAX_LENGTH = 256
MAX_CHARS_PER_WORD = 100

# Python's str.split() separators (str.isspace), written out.
PY_SPACES = set(map(chr, [9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0x85, 0xA0, 0x1680,
                          0x2028, 0x2029, 0x202F, 0x205F, 0x3000] + list(range(0x2000, 0x200B))))


def is_whitespace(c):
    return c in " \t\n\r" or unicodedata.category(c) == "Zs"


def is_control(c):
    if c in "\t\n\r":
        return False
    return unicodedata.category(c)[0] == "C"


def is_punctuation(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c)[0] == "P"


CJK_RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
              (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def is_cjk(c):
    cp = ord(c)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def split_spaces(text):
    words, cur = [], []
    for c in text:
        if c in PY_SPACES:
            if cur:
                words.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    if cur:
        words.append("".join(cur))
    return words


def basic_tokenize(text, lower=True, strip_accents=None, chinese=True):
    cleaned = []
    for c in text:
        if ord(c) in (0, 0xFFFD) or is_control(c):
            continue
        cleaned.append(" " if is_whitespace(c) else c)
    text = "".join(cleaned)
    if chinese:
        text = "".join(" %s " % c if is_cjk(c) else c for c in text)
    text = unicodedata.normalize("NFC", text)
    pieces = []
    for word in split_spaces(text):
        if lower:
            word = word.lower()
        if (lower and strip_accents is not False) or strip_accents:
            word = "".join(c for c in unicodedata.normalize("NFD", word)
                           if unicodedata.category(c) != "Mn")
        current = None
        for c in word:
            if is_punctuation(c):
                pieces.append(c)
                current = None
            else:
                if current is None:
                    current = []
                    pieces.append(current)
                current.append(c)
    joined = " ".join(p if isinstance(p, str) else "".join(p) for p in pieces)
    return split_spaces(joined)


def wordpiece(word, vocab, unk="[UNK]"):
    if len(word) > MAX_CHARS_PER_WORD:
        return [unk]
    out, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = ("##" if start > 0 else "") + word[start:end]
            if piece in vocab:
                found = piece
                break
            end -= 1
        if found is None:
            return [unk]
        out.append(found)
        start = end
    return out


def encode(text, vocab):
    pieces = [p for w in basic_tokenize(text) for p in wordpiece(w, vocab)]
    ids = [vocab[p] for p in pieces]
    full = [vocab["[CLS]"]] + ids + [vocab["[SEP]"]]
    cut = [vocab["[CLS]"]] + ids[:MAX_LENGTH - 2] + [vocab["[SEP]"]]
    return cut, len(full)


CASES = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "Héllo wörld café naïve résumé façade",
    "ÀÉÎÕÜ Ångström Øresund Łódź",
    "cafe\u0301 decomposed e\u0301",
    "我爱自然语言处理 and 日本語のテキスト",
    "한국어 텍스트",
    "I love 🍕 and 🚀!!! 👩\u200d👩\u200d👧 ok",
    "wait...what?!?! (yes) [no] {maybe} <tag> a--b c__d $100 50% #hash @user ~t `x` ^c |p \\b",
    "tab\there\nnewline\r\nzero\x00null\u200bzw\ufeffbom\x07bell\x1fus\x85nel",
    "\u00a0nbsp\u3000ideo\u2028line\u2029para\u2003em",
    "a" * 100,
    "a" * 101,
    "supercalifragilisticexpialidocious" * 3,
    "Привет мир Γειά σου κόσμε שלום עולם مرحبا بالعالم",
    "ΣΊΣΥΦΟΣ ΟΔΟΣ",
    "İstanbul ǅemal ß ẞ",
    "ﬁnance ﬀ ﬃ",
    "COVID-19 mRNA-1273 SARS-CoV-2 IL-6/IL-10 p<0.05 α-synuclein β2 µm °C ±3",
    "unaffable xqzvwk qqqqqzzzz",
    "don't can't it's “quoted” ‘single’ «guillemets» — dash – en",
    "\ufffd replacement \ue000x private \u0378 unassigned",
    "x² + y² = z³ ½ ∑∫√∞≠≤ ⅷ ①",
    "สวัสดีครับ नमस्ते",
    "Z\u0334\u0321a\u0337l\u0336g\u0335o\u0338",
    "",
    "   \t\n  ",
    "\x00\x01\x02",
    "[CLS]",
    "Numbers 3.14159 1,000,000 0x1F 1e-9 2026-12-04T14:24:46Z",
    "http://example.com/path?q=a&b=c#frag user@example.org",
    " ".join("token%d" % i for i in range(200)),
    ("The mitochondria is the powerhouse of the cell. " * 40).strip(),
]


def main():
    model_dir, out_path = sys.argv[1], sys.argv[2]
    vocab = {}
    with open(model_dir + "/vocab.txt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            vocab[line.rstrip("\n")] = i
    with open(out_path, "w", encoding="utf-8") as out:
        for text in CASES:
            ids, count = encode(text, vocab)
            out.write(json.dumps({"text": text, "ids": ids, "count": count}) + "\n")


if __name__ == "__main__":
    main()

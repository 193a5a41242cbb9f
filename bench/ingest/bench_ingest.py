#!/usr/bin/python3
"""bench/ingest: how fast `quarry ingest` turns documents into an indexed
collection, on one core and on all of them, and how much memory it takes.

  bench_ingest.py --quarry BIN --work-dir DIR [--out REPORT.json] [--label L]
                  [--files 1000] [--scales 10,20] [--repeat 3]
                  [--embedders lexical,local] [--model DIR] [--precision int8]
                  [--local-docs 0] [--quick]

Datasets:
  scifact    ../shared/data/beir/scifact/corpus.jsonl as-is (5,183 records)
  mixed-1x   a generated folder of --files files, a third each Markdown, HTML
             and PDF (written with ReportLab), made of SciFact sentences under
             generated headings (fixed seed); see make_mixed_folder below
  mixed-Nx   the same with N times as many files, for each N of --scales
             (lexical, all cores, once: they are there to show that peak
             memory stops growing with the corpus; --scales "" leaves them out)

Each dataset is ingested into a fresh data directory by the real binary, in
two modes:
  one-core   `taskset -c 0` and QUARRY_INGEST_THREADS=1: the whole process on
             one core, every ingestion step on one thread
  all-cores  the default: every core
Wall time is from process start to exit (parsing, extraction, the PDF sandbox
processes, chunking, embedding, the write-ahead log with its fsyncs, indexing,
and at the end the seal of the last rows and the merge of the segments, whose
share "of which final seal / merge s" gives; "segments" is sealed -> after
the merge). The speed-up is of the whole run, and in brackets of the writes
alone (the wall time less the final seal and merge, which follow the
pipeline and are mostly one thread's file writes and fsyncs).
Peak memory: "peak RSS" is the ru_maxrss that wait4 reports for the quarry
process (the largest of it and the PDF helpers it waited for), which counts
the pages of the collection's memory-mapped segment files it touched; "peak
anon" is the largest RssAnon (heap and stacks only) seen by sampling
/proc/PID/status every 50 ms; "collection RSS" is the peak RSS of a fresh
`quarry search` answering one query on the collection written (what the
finished index itself keeps resident, which grows with the corpus as any
index does). The median of --repeat runs
is reported (local runs once: they take minutes).

The local embedder runs a model of all-MiniLM-L6-v2's shape with generated
weights (--model; scripts/bench-ingest.sh makes it), in --precision.
--local-docs N ingests only the first N SciFact records with it (0 = all).
--quick: --files 200, --scales 5, --repeat 1, --local-docs 500.

Prints a Markdown table and writes the JSON report to --out.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared")
SCIFACT = os.path.normpath(os.path.join(SHARED, "data", "beir", "scifact", "corpus.jsonl"))
GENERATOR_VERSION = 1  # bump when make_mixed_folder changes what it writes

SUMMARY = re.compile(r"ingested (\d+) documents \((\d+) chunks\) into '[^']*', (\d+) unchanged, "
                     r"(\d+) skipped, (\d+) failed")
SEGMENTS = re.compile(r"segments: (\d+), merged into (\d+) in ([0-9.]+) s")
FINAL_SEAL = re.compile(r"final seal: ([0-9.]+) s")

PDF_WRITER = r"""
import json, sys
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas
for job in json.load(open(sys.argv[1])):
    c = canvas.Canvas(job["path"], pagesize=A4)
    c.setTitle(job["title"])
    for section in job["sections"]:
        y = 800
        c.setFont("Helvetica-Bold", 14)
        c.drawString(60, y, section["heading"])
        y -= 24
        c.setFont("Helvetica", 10)
        for paragraph in section["paragraphs"]:
            for line in simpleSplit(paragraph, "Helvetica", 10, 470):
                if y < 60:
                    c.showPage(); c.setFont("Helvetica", 10); y = 800
                c.drawString(60, y, line)
                y -= 13
            y -= 8
        c.showPage()
    c.save()
"""


def scifact_sentences(limit_docs=2000):
    sentences = []
    with open(SCIFACT, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= limit_docs:
                break
            text = json.loads(line)["text"]
            sentences += [s.strip() + "." for s in text.split(". ") if len(s.strip()) > 20]
    return sentences


def make_mixed_folder(path, files, seed=7):
    """Writes `files` documents into `path`: file i is Markdown, HTML or PDF
    (i % 3), with 2 to 4 sections of 1 to 2 paragraphs of 3 to 7 SciFact
    sentences each (about 2 to 6 KB of text), under generated headings."""
    rng = random.Random(seed)
    sentences = scifact_sentences()
    words = [w for w in " ".join(sentences[:3000]).split() if w.isalpha() and len(w) > 5]
    pdf_jobs = []
    os.makedirs(path, exist_ok=True)
    for i in range(files):
        sub = os.path.join(path, f"part{i % 10}")
        os.makedirs(sub, exist_ok=True)
        title = " ".join(rng.sample(words, 4)).capitalize()
        sections = []
        for _ in range(rng.randint(2, 4)):
            heading = " ".join(rng.sample(words, 3)).capitalize()
            paragraphs = [" ".join(rng.sample(sentences, rng.randint(3, 7)))
                          for _ in range(rng.randint(1, 2))]
            sections.append({"heading": heading, "paragraphs": paragraphs})
        kind = i % 3
        if kind == 0:
            with open(os.path.join(sub, f"note{i:05d}.md"), "w", encoding="utf-8") as f:
                f.write(f"# {title}\n\n")
                for s in sections:
                    f.write(f"## {s['heading']}\n\n" + "\n\n".join(s["paragraphs"]) + "\n\n")
        elif kind == 1:
            with open(os.path.join(sub, f"page{i:05d}.html"), "w", encoding="utf-8") as f:
                f.write(f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>"
                        "<style>body{font-family:serif}</style>"
                        "<script>var tracking = 1;</script></head><body>"
                        f"<nav><a href=\"/\">Home</a></nav><h1>{title}</h1>")
                for s in sections:
                    f.write(f"<h2>{s['heading']}</h2>" +
                            "".join(f"<p>{p}</p>" for p in s["paragraphs"]))
                f.write("</body></html>\n")
        else:
            pdf_jobs.append({"path": os.path.join(sub, f"report{i:05d}.pdf"), "title": title,
                             "sections": sections})
    jobs_file = os.path.join(path, "..", os.path.basename(path) + "-pdf-jobs.json")
    with open(jobs_file, "w") as f:
        json.dump(pdf_jobs, f)
    made = subprocess.run(["/usr/bin/python3", "-c", PDF_WRITER, jobs_file],
                          capture_output=True, text=True)
    os.remove(jobs_file)
    if made.returncode != 0:
        sys.exit("bench-ingest: writing PDFs with ReportLab (python3-reportlab) failed: " +
                 made.stderr[-500:])


def ensure_mixed_folder(work_dir, files):
    path = os.path.join(work_dir, f"mixed-{files}-v{GENERATOR_VERSION}")
    done = path + ".done"
    if not os.path.exists(done):
        shutil.rmtree(path, ignore_errors=True)
        started = time.monotonic()
        print(f"bench-ingest: generating {files} files in {path}", file=sys.stderr, flush=True)
        make_mixed_folder(path, files)
        open(done, "w").close()
        print(f"bench-ingest: generated in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return path


def scifact_subset(work_dir, docs):
    if docs <= 0:
        return SCIFACT
    path = os.path.join(work_dir, f"scifact-first-{docs}.jsonl")
    if not os.path.exists(path):
        with open(SCIFACT, encoding="utf-8") as src, open(path + ".tmp", "w", encoding="utf-8") as out:
            for i, line in enumerate(src):
                if i >= docs:
                    break
                out.write(line)
        os.replace(path + ".tmp", path)
    return path


def folder_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def rss_anon_bytes(pid):
    """RssAnon of a running process (its heap and stacks, not the pages of
    mapped files, which the kernel can drop), or 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_ingest(args, dataset_path, embedder_args, one_core, data_dir):
    """One `quarry ingest` into a fresh data_dir: wall time, counts, peak memory."""
    shutil.rmtree(data_dir, ignore_errors=True)
    env = dict(os.environ)
    argv = [args.quarry, "ingest", "--data", data_dir, "--quiet"] + embedder_args + [dataset_path]
    if one_core:
        env["QUARRY_INGEST_THREADS"] = "1"
        argv = ["taskset", "-c", "0"] + argv  # taskset execs quarry: same process
    else:
        env.pop("QUARRY_INGEST_THREADS", None)
    out_path = data_dir + ".out"
    err_path = data_dir + ".err"
    with open(out_path, "w") as out_f, open(err_path, "w") as err_f:
        started = time.monotonic()
        proc = subprocess.Popen(argv, env=env, stdout=out_f, stderr=err_f)
        # RssAnon is sampled beside the wait, so that the wall time ends when
        # the process does, not at the next sample.
        peak_anon = [0]
        done = threading.Event()

        def sample():
            while not done.wait(0.05):
                peak_anon[0] = max(peak_anon[0], rss_anon_bytes(proc.pid))

        sampler = threading.Thread(target=sample)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        done.set()
        sampler.join()
        code = os.waitstatus_to_exitcode(status)
    out = open(out_path).read()
    err = open(err_path).read()
    if code != 0:
        sys.exit(f"bench-ingest: {' '.join(argv)} failed ({code}): {err[-800:]}")
    m = SUMMARY.search(out)
    if not m:
        sys.exit(f"bench-ingest: no summary in the output of {' '.join(argv)}: {out[-400:]}")
    docs, chunks, _, _, failed = map(int, m.groups())
    if failed:
        sys.exit(f"bench-ingest: {failed} files failed in {dataset_path}: {out[-800:]}")
    # The run ends by sealing its rows and merging its segments (wall_s
    # includes that merge; merge_s is its share).
    seg = SEGMENTS.search(out)
    if not seg:
        sys.exit(f"bench-ingest: no segments line in the output of {' '.join(argv)}: {out[-400:]}")
    return {"wall_s": wall, "documents": docs, "chunks": chunks,
            "segments_sealed": int(seg.group(1)), "segments_merged": int(seg.group(2)),
            "merge_s": float(seg.group(3)),
            # (a build before 565a953 prints no "final seal" line)
            "final_seal_s": float(fs.group(1)) if (fs := FINAL_SEAL.search(out)) else 0.0,
            "peak_rss_bytes": usage.ru_maxrss * 1024, "peak_anon_bytes": peak_anon[0],
            "cpu_s": usage.ru_utime + usage.ru_stime}


def collection_rss(args, data_dir):
    """Peak RSS of a fresh `quarry search` answering one query on the
    collection just written: what the finished collection itself keeps in
    memory (its codes, graphs, postings and the pages a search touches)."""
    proc = subprocess.Popen([args.quarry, "search", "--data", data_dir, "--k", "10",
                             "cerebral white matter development"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench-ingest: quarry search on {data_dir} failed: {proc.stderr.read()[-400:]}")
    return usage.ru_maxrss * 1024


def median_run(args, repeat, *run_args):
    runs = [run_ingest(args, *run_args) for _ in range(repeat)]
    walls = [r["wall_s"] for r in runs]
    best = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
    best = dict(best)
    best["wall_s_all"] = walls
    best["peak_rss_bytes"] = max(r["peak_rss_bytes"] for r in runs)
    best["peak_anon_bytes"] = max(r["peak_anon_bytes"] for r in runs)
    return best


def load_average():
    try:
        return float(open("/proc/loadavg").read().split()[0])
    except OSError:
        return -1.0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quarry", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--out")
    p.add_argument("--label", default="")
    p.add_argument("--files", type=int, default=1000)
    p.add_argument("--scales", default="10,20")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--embedders", default="lexical,local")
    p.add_argument("--model", help="model folder for the local embedder")
    p.add_argument("--precision", default="int8", choices=["float32", "int8"])
    p.add_argument("--local-docs", type=int, default=0)
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    if args.quick:
        args.files, args.scales, args.repeat, args.local_docs = 200, "5", 1, 500
    if not os.path.isfile(SCIFACT):
        sys.exit(f"bench-ingest: {SCIFACT} is missing (the SciFact corpus of ../shared)")
    embedders = [e for e in args.embedders.split(",") if e]
    if "local" in embedders and not (args.model and os.path.isdir(args.model)):
        sys.exit("bench-ingest: --model DIR is needed for the local embedder")
    os.makedirs(args.work_dir, exist_ok=True)
    mixed = ensure_mixed_folder(args.work_dir, args.files)
    scales = [int(x) for x in args.scales.split(",") if x]
    big_folders = [(f"mixed-{args.files * n}", ensure_mixed_folder(args.work_dir, args.files * n))
                   for n in scales]

    plan = []  # (embedder, dataset name, path)
    for e in embedders:
        plan.append((e, "scifact", scifact_subset(args.work_dir, args.local_docs) if e == "local"
                     else SCIFACT))
        plan.append((e, f"mixed-{args.files}", mixed))
        if e == "lexical":
            plan += [(e, name, path) for name, path in big_folders]

    results = []
    load_before = load_average()
    for embedder, name, path in plan:
        embedder_args = ["--embedder", embedder]
        if embedder == "local":
            embedder_args += ["--model", args.model, "--precision", args.precision]
        # Local runs take minutes, and so do the big folders: once each; the
        # big folders on all cores only.
        big = any(path == p for _, p in big_folders)
        repeat = args.repeat if embedder == "lexical" and not big else 1
        row = {"embedder": embedder, "dataset": name, "input_bytes": folder_bytes(path)}
        for mode in (("all-cores",) if big else ("one-core", "all-cores")):
            print(f"bench-ingest: {embedder} {name} {mode}", file=sys.stderr, flush=True)
            data_dir = os.path.join(args.work_dir, "data")
            row[mode] = median_run(args, repeat, path, embedder_args, mode == "one-core", data_dir)
        row["collection_rss_bytes"] = collection_rss(args, data_dir)
        if "one-core" in row:
            row["speedup"] = row["one-core"]["wall_s"] / row["all-cores"]["wall_s"]
            # The writes alone: without the final seal and merge, which run
            # after the pipeline, mostly on one thread (fsyncs, file writes).
            writes = lambda run: run["wall_s"] - run["final_seal_s"] - run["merge_s"]
            row["speedup_writes"] = writes(row["one-core"]) / writes(row["all-cores"])
        results.append(row)
    shutil.rmtree(os.path.join(args.work_dir, "data"), ignore_errors=True)

    report = {"label": args.label, "cores": os.cpu_count(), "load_before": load_before,
              "load_after": load_average(), "precision": args.precision, "results": results}
    print(f"\n### Ingestion ({args.label}; {os.cpu_count()} cores; load {load_before:.2f} -> "
          f"{report['load_after']:.2f})\n")
    print("| embedder | dataset | documents | chunks | input MB | all cores: s "
          "| of which final seal / merge s | segments | docs/s | chunks/s | one core: s "
          "| speed-up (writes only) | peak RSS MB (all / one) | peak anon MB (all / one) "
          "| collection RSS MB |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    mb = lambda run, key: f"{run[key] / 1e6:.0f}" if run else "-"
    for r in results:
        a, o = r["all-cores"], r.get("one-core")
        one_s = f"{o['wall_s']:.2f}" if o else "-"
        speedup = f"{r['speedup']:.2f}x ({r['speedup_writes']:.2f}x)" if o else "-"
        print(f"| {r['embedder']} | {r['dataset']} | {a['documents']} | {a['chunks']} | "
              f"{r['input_bytes'] / 1e6:.1f} | {a['wall_s']:.2f} | "
              f"{a['final_seal_s']:.2f} / {a['merge_s']:.2f} | "
              f"{a['segments_sealed']} -> {a['segments_merged']} | "
              f"{a['documents'] / a['wall_s']:.0f} | "
              f"{a['chunks'] / a['wall_s']:.0f} | {one_s} | {speedup} | "
              f"{mb(a, 'peak_rss_bytes')} / {mb(o, 'peak_rss_bytes')} | "
              f"{mb(a, 'peak_anon_bytes')} / {mb(o, 'peak_anon_bytes')} | "
              f"{r['collection_rss_bytes'] / 1e6:.0f} |")
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)
        print(f"\nreport: {args.out}")


if __name__ == "__main__":
    main()

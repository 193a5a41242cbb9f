// bench_pdf_extract: wall time to extract every PDF of a folder through the
// sandbox (pdf_sandbox.h), with one spawned helper per PDF ("spawn") and with
// the fork server ("fork-server"), from 1 and from N threads. Prints a
// Markdown table and writes a JSON report.
//
//   bench_pdf_extract --helper build/quarry-pdf-extract --dir FOLDER
//                     [--threads 2] [--repeat 5] [--out report.json]
//
// Each (path, threads) cell runs --repeat times; the table shows the median,
// min and max. The fork-server runs use a new pool per run, so its start
// (exec, loading, warm-up) is counted in every run.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ingest/pdf/pdf_fork_client.h"
#include "ingest/pdf/pdf_sandbox.h"

namespace {

using namespace quarry::ingest;

struct Cell {
  std::string path;
  int threads = 1;
  std::vector<double> seconds;
  int failures = 0;
};

double RunOnce(const std::vector<std::string>& files, const std::string& helper, bool fork_server,
               int threads, int* failures) {
  std::unique_ptr<PdfForkServerPool> pool;
  if (fork_server) pool = std::make_unique<PdfForkServerPool>(helper);
  std::atomic<size_t> next{0};
  std::atomic<int> failed{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < files.size();) {
        if (!ExtractPdfFile(files[i], PdfLimits{}, helper, pool.get()).ok()) ++failed;
      }
    });
  }
  for (std::thread& w : workers) w.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  pool.reset();
  *failures += failed.load();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string helper, dir, out;
  int max_threads = 2, repeat = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--helper")
      helper = value;
    else if (flag == "--dir")
      dir = value;
    else if (flag == "--threads")
      max_threads = std::stoi(value);
    else if (flag == "--repeat")
      repeat = std::stoi(value);
    else if (flag == "--out")
      out = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (helper.empty() || dir.empty()) {
    std::fprintf(stderr,
                 "usage: bench_pdf_extract --helper PATH --dir FOLDER [--threads N] "
                 "[--repeat N] [--out FILE]\n");
    return 2;
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".pdf") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());

  std::vector<Cell> cells;
  for (int threads : {1, max_threads}) {
    for (const bool fork_server : {false, true}) {
      cells.push_back({fork_server ? "fork-server" : "spawn", threads, {}, 0});
    }
    if (max_threads == 1) break;
  }
  // Interleaved, so that a change in the machine's load hits every cell alike.
  for (int r = 0; r < repeat; ++r) {
    for (Cell& c : cells) {
      c.seconds.push_back(RunOnce(files, helper, c.path == "fork-server", c.threads, &c.failures));
    }
  }
  std::printf("%zu PDFs, %d runs each\n\n", files.size(), repeat);
  std::printf("| path | threads | median s | min s | max s | ms per PDF (median) | failures |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  std::string json = "{\"files\": " + std::to_string(files.size()) + ", \"cells\": [";
  for (size_t k = 0; k < cells.size(); ++k) {
    Cell& c = cells[k];
    std::sort(c.seconds.begin(), c.seconds.end());
    const double median = c.seconds[c.seconds.size() / 2];
    std::printf("| %s | %d | %.2f | %.2f | %.2f | %.1f | %d |\n", c.path.c_str(), c.threads, median,
                c.seconds.front(), c.seconds.back(), 1000 * median / files.size(), c.failures);
    json += std::string(k ? ", " : "") + "{\"path\": \"" + c.path +
            "\", \"threads\": " + std::to_string(c.threads) + ", \"seconds\": [";
    for (size_t j = 0; j < c.seconds.size(); ++j) {
      json += (j ? ", " : "") + std::to_string(c.seconds[j]);
    }
    json += "], \"failures\": " + std::to_string(c.failures) + "}";
  }
  json += "]}\n";
  if (!out.empty()) std::ofstream(out) << json;
  return 0;
}

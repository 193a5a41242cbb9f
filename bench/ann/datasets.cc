#include "datasets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <system_error>

#include "dataset_stats.h"
#include "generators.h"
#include "npy_io.h"
#include "rng.h"

namespace quarry::bench {
namespace {

// Bump when a generator or the hold-out rule changes, so stale caches are ignored.
constexpr int kDataVersion = 1;
constexpr uint64_t kQueryStream = uint64_t{1} << 40;  // queries never share a stream with base rows
constexpr size_t kBigannHeldOut = 1000;

void Log(const std::string& msg) { std::fprintf(stderr, "[ann] %s\n", msg.c_str()); }

std::string CachePath(const DatasetOptions& o, const std::string& key, const char* suffix) {
  return (std::filesystem::path(o.cache_dir) / (key + suffix)).string();
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

Status EnsureCacheDir(const DatasetOptions& o) {
  std::error_code ec;
  std::filesystem::create_directories(o.cache_dir, ec);
  if (ec) return Status::IOError(o.cache_dir + ": " + ec.message());
  return Status::Ok();
}

// Loads the ground truth cached under `key`, or computes and stores it.
Result<GroundTruth> CachedTruth(const DatasetOptions& o, const std::string& key,
                                const FloatMatrix& base, const FloatMatrix& queries, Metric metric,
                                size_t k, const std::vector<uint32_t>& allowed = {}) {
  const std::string ids_path = CachePath(o, key, ".gt.ivecs");
  const std::string dist_path = CachePath(o, key, ".gt-dist.fvecs");
  if (Exists(ids_path) && Exists(dist_path)) {
    auto ids = ReadIvecs(ids_path);
    auto dists = ReadFvecs(dist_path);
    if (ids.ok() && dists.ok() && ids->rows == queries.rows && ids->cols == k &&
        dists->rows == queries.rows && dists->cols == k) {
      return GroundTruth{std::move(ids).value(), std::move(dists).value()};
    }
    Log("ignoring unreadable or mismatched cache " + ids_path);
  }
  Log("computing exact top-" + std::to_string(k) + " for " + std::to_string(queries.rows) +
      " queries over " + std::to_string(allowed.empty() ? base.rows : allowed.size()) + " rows (" +
      key + ")");
  GroundTruth gt = ExactNeighbors(base, queries, metric, k, o.threads, allowed);
  QUARRY_RETURN_IF_ERROR(EnsureCacheDir(o));
  QUARRY_RETURN_IF_ERROR(WriteIvecs(ids_path, gt.ids));
  QUARRY_RETURN_IF_ERROR(WriteFvecs(dist_path, gt.dists));
  return gt;
}

// Loads a generated matrix from the cache, or generates and stores it.
template <typename Gen>
Result<FloatMatrix> CachedMatrix(const DatasetOptions& o, const std::string& key,
                                 const char* suffix, size_t rows, Gen&& generate) {
  const std::string path = CachePath(o, key, suffix);
  if (Exists(path)) {
    auto m = ReadFvecs(path);
    if (m.ok() && m->rows == rows) return m;
    Log("ignoring unreadable or mismatched cache " + path);
  }
  Log("generating " + std::to_string(rows) + " rows for " + key + suffix);
  FloatMatrix m = generate();
  QUARRY_RETURN_IF_ERROR(EnsureCacheDir(o));
  QUARRY_RETURN_IF_ERROR(WriteFvecs(path, m));
  return m;
}

std::string SyntheticKey(const std::string& name, const DatasetOptions& o) {
  return name + "-n" + std::to_string(o.synthetic_rows) + "-q" +
         std::to_string(o.synthetic_queries) + "-seed" + std::to_string(o.seed) + "-v" +
         std::to_string(kDataVersion);
}

Result<Dataset> LoadFmnist(const DatasetOptions& o) {
  const std::string dir = o.data_dir + "/ann/fmnistsmall/";
  Dataset ds{.name = "fmnistsmall",
             .description =
                 "Fashion-MNIST images (shared/data/ann/fmnistsmall), the shipped "
                 "queries; ground truth recomputed and checked against the shipped one",
             .metric = Metric::kL2};
  QUARRY_ASSIGN_OR_RETURN(ds.base, ReadFvecs(dir + "fmnistsmall_base.fvecs"));
  QUARRY_ASSIGN_OR_RETURN(ds.queries, ReadFvecs(dir + "fmnistsmall_query.fvecs"));
  QUARRY_ASSIGN_OR_RETURN(IntMatrix shipped, ReadIvecs(dir + "fmnistsmall_groundtruth.ivecs"));
  if (ds.base.cols != ds.queries.cols || shipped.rows != ds.queries.rows) {
    return Status::Corruption(dir + ": base, queries and ground truth do not agree in shape");
  }
  ds.cache_key = "fmnistsmall-v" + std::to_string(kDataVersion);
  const size_t k = std::min(o.truth_k, ds.base.rows);
  QUARRY_ASSIGN_OR_RETURN(ds.truth,
                          CachedTruth(o, ds.cache_key, ds.base, ds.queries, ds.metric, k));
  // The shipped ground truth is an independent check of ours.
  const size_t kc = std::min(k, shipped.cols);
  size_t same = 0;
  for (size_t q = 0; q < shipped.rows; ++q) {
    for (size_t j = 0; j < kc; ++j) same += shipped.row(q)[j] == ds.truth.ids.row(q)[j];
  }
  const double agree = static_cast<double>(same) / static_cast<double>(shipped.rows * kc);
  Log("fmnistsmall: recomputed ground truth matches the shipped one on " +
      std::to_string(100.0 * agree) + "% of ids");
  if (agree < 0.99) {
    return Status::Internal("fmnistsmall: recomputed ground truth disagrees with the shipped file");
  }
  return ds;
}

Result<Dataset> LoadBigann(const DatasetOptions& o) {
  const std::string dir = o.data_dir + "/ann/bigann10k/";
  QUARRY_ASSIGN_OR_RETURN(FloatMatrix all, ReadBvecsAsFloat(dir + "bigann10k_base.bvecs"));
  if (all.rows <= kBigannHeldOut) return Status::Corruption(dir + ": too few base vectors");
  Dataset ds{.name = "bigann10k",
             .description =
                 "SIFT descriptors (shared/data/ann/bigann10k): the first 9,000 base "
                 "rows; the last 1,000 held out as queries (the shipped queries are "
                 "base rows); ground truth recomputed",
             .metric = Metric::kL2};
  const size_t nb = all.rows - kBigannHeldOut;
  ds.base = FloatMatrix(nb, all.cols);
  ds.queries = FloatMatrix(kBigannHeldOut, all.cols);
  std::copy_n(all.data.begin(), nb * all.cols, ds.base.data.begin());
  std::copy(all.data.begin() + static_cast<ptrdiff_t>(nb * all.cols), all.data.end(),
            ds.queries.data.begin());
  ds.cache_key = "bigann10k-holdout1000-v" + std::to_string(kDataVersion);
  QUARRY_ASSIGN_OR_RETURN(ds.truth,
                          CachedTruth(o, ds.cache_key, ds.base, ds.queries, ds.metric, o.truth_k));
  return ds;
}

Result<Dataset> LoadMiniLm(const DatasetOptions& o) {
  const std::string anchors_path =
      o.data_dir + "/reference/scifact-queries-all-MiniLM-L6-v2/query_embeddings_384.npy";
  QUARRY_ASSIGN_OR_RETURN(FloatMatrix anchors, ReadNpyFloat32Matrix(anchors_path));
  Dataset ds{.name = "minilm384", .description = "", .metric = Metric::kInnerProduct};
  ds.description =
      "Unit vectors around the 1,109 real all-MiniLM-L6-v2 SciFact query "
      "embeddings, " +
      std::to_string(o.synthetic_queries) + " held-out queries (generator: bench/ann/generators.h)";
  ds.reference_stats = FormatStats(DescribeUnitVectors(anchors, o.seed));
  ds.cache_key = SyntheticKey("minilm384", o);
  const MiniLmLikeParams params;
  QUARRY_ASSIGN_OR_RETURN(
      ds.base, CachedMatrix(o, ds.cache_key, ".base.fvecs", o.synthetic_rows, [&] {
        return GenerateMiniLmLike(anchors, params, o.seed, 0, o.synthetic_rows, o.threads);
      }));
  QUARRY_ASSIGN_OR_RETURN(ds.queries,
                          CachedMatrix(o, ds.cache_key, ".query.fvecs", o.synthetic_queries, [&] {
                            return GenerateMiniLmLike(anchors, params, o.seed, kQueryStream,
                                                      o.synthetic_queries, o.threads);
                          }));
  QUARRY_ASSIGN_OR_RETURN(ds.truth,
                          CachedTruth(o, ds.cache_key, ds.base, ds.queries, ds.metric, o.truth_k));
  return ds;
}

Result<Dataset> LoadGauss(const DatasetOptions& o) {
  Dataset ds{.name = "gauss128", .description = "", .metric = Metric::kL2};
  const ClusteredGaussianParams params;
  ds.description = "Clustered Gaussian, " + std::to_string(params.clusters) + " clusters, " +
                   std::to_string(o.synthetic_queries) +
                   " held-out queries (generator: bench/ann/generators.h)";
  ds.cache_key = SyntheticKey("gauss128", o);
  QUARRY_ASSIGN_OR_RETURN(
      ds.base, CachedMatrix(o, ds.cache_key, ".base.fvecs", o.synthetic_rows, [&] {
        return GenerateClusteredGaussian(params, o.seed, 0, o.synthetic_rows, o.threads);
      }));
  QUARRY_ASSIGN_OR_RETURN(ds.queries,
                          CachedMatrix(o, ds.cache_key, ".query.fvecs", o.synthetic_queries, [&] {
                            return GenerateClusteredGaussian(params, o.seed, kQueryStream,
                                                             o.synthetic_queries, o.threads);
                          }));
  QUARRY_ASSIGN_OR_RETURN(ds.truth,
                          CachedTruth(o, ds.cache_key, ds.base, ds.queries, ds.metric, o.truth_k));
  return ds;
}

}  // namespace

const std::vector<std::string>& KnownDatasets() {
  static const std::vector<std::string> kNames = {"fmnistsmall", "bigann10k", "minilm384",
                                                  "gauss128"};
  return kNames;
}

Result<Dataset> LoadDataset(const std::string& name, const DatasetOptions& options) {
  if (name == "fmnistsmall") return LoadFmnist(options);
  if (name == "bigann10k") return LoadBigann(options);
  if (name == "minilm384") return LoadMiniLm(options);
  if (name == "gauss128") return LoadGauss(options);
  return Status::InvalidArgument("unknown dataset '" + name + "'");
}

Result<FilteredTruth> MakeFilteredTruth(const Dataset& ds, double fraction, size_t min_rows,
                                        const DatasetOptions& options) {
  if (!(fraction > 0 && fraction <= 1)) {
    return Status::InvalidArgument("filter fraction must be in (0, 1]");
  }
  const size_t n = ds.base.rows;
  const size_t keep = std::min(
      n, std::max(min_rows, static_cast<size_t>(std::llround(fraction * static_cast<double>(n)))));
  // Partial Fisher-Yates: the first `keep` entries are a uniform sample.
  std::vector<uint32_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0u);
  Rng rng(options.seed, static_cast<uint64_t>(std::llround(fraction * 1e9)));
  for (size_t i = 0; i < keep; ++i) std::swap(rows[i], rows[i + rng.Below(n - i)]);
  rows.resize(keep);
  std::sort(rows.begin(), rows.end());

  FilteredTruth ft{.fraction = fraction, .allowed = std::move(rows), .truth = {}};
  char frac[32];
  std::snprintf(frac, sizeof frac, "%g", fraction);
  const std::string key = ds.cache_key + "-filter" + frac + "-seed" + std::to_string(options.seed);
  const size_t k = std::min(options.truth_k, keep);
  QUARRY_ASSIGN_OR_RETURN(ft.truth,
                          CachedTruth(options, key, ds.base, ds.queries, ds.metric, k, ft.allowed));
  return ft;
}

}  // namespace quarry::bench

#include "embed/gemm.h"

#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

// OpenMP's C API, declared here rather than through <omp.h>: clang (the fuzz
// build) does not see GCC's omp.h, and the function is all that is needed.
extern "C" void omp_set_num_threads(int threads);

namespace quarry::embed {
namespace {

GemmLibrary LibraryFromEnvironment() {
  const char* name = std::getenv("QUARRY_GEMM");
  return name != nullptr && std::strcmp(name, "openblas") == 0 ? GemmLibrary::kOpenBlas
                                                               : GemmLibrary::kOneDnn;
}

std::atomic<GemmLibrary> g_library{LibraryFromEnvironment()};

// oneDNN runs each product on the calling thread: the encoder splits products
// over its own WorkerGroup (ParallelLinear), and OpenMP's team beside those
// threads would only compete for the same cores (spinning at every barrier).
void KeepOpenMpSequential() {
  thread_local bool applied = false;
  if (applied) return;
  applied = true;
  omp_set_num_threads(1);
}

}  // namespace

std::string_view GemmLibraryName(GemmLibrary library) {
  return library == GemmLibrary::kOneDnn ? "onednn" : "openblas";
}

GemmLibrary CurrentGemmLibrary() { return g_library.load(std::memory_order_relaxed); }

void SetGemmLibrary(GemmLibrary library) { g_library.store(library, std::memory_order_relaxed); }

void SetGemmThreads(int threads) {
  if (threads > 0) openblas_set_num_threads(threads);
}

void Sgemm(bool trans_b, size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
           const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  if (CurrentGemmLibrary() == GemmLibrary::kOneDnn) {
    KeepOpenMpSequential();
    const dnnl_status_t status =
        dnnl_sgemm('N', trans_b ? 'T' : 'N', static_cast<dnnl_dim_t>(m),
                   static_cast<dnnl_dim_t>(n), static_cast<dnnl_dim_t>(k), alpha, a,
                   static_cast<dnnl_dim_t>(lda), b, static_cast<dnnl_dim_t>(ldb), beta, c,
                   static_cast<dnnl_dim_t>(ldc));
    // Only bad arguments fail, and the encoder's shapes are checked at load;
    // should one ever fail, OpenBLAS computes the same product.
    if (status == dnnl_success) return;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
              static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
              static_cast<blasint>(ldc));
}

}  // namespace quarry::embed

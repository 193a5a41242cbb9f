#include "vecs_io.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

namespace quarry::bench {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Reads records of `Elem` values and converts each value to `Out`.
template <typename Elem, typename Out>
Result<Matrix<Out>> ReadVecs(const std::string& path, size_t max_rows) {
  std::error_code ec;
  const auto file_size = std::filesystem::file_size(path, ec);
  if (ec) return Status::IOError(path + ": " + ec.message());
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return Status::IOError(path + ": cannot open");

  int32_t dim = 0;
  if (std::fread(&dim, sizeof(dim), 1, f.get()) != 1) {
    return Status::Corruption(path + ": empty file, expected a record header");
  }
  if (dim <= 0 || dim > (1 << 20)) {
    return Status::Corruption(path + ": implausible dimension " + std::to_string(dim));
  }
  const size_t record = sizeof(int32_t) + static_cast<size_t>(dim) * sizeof(Elem);
  if (file_size % record != 0) {
    return Status::Corruption(path + ": size " + std::to_string(file_size) +
                              " is not a whole number of " + std::to_string(record) +
                              "-byte records");
  }
  size_t rows = file_size / record;
  if (max_rows != 0 && max_rows < rows) rows = max_rows;

  Matrix<Out> m(rows, static_cast<size_t>(dim));
  std::vector<Elem> buf(static_cast<size_t>(dim));
  for (size_t i = 0; i < rows; ++i) {
    if (i > 0) {
      int32_t d = 0;
      if (std::fread(&d, sizeof(d), 1, f.get()) != 1) {
        return Status::IOError(path + ": short read at record " + std::to_string(i));
      }
      if (d != dim) {
        return Status::Corruption(path + ": record " + std::to_string(i) + " has dimension " +
                                  std::to_string(d) + ", expected " + std::to_string(dim));
      }
    }
    if (std::fread(buf.data(), sizeof(Elem), buf.size(), f.get()) != buf.size()) {
      return Status::IOError(path + ": short read at record " + std::to_string(i));
    }
    Out* out = m.row(i);
    for (size_t j = 0; j < buf.size(); ++j) out[j] = static_cast<Out>(buf[j]);
  }
  return m;
}

template <typename T>
Status WriteVecs(const std::string& path, const Matrix<T>& m) {
  if (m.cols == 0 || m.cols > (1u << 20)) {
    return Status::InvalidArgument(path + ": cannot write " + std::to_string(m.cols) +
                                   "-dimensional records");
  }
  const std::string tmp = path + ".tmp";
  {
    File f(std::fopen(tmp.c_str(), "wb"));
    if (!f) return Status::IOError(tmp + ": cannot create");
    const int32_t dim = static_cast<int32_t>(m.cols);
    for (size_t i = 0; i < m.rows; ++i) {
      if (std::fwrite(&dim, sizeof(dim), 1, f.get()) != 1 ||
          std::fwrite(m.row(i), sizeof(T), m.cols, f.get()) != m.cols) {
        return Status::IOError(tmp + ": write failed");
      }
    }
    if (std::fflush(f.get()) != 0) return Status::IOError(tmp + ": flush failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError(path + ": rename failed: " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<FloatMatrix> ReadFvecs(const std::string& path, size_t max_rows) {
  return ReadVecs<float, float>(path, max_rows);
}
Result<IntMatrix> ReadIvecs(const std::string& path, size_t max_rows) {
  return ReadVecs<int32_t, int32_t>(path, max_rows);
}
Result<FloatMatrix> ReadBvecsAsFloat(const std::string& path, size_t max_rows) {
  return ReadVecs<uint8_t, float>(path, max_rows);
}
Status WriteFvecs(const std::string& path, const FloatMatrix& m) { return WriteVecs(path, m); }
Status WriteIvecs(const std::string& path, const IntMatrix& m) { return WriteVecs(path, m); }

}  // namespace quarry::bench

#include "npy_io.h"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <regex>
#include <system_error>

namespace quarry::bench {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

Result<FloatMatrix> ReadNpyFloat32Matrix(const std::string& path) {
  std::error_code ec;
  const auto file_size = std::filesystem::file_size(path, ec);
  if (ec) return Status::IOError(path + ": " + ec.message());
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) return Status::IOError(path + ": cannot open");

  // Magic "\x93NUMPY", major, minor, then the header length: 2 bytes in
  // version 1, 4 bytes in versions 2 and 3.
  unsigned char pre[8];
  if (std::fread(pre, 1, 8, f.get()) != 8 || std::memcmp(pre, "\x93NUMPY", 6) != 0) {
    return Status::Corruption(path + ": not a .npy file (bad magic)");
  }
  size_t header_len = 0;
  size_t prefix = 0;
  if (pre[6] == 1) {
    unsigned char b[2];
    if (std::fread(b, 1, 2, f.get()) != 2) return Status::Corruption(path + ": truncated header");
    header_len = b[0] | (size_t{b[1]} << 8);
    prefix = 10;
  } else if (pre[6] == 2 || pre[6] == 3) {
    unsigned char b[4];
    if (std::fread(b, 1, 4, f.get()) != 4) return Status::Corruption(path + ": truncated header");
    header_len = b[0] | (size_t{b[1]} << 8) | (size_t{b[2]} << 16) | (size_t{b[3]} << 24);
    prefix = 12;
  } else {
    return Status::NotSupported(path + ": .npy version " + std::to_string(pre[6]));
  }
  if (header_len > 65536) return Status::Corruption(path + ": header length implausible");
  std::string header(header_len, '\0');
  if (std::fread(header.data(), 1, header_len, f.get()) != header_len) {
    return Status::Corruption(path + ": truncated header");
  }
  if (header.find("'descr': '<f4'") == std::string::npos) {
    return Status::NotSupported(path + ": only '<f4' arrays are read; header: " + header);
  }
  if (header.find("'fortran_order': False") == std::string::npos) {
    return Status::NotSupported(path + ": only C-order arrays are read");
  }
  std::smatch m;
  static const std::regex kShape(R"('shape':\s*\(\s*(\d+)\s*,\s*(\d+)\s*,?\s*\))");
  if (!std::regex_search(header, m, kShape)) {
    return Status::NotSupported(path + ": only 2-D arrays are read; header: " + header);
  }
  size_t rows = 0;
  size_t cols = 0;
  const std::string rs = m[1].str();
  const std::string cs = m[2].str();
  if (std::from_chars(rs.data(), rs.data() + rs.size(), rows).ec != std::errc() ||
      std::from_chars(cs.data(), cs.data() + cs.size(), cols).ec != std::errc() || rows == 0 ||
      cols == 0 || rows > (size_t{1} << 32) || cols > (size_t{1} << 20)) {
    return Status::Corruption(path + ": implausible shape");
  }
  if (file_size != prefix + header_len + rows * cols * sizeof(float)) {
    return Status::Corruption(path + ": file size " + std::to_string(file_size) +
                              " does not match shape (" + std::to_string(rows) + ", " +
                              std::to_string(cols) + ")");
  }
  FloatMatrix out(rows, cols);
  if (std::fread(out.data.data(), sizeof(float), out.data.size(), f.get()) != out.data.size()) {
    return Status::IOError(path + ": short read");
  }
  return out;
}

}  // namespace quarry::bench

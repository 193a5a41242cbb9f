#include "common/markdown_format.h"

namespace quarry::bench {

std::string Grouped(double v) {
  const std::string digits = Fmt("%.0f", v < 0 ? -v : v);
  std::string out = v <= -0.5 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace quarry::bench

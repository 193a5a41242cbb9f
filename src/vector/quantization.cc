#include "vector/quantization.h"

namespace quarry::vector {

std::string_view QuantizationName(Quantization q) {
  switch (q) {
    case Quantization::kNone:
      return "none";
    case Quantization::kInt8:
      return "int8";
    case Quantization::kBinary:
      return "binary";
  }
  return "unknown";
}

}  // namespace quarry::vector

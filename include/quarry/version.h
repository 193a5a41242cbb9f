// The Quarry version, in one place.
#ifndef QUARRY_VERSION_H_
#define QUARRY_VERSION_H_

namespace quarry {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace quarry

#endif  // QUARRY_VERSION_H_

// RaiseOpenFileLimit: lets the process hold as many open descriptors as the
// system allows it.
//
// A sealed segment keeps a descriptor open for each file it reads with
// pread (vectors.f32 and documents.dat, docs/design/storage-engine.md), and
// the server holds one per connection. The soft RLIMIT_NOFILE is often 1024
// while the hard limit is far higher; raising the soft limit to the hard one
// at start is what the Go runtime does for every program, and what
// Elasticsearch asks its operators to do.
#ifndef QUARRY_BASE_OPEN_FILE_LIMIT_H_
#define QUARRY_BASE_OPEN_FILE_LIMIT_H_

#include <cstdint>

namespace quarry {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit
// in force afterwards (unchanged when the kernel refuses).
uint64_t RaiseOpenFileLimit();

}  // namespace quarry

#endif  // QUARRY_BASE_OPEN_FILE_LIMIT_H_

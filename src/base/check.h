// QUARRY_CHECK: abort on a broken invariant.
//
// Use it only for conditions that cannot be false unless Quarry itself has a
// bug, and say in the message why it cannot fail. Never for user input: input
// errors are returned as Status.
#ifndef QUARRY_BASE_CHECK_H_
#define QUARRY_BASE_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define QUARRY_CHECK(cond, why)                                                   \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "%s:%d: QUARRY_CHECK(%s) failed: %s\n", __FILE__,      \
                   __LINE__, #cond, why);                                         \
      std::abort();                                                               \
    }                                                                             \
  } while (0)

#endif  // QUARRY_BASE_CHECK_H_

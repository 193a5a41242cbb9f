// The route table of the HTTP API: every route, in one place.
//
// Thread-safety: the returned Router is immutable.
#ifndef QUARRY_SERVER_ROUTES_H_
#define QUARRY_SERVER_ROUTES_H_

#include "server/router.h"

namespace quarry::server {

Router MakeApiRouter();

}  // namespace quarry::server

#endif  // QUARRY_SERVER_ROUTES_H_

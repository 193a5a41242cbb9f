// The one place where a Status becomes an HTTP status.
//
// Thread-safety: a pure function.
#ifndef QUARRY_SERVER_STATUS_MAPPING_H_
#define QUARRY_SERVER_STATUS_MAPPING_H_

#include <ostream>  // Boost 1.81 beast/http headers use std::ostream without including it

#include <boost/beast/http/status.hpp>

#include "quarry/status.h"

namespace quarry::server {

// invalid_argument 400, not_found 404, already_exists and failed_precondition
// 409, resource_exhausted 413, not_supported 501, unavailable 503, everything
// else (corruption, io_error, internal) 500. kOk maps to 200.
boost::beast::http::status HttpStatusFor(StatusCode code);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_STATUS_MAPPING_H_

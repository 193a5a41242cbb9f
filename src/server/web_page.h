// The page served at GET /: a search box over the server's default
// collection. Self-contained (no external scripts, styles or fonts) so that
// it works offline; everything it shows is inserted with textContent.
//
// Thread-safety: returns a view of a constant.
#ifndef QUARRY_SERVER_WEB_PAGE_H_
#define QUARRY_SERVER_WEB_PAGE_H_

#include <string_view>

namespace quarry::server {

std::string_view WebPageHtml();

}  // namespace quarry::server

#endif  // QUARRY_SERVER_WEB_PAGE_H_

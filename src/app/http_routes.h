// The route patterns of the server's three faces (API, hosted pages, console) and the HTTP metrics recorded
// by them (tocsin_http_requests_total, tocsin_http_request_seconds; core/metrics.h).
//
// A metric's route label is the pattern a request matched ("/api/v2/people/{id}"), never the raw path: ids,
// tokens and slugs would make every request a new series (and some are secrets). A path that matches no
// pattern is labelled "other", so the number of series is bounded by this table, whatever clients send. The
// table lives here, in app/, beside the one routing decision between the faces (app/serve.cc); a route added
// to a face without a line here is counted, under "other".
#pragma once

#include <string_view>

#include "api/http.h"

namespace tocsin::app {

// The pattern `target` (path and query) matches, or "other".
std::string_view route_pattern(std::string_view target);

// `handler`, timed and counted per method, route pattern and status.
api::Handler observe_http(api::Handler handler);

}  // namespace tocsin::app

// A minimal HTTP/1.1 POST client for the CLI to hand work to a running server on its loopback listener
// (`tocsin ingest-mail` while `tocsin serve` holds the data directory). Boost.Beast, which the server
// already uses: plain http:// only — the listener is local; anything remote belongs behind TLS in a proxy.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace tocsin {

struct HttpReply {
  int status = 0;
  std::string body;
};

// POSTs `body` to `url` ("http://host:port/path"); an error if the URL is not http:// or the exchange
// failed (refused, reset, timed out after `timeout_seconds`).
Result<HttpReply> http_post(const std::string& url, const std::string& body,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            int timeout_seconds = 60);

}  // namespace tocsin

// The HTTP exchange as handlers see it: a parsed request and a response to fill. Transport details
// (Beast, sockets, keep-alive, body limits) stay in api/http_server.cc. In core because both faces of the
// server (api/ and web/) speak it and neither may include the other.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"

namespace tocsin::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw path and query
  std::string body;
  std::string remote_ip;
  // Lower-cased header names (HTTP field names are case-insensitive; OSDI-API-Token arrives in any casing).
  std::vector<std::pair<std::string, std::string>> headers;
  const std::string* header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers)
      if (k == lower_name) return &v;
    return nullptr;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/hal+json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, produces the body on the connection's io thread right before the response is written, in
  // place of `body`: an answer to a write is serialized from a copy there, not on the group committer's
  // thread (issue 16). Whoever passes a Response along must not expect `body` to be filled yet.
  std::function<std::string()> render;
};

// The client's address: the left-most X-Forwarded-For (or whichever header is configured) entry when a
// trusted proxy header is set, else the socket's peer.
inline std::string client_ip(const Request& req, std::string_view trusted_proxy_header) {
  if (!trusted_proxy_header.empty()) {
    if (const auto* h = req.header(lower_ascii(trusted_proxy_header))) {
      std::string first = h->substr(0, h->find(','));
      auto b = first.find_first_not_of(' '), e = first.find_last_not_of(' ');
      if (b != std::string::npos) return first.substr(b, e - b + 1);
    }
  }
  return req.remote_ip;
}

// Delivers the response for one request; callable from any thread, exactly once.
using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request&&, Respond)>;

}  // namespace tocsin::http

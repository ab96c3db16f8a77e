// The HTTP exchange as handlers see it: a parsed request and a response to fill. Transport details
// (Beast, sockets, keep-alive, body limits) stay in api/http_server.cc. In core because both faces of the
// server (api/ and web/) speak it and neither may include the other.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

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
};

// Delivers the response for one request; callable from any thread, exactly once.
using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request&&, Respond)>;

}  // namespace tocsin::http

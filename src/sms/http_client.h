// A small blocking HTTP client over libcurl for the SMS drivers (Kannel sendsms, Twilio-compatible REST).
//
// Contract: http_request() performs one request and returns the status and body, or a transport error (no
// status) when the connection, TLS or timeout failed. Thread-safe. Connections are reused: each thread keeps
// one CURL easy handle, whose connection cache survives between requests (curl_easy_reset keeps it), so a
// dispatcher thread talking to one gateway pays the TCP/TLS handshake once, not per text.
// Nothing here logs; credentials passed in `basic_user`/`basic_password` never appear in `error`.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tocsin::sms {

struct HttpRequest {
  std::string method = "POST";  // "GET" or "POST"
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent as is (POST)
  std::string basic_user;            // HTTP Basic auth when non-empty
  std::string basic_password;
  long timeout_ms = 10'000;
};

struct HttpResponse {
  long status = 0;    // 0 when the request did not complete (see `error`)
  std::string body;   // at most 64 KiB kept: gateway answers are short, a runaway answer is cut
  std::string error;  // transport failure, e.g. "Couldn't connect to server"; empty when status != 0
};

HttpResponse http_request(const HttpRequest& req);

// application/x-www-form-urlencoded: name=value pairs joined by '&', each percent-encoded (RFC 3986
// unreserved characters kept, space as %20, which every form decoder reads).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& params);

// One percent-encoded component (same rules as form_encode).
std::string url_escape(const std::string& s);

}  // namespace tocsin::sms

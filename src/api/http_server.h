// An HTTP/1.1 server on Boost.Beast: keep-alive connections, one request at a time per connection, request
// bodies bounded (413 past the limit), handlers answered asynchronously so a write can wait for its group
// commit without holding an I/O thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/http.h"
#include "core/result.h"

namespace tocsin::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  size_t max_body_bytes = 1 << 20;
  // A larger bound for a few paths (the console's CSV upload), decided from the request line once the
  // header is read: answers the bound for that method and path (without the query), or 0 for the default.
  std::function<size_t(std::string_view method, std::string_view path)> body_limit_for;
  size_t io_threads = 2;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Status start();  // binds and starts the I/O threads
  void stop();
  void wait();  // until stop() or a signal
  unsigned short port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::api

#include "api/http_server.h"

#include <optional>

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/text.h"

namespace tocsin::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);
// Lingering close after a 413: clients that send the whole body before reading (Python requests) would get a
// reset instead of the answer if we closed with their body unread, so the rest is read and discarded, up to
// these bounds.
constexpr size_t kLingerBytes = 64 * 1024 * 1024;
constexpr auto kLingerTimeout = std::chrono::seconds(30);

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const ServerOptions& opts, const Handler& handler)
      : stream_(std::move(socket)), opts_(opts), handler_(handler) {}

  void run() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read, shared_from_this()));
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(opts_.max_body_bytes);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(kIdleTimeout);
    if (!opts_.body_limit_for)
      return http::async_read(stream_, buffer_, *parser_,
                              beast::bind_front_handler(&Session::on_read, shared_from_this()));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  // The header is in: a path with its own bound gets it before the body is read.
  void on_header(beast::error_code ec, size_t n) {
    if (ec) return on_read(ec, n);
    const auto& h = parser_->get();
    std::string_view target = h.target();
    if (size_t limit = opts_.body_limit_for(h.method_string(), target.substr(0, target.find('?'))))
      parser_->body_limit(limit);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::connection_reset)
      return close();
    if (ec == http::error::body_limit) {
      keep_alive_ = false;
      linger_ = true;
      return send(Response{413, "application/hal+json", R"({"error":"request body too large"})", {}, {}});
    }
    if (ec) {
      keep_alive_ = false;
      if (ec == net::error::eof || ec == net::error::operation_aborted) return close();
      return send(Response{400, "application/hal+json", R"({"error":"malformed HTTP request"})", {}, {}});
    }
    auto msg = parser_->release();
    keep_alive_ = msg.keep_alive();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.body = std::move(msg.body());
    beast::error_code ep_ec;
    auto ep = stream_.socket().remote_endpoint(ep_ec);
    if (!ep_ec) req.remote_ip = ep.address().to_string();
    req.headers.reserve(8);
    for (const auto& f : msg) req.headers.emplace_back(lower_ascii(f.name_string()), std::string(f.value()));
    // The handler may answer from another thread (after a group commit): hop back onto our strand.
    auto self = shared_from_this();
    handler_(std::move(req), [self](Response r) {
      net::post(self->stream_.get_executor(),
                [self, r = std::move(r)]() mutable { self->send(std::move(r)); });
    });
  }

  void send(Response r) {
    if (r.render) r.body = r.render();
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "tocsin");
    res->set(http::field::content_type, r.content_type);
    // A handler's header replaces the default (Content-Type); Set-Cookie may come several times.
    for (const auto& [k, v] : r.headers) {
      if (k == "Set-Cookie")
        res->insert(k, v);
      else
        res->set(k, v);
    }
    res->keep_alive(keep_alive_);
    res->body() = std::move(r.body);
    res->prepare_payload();
    stream_.expires_after(kIdleTimeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      if (!ec && self->linger_) return self->linger();
      if (ec || !self->keep_alive_) return self->close();
      self->read();
    });
  }

  // The answer is out: end our side, then discard what the client still sends until it closes its side, the
  // bound is reached or the timeout passes (the socket closes when the session goes).
  void linger() {
    close();
    discard_.resize(64 * 1024);
    stream_.expires_after(kLingerTimeout);
    discard_more();
  }

  void discard_more() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->discarded_ += n;
                              if (!ec && self->discarded_ < kLingerBytes) self->discard_more();
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const ServerOptions& opts_;
  const Handler& handler_;
  bool keep_alive_ = true;
  bool linger_ = false;  // the request was refused unread: drain it after the answer (linger())
  std::vector<char> discard_;
  size_t discarded_ = 0;
};

}  // namespace

struct HttpServer::Impl {
  ServerOptions opts;
  Handler handler;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  std::vector<std::thread> threads;

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<Session>(std::move(socket), opts, handler)->run();
      }
      accept();
    });
  }
};

HttpServer::HttpServer(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(options);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() {
  stop();
  wait();
}

Status HttpServer::start() {
  beast::error_code ec;
  auto addr = net::ip::make_address(impl_->opts.host, ec);
  if (ec) return bad_request("invalid listen address " + impl_->opts.host);
  tcp::endpoint ep{addr, impl_->opts.port};
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return internal_error("cannot listen on " + impl_->opts.host + ":" + std::to_string(impl_->opts.port) +
                          ": " + ec.message());
  impl_->signals.async_wait([this](beast::error_code, int) { impl_->ioc.stop(); });
  impl_->accept();
  for (size_t i = 0; i < std::max<size_t>(1, impl_->opts.io_threads); ++i)
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  return Ok{};
}

void HttpServer::stop() {
  impl_->ioc.stop();
}

void HttpServer::wait() {
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
}

unsigned short HttpServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

}  // namespace tocsin::api

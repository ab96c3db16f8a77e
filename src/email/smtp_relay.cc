#include "email/smtp_relay.h"

// GCC 12 takes the frames of Boost 1.74's coroutines (awaitable_frame_base's recycling allocator: memory from
// ::operator new, given back through the frame's sized operator delete) for a mismatched new/delete pair and
// warns at every coroutine; the pair is Asio's own and matched.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>
#include <future>
#include <thread>

#include "email/smtp_reply.h"

namespace tocsin::email {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;
using O = Handover::Outcome;

// An address that can stand inside <...> on an SMTP command line.
bool smtp_address_ok(std::string_view a) {
  return !a.empty() && a.size() <= 254 && a.find_first_of("<>\r\n \t") == std::string_view::npos;
}

std::string base64(std::string_view s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// One send() waiting for its transaction. The views stay valid until it is finished: send() waits for that.
// Shared between send() and the session (std::shared_ptr): send() may return the instant the result is
// there, while the I/O thread is still inside set_value.
struct Job {
  std::string_view from, to, data;
  std::promise<Handover> result;

  void finish(Handover h) { result.set_value(std::move(h)); }
};

// A session setup that failed: what the waiting hand-over is told.
struct SetupFailure : std::exception {
  Handover handover;
  explicit SetupFailure(Handover h) : handover(std::move(h)) {}
};

}  // namespace

struct SmtpRelay::Impl {
  struct Session;

  SmtpRelayConfig config;
  Pacer pacer;
  asio::io_context io{1};
  ssl::context tls{ssl::context::tls_client};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  asio::steady_timer watchdog_timer{io};
  std::vector<std::unique_ptr<Session>> sessions;
  std::thread thread;  // runs `io`: every session's I/O

  // Guards every session's queue, places and waiting flag, and `stopping`.
  std::mutex mu;
  std::condition_variable place_cv;
  bool stopping = false;

  std::atomic<uint64_t> sessions_opened{0}, pipelined{0};

  explicit Impl(SmtpRelayConfig c) : config(std::move(c)), pacer(config.max_per_second) {}

  Session* take_place();
  void give_place(Session* s);
  void enqueue(Session* s, std::shared_ptr<Job> job);
  awaitable<void> watchdog();
};

// One SMTP session, driven by a coroutine on the I/O thread. Its queue is filled by send() (under Impl::mu).
struct SmtpRelay::Impl::Session {
  Impl& relay;
  asio::steady_timer signal;  // a job was queued (cancelled by enqueue), or the session sat idle
  std::unique_ptr<ssl::stream<tcp::socket>> stream;
  bool open = false, tls = false, pipelining = false;
  std::string in;  // bytes read and not yet consumed from in_pos
  size_t in_pos = 0;
  // The watchdog closes the socket when an I/O step outlives its deadline.
  bool busy = false, timed_out = false;
  bool done = false;  // the coroutine has returned (the relay stops)
  Clock::time_point deadline;
  // Under relay.mu:
  std::deque<std::shared_ptr<Job>> queue;
  int places = 0;        // send() calls holding a place here
  bool waiting = false;  // the coroutine sleeps on `signal` with an empty queue

  explicit Session(Impl& r) : relay(r), signal(r.io) {}

  void arm(long ms) {
    busy = true;
    deadline = Clock::now() + std::chrono::milliseconds(ms);
  }

  awaitable<void> write(std::string_view s) {
    arm(relay.config.transaction_timeout_ms);
    if (tls)
      co_await asio::async_write(*stream, asio::buffer(s.data(), s.size()), use_awaitable);
    else
      co_await asio::async_write(stream->next_layer(), asio::buffer(s.data(), s.size()), use_awaitable);
  }

  awaitable<SmtpReply> read_reply() {
    SmtpReply r;
    for (;;) {
      size_t eol = in.find('\n', in_pos);
      if (eol == std::string::npos) {
        in.erase(0, in_pos);
        in_pos = 0;
        if (in.size() > 64 * 1024) throw boost::system::system_error(asio::error::message_size);
        size_t old = in.size();
        in.resize(old + 4096);
        arm(relay.config.transaction_timeout_ms);
        size_t n = 0;
        try {
          n = tls ? co_await stream->async_read_some(asio::buffer(in.data() + old, 4096), use_awaitable)
                  : co_await stream->next_layer().async_read_some(asio::buffer(in.data() + old, 4096),
                                                                  use_awaitable);
        } catch (...) {
          in.resize(old);
          throw;
        }
        in.resize(old + n);
        continue;
      }
      size_t end = eol > in_pos && in[eol - 1] == '\r' ? eol - 1 : eol;
      bool last = add_reply_line(r, std::string_view(in).substr(in_pos, end - in_pos));
      in_pos = eol + 1;
      if (last) co_return r;
    }
  }

  awaitable<SmtpReply> command(const std::string& line) {
    co_await write(line + "\r\n");
    co_return co_await read_reply();
  }

  awaitable<void> handshake() {
    const auto& c = relay.config;
    if (c.verify_tls_peer) {
      stream->set_verify_mode(ssl::verify_peer);
      stream->set_verify_callback(ssl::rfc2818_verification(c.host));
    } else {
      stream->set_verify_mode(ssl::verify_none);
    }
    SSL_set_tlsext_host_name(stream->native_handle(), c.host.c_str());
    arm(c.connect_timeout_ms);
    co_await stream->async_handshake(ssl::stream_base::client, use_awaitable);
    tls = true;
    // Anything the relay sent before the handshake was not protected by it (RFC 3207 §6): dropped.
    in.clear();
    in_pos = 0;
  }

  void close() {
    boost::system::error_code ec;
    if (stream) stream->next_layer().close(ec);
    open = tls = pipelining = false;
    in.clear();
    in_pos = 0;
  }

  // Connects, reads the greeting, says EHLO, STARTTLS and AUTH as configured. Throws SetupFailure with what
  // the hand-over is told, or a system_error when the network fails.
  awaitable<void> open_session() {
    const auto& c = relay.config;
    close();
    stream = std::make_unique<ssl::stream<tcp::socket>>(relay.io, relay.tls);
    timed_out = false;
    arm(c.connect_timeout_ms);
    tcp::resolver resolver(relay.io);
    auto endpoints = co_await resolver.async_resolve(c.host, std::to_string(c.port), use_awaitable);
    co_await asio::async_connect(stream->next_layer(), endpoints, use_awaitable);
    stream->next_layer().set_option(tcp::no_delay(true));
    ++relay.sessions_opened;
    if (c.implicit_tls) co_await handshake();
    auto refuse = [](const SmtpReply& r, const std::string& what) {
      return SetupFailure(Handover{O::kDeferred, r.code, what + ": " + r.last()});
    };
    SmtpReply greeting = co_await read_reply();
    if (greeting.code != 220) throw refuse(greeting, "the relay refused the session");
    SmtpReply ehlo = co_await command("EHLO " + c.helo_name);
    if (ehlo.code != 250) {  // not ESMTP: plain SMTP, no extensions
      ehlo = co_await command("HELO " + c.helo_name);
      if (ehlo.code != 250) throw refuse(ehlo, "the relay refused HELO");
      ehlo.lines.resize(1);
    }
    if (!tls && c.starttls != SmtpRelayConfig::StartTls::kOff) {
      bool required = c.starttls == SmtpRelayConfig::StartTls::kRequired;
      if (ehlo_offers(ehlo, "STARTTLS")) {
        SmtpReply r = co_await command("STARTTLS");
        if (r.code == 220) {
          co_await handshake();
          ehlo = co_await command("EHLO " + c.helo_name);
          if (ehlo.code != 250) throw refuse(ehlo, "the relay refused EHLO after STARTTLS");
        } else if (required) {
          throw refuse(r, "relay configuration: STARTTLS refused");
        }
      } else if (required) {
        throw SetupFailure(
            Handover{O::kDeferred, 0, "relay configuration: the relay does not offer STARTTLS"});
      }
    }
    if (!c.username.empty()) {
      SmtpReply r;
      if (ehlo_offers_auth(ehlo, "PLAIN")) {
        r = co_await command("AUTH PLAIN " + base64(std::string(1, '\0') + c.username + '\0' + c.password));
      } else if (ehlo_offers_auth(ehlo, "LOGIN")) {
        r = co_await command("AUTH LOGIN");
        if (r.code == 334) r = co_await command(base64(c.username));
        if (r.code == 334) r = co_await command(base64(c.password));
      } else {
        throw SetupFailure(
            Handover{O::kDeferred, 0, "relay configuration: the relay offers no AUTH PLAIN or LOGIN"});
      }
      if (r.code != 235) throw refuse(r, "relay configuration: authentication failed");
    }
    pipelining = c.pipelining && ehlo_offers(ehlo, "PIPELINING");
    open = true;
  }

  // The next queued job; with none, sleeps until one is queued (a session idle for idle_close_ms says QUIT
  // meanwhile). Null when the relay stops.
  awaitable<std::shared_ptr<Job>> wait_job() {
    for (;;) {
      bool stopping = false;
      {
        std::lock_guard lock(relay.mu);
        stopping = relay.stopping;
        if (!stopping && !queue.empty()) {
          auto j = std::move(queue.front());
          queue.pop_front();
          co_return j;
        }
        waiting = !stopping;
      }
      if (stopping) {  // a polite goodbye, briefly: the relay logs a session that just vanished as lost
        if (open) {
          try {
            co_await write("QUIT\r\n");
            arm(2'000);
            co_await read_reply();
          } catch (const std::exception&) {
          }
        }
        close();
        co_return nullptr;
      }
      busy = false;
      signal.expires_after(open ? std::chrono::milliseconds(relay.config.idle_close_ms)
                                : std::chrono::hours(24));
      boost::system::error_code ec;
      co_await signal.async_wait(asio::redirect_error(use_awaitable, ec));
      if (ec || !open) continue;  // woken by enqueue (or stop), or asleep without a session
      {
        std::lock_guard lock(relay.mu);
        if (!queue.empty() || relay.stopping) continue;
        waiting = false;  // enqueue must not post a wake-up while QUIT is under way
      }
      try {
        co_await command("QUIT");
      } catch (const std::exception&) {
      }
      close();
    }
  }

  std::shared_ptr<Job> try_take() {
    std::lock_guard lock(relay.mu);
    if (queue.empty()) return nullptr;
    auto j = std::move(queue.front());
    queue.pop_front();
    return j;
  }

  static std::string commands_of(const Job& j) {
    std::string out;
    out.reserve(j.from.size() + j.to.size() + 40);
    out.append("MAIL FROM:<").append(j.from).append(">\r\nRCPT TO:<").append(j.to).append(">\r\nDATA\r\n");
    return out;
  }

  // The session's life: transactions one after another, pipelined when the relay allows. `prev` is a job
  // whose DATA got its 354 (its message goes out next), `cur` one whose commands go out next; with
  // PIPELINING both leave in one write, and their replies come back in that order.
  awaitable<void> run() {
    std::shared_ptr<Job> prev, cur;
    std::vector<SmtpReply> prev_replies;
    bool rset = false;
    for (;;) {
      if (!prev && !cur) {
        cur = co_await wait_job();
        if (!cur) {
          done = true;
          co_return;
        }
      }
      if (cur && !open) {
        try {
          co_await open_session();
          rset = false;
        } catch (const SetupFailure& f) {
          cur->finish(f.handover);
          cur = nullptr;
          close();
          continue;
        } catch (const std::exception& e) {
          cur->finish(lost(
              "cannot reach the relay " + relay.config.host + ":" + std::to_string(relay.config.port), e));
          cur = nullptr;
          close();
          continue;
        }
      }
      try {
        std::string out;
        if (prev) {
          // A 354 after a refused MAIL or RCPT: the data phase is ended with a lone dot (RFC 2920 §3.1).
          if (prev_replies[0].positive() && prev_replies[1].positive())
            append_data(out, prev->data);
          else
            out += ".\r\n";
        }
        std::vector<SmtpReply> replies;
        if (pipelining) {
          if (cur) {
            if (rset) out += "RSET\r\n";
            out += commands_of(*cur);
            if (prev) ++relay.pipelined;
          }
          co_await write(out);
          if (prev) {
            prev_replies.push_back(co_await read_reply());
            prev->finish(classify_transaction(prev_replies));
            prev = nullptr;
          }
          if (cur) {
            if (rset) co_await read_reply();
            rset = false;
            for (int i = 0; i < 3; ++i) replies.push_back(co_await read_reply());
          }
        } else {
          if (prev) {
            co_await write(out);
            prev_replies.push_back(co_await read_reply());
            prev->finish(classify_transaction(prev_replies));
            prev = nullptr;
          }
          if (cur) {
            if (rset) co_await command("RSET");
            rset = false;
            replies.push_back(co_await command("MAIL FROM:<" + std::string(cur->from) + ">"));
            if (replies.back().positive())
              replies.push_back(co_await command("RCPT TO:<" + std::string(cur->to) + ">"));
            if (replies.back().positive()) replies.push_back(co_await command("DATA"));
          }
        }
        if (cur) {
          if (replies.size() == 3 && replies[2].code == 354) {
            prev = cur;
            prev_replies = std::move(replies);
          } else {
            cur->finish(classify_transaction(replies));
            rset = true;  // the transaction did not end with a message: reset it before the next
          }
          cur = nullptr;
        }
        // The next queued job's commands travel with this message's data.
        if (prev) cur = try_take();
      } catch (const std::exception& e) {
        Handover h = lost("SMTP session lost", e);
        if (prev) prev->finish(h);
        if (cur) cur->finish(h);
        prev = cur = nullptr;
        close();
      }
    }
  }

  Handover lost(const std::string& what, const std::exception& e) {
    std::string why = timed_out ? "the relay did not answer in time" : e.what();
    if (auto* se = dynamic_cast<const boost::system::system_error*>(&e); se && !timed_out)
      why = se->code().message();
    return Handover{O::kDeferred, 0, what + ": " + why};
  }
};

awaitable<void> SmtpRelay::Impl::watchdog() {
  for (;;) {
    watchdog_timer.expires_after(std::chrono::seconds(1));
    boost::system::error_code ec;
    co_await watchdog_timer.async_wait(asio::redirect_error(use_awaitable, ec));
    bool all_done = true;
    for (auto& s : sessions) all_done = all_done && s->done;
    if (all_done) co_return;
    auto now = Clock::now();
    for (auto& s : sessions) {
      if (s->busy && s->stream && now > s->deadline) {
        s->timed_out = true;
        boost::system::error_code ignored;
        s->stream->next_layer().close(ignored);  // the pending read or write fails at once
      }
    }
  }
}

SmtpRelay::Impl::Session* SmtpRelay::Impl::take_place() {
  std::unique_lock lock(mu);
  Session* best = nullptr;
  place_cv.wait(lock, [&] {
    best = nullptr;
    for (auto& s : sessions)
      if (s->places < config.pipeline_depth && (!best || s->places < best->places)) best = s.get();
    return best != nullptr;
  });
  ++best->places;
  return best;
}

void SmtpRelay::Impl::give_place(Session* s) {
  {
    std::lock_guard lock(mu);
    --s->places;
  }
  place_cv.notify_one();
}

void SmtpRelay::Impl::enqueue(Session* s, std::shared_ptr<Job> job) {
  bool wake = false;
  {
    std::lock_guard lock(mu);
    s->queue.push_back(std::move(job));
    wake = s->waiting;
    s->waiting = false;
  }
  // Only a sleeping session needs the I/O thread's attention; a busy one takes the job when it looks next.
  if (wake) asio::post(io, [s] { s->signal.cancel(); });
}

SmtpRelay::SmtpRelay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SmtpRelay::~SmtpRelay() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  Impl* impl = impl_.get();
  // Sessions say QUIT and end; one still in a transaction (there should be none: the dispatcher stops first)
  // gets two more seconds from the watchdog.
  asio::post(impl->io, [impl] {
    auto soon = Clock::now() + std::chrono::seconds(2);
    for (auto& s : impl->sessions) {
      s->signal.cancel();
      if (s->deadline > soon) s->deadline = soon;
    }
  });
  impl->work.reset();
  if (impl->thread.joinable()) impl->thread.join();
}

Result<std::unique_ptr<SmtpRelay>> SmtpRelay::make(SmtpRelayConfig config) {
  if (config.host.empty()) return bad_request("the SMTP relay needs a host");
  if (config.port <= 0 || config.port > 65535) return bad_request("the SMTP relay port is out of range");
  if (config.connections < 1) return bad_request("the SMTP relay needs at least one connection");
  if (config.pipeline_depth < 1) return bad_request("the SMTP relay needs a pipeline depth of at least one");
  if (config.max_per_second < 0) return bad_request("the SMTP relay rate cannot be negative");
  if (config.helo_name.empty() || config.helo_name.find_first_of("/?# \r\n<>") != std::string::npos) {
    return bad_request("the SMTP relay EHLO name is not a host name");
  }
  if (config.username.find_first_of("\r\n") != std::string::npos ||
      config.password.find_first_of("\r\n") != std::string::npos)
    return bad_request("the SMTP relay credentials contain a line break");
  auto impl = std::make_unique<Impl>(std::move(config));
  boost::system::error_code ec;
  impl->tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  impl->tls.set_default_verify_paths(ec);
  if (!impl->config.ca_file.empty()) {
    impl->tls.load_verify_file(impl->config.ca_file, ec);
    if (ec) return bad_request("the SMTP relay CA file cannot be read: " + ec.message());
  }
  for (int i = 0; i < impl->config.connections; ++i)
    impl->sessions.push_back(std::make_unique<Impl::Session>(*impl));
  for (auto& s : impl->sessions) asio::co_spawn(impl->io, s->run(), asio::detached);
  asio::co_spawn(impl->io, impl->watchdog(), asio::detached);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<SmtpRelay>(new SmtpRelay(std::move(impl)));
}

Handover SmtpRelay::send(const policy::ClearedEmail& cleared, const std::string& envelope_from,
                         std::string_view data, const HandoverHooks& hooks) {
  const std::string& to = cleared.message().to.address;
  if (!smtp_address_ok(to)) return Handover{O::kRejected, 0, "the recipient address cannot be used in SMTP"};
  if (!envelope_from.empty() && !smtp_address_ok(envelope_from))
    return Handover{O::kRejected, 0, "the envelope sender cannot be used in SMTP"};
  impl_->pacer.acquire();
  Impl::Session* s = impl_->take_place();
  if (hooks.last_look)
    if (auto why = hooks.last_look()) {
      impl_->give_place(s);
      return Handover{O::kWithheld, 0, *why};
    }
  auto job = std::make_shared<Job>();
  job->from = envelope_from;
  job->to = to;
  job->data = data;
  auto answer = job->result.get_future();
  impl_->enqueue(s, std::move(job));
  Handover h = answer.get();
  if (hooks.answered) hooks.answered(h);
  impl_->give_place(s);
  return h;
}

uint64_t SmtpRelay::sessions_opened() const {
  return impl_->sessions_opened.load();
}
uint64_t SmtpRelay::pipelined_transactions() const {
  return impl_->pipelined.load();
}

}  // namespace tocsin::email

// SmtpRelay: the email driver that hands messages to an SMTP relay (a Postfix smarthost, an ESP's
// submission port), with libcurl.
//
// Contract:
// - One message per SMTP transaction: MAIL FROM:<envelope_from>, RCPT TO:<cleared.message().to.address>,
//   DATA. libcurl adds the end-of-data dot and dot-stuffs lines that start with one.
// - A pool of `connections` reused SMTP sessions, one libcurl easy handle each, lent to one thread at a time
//   (a send() waits for a free one). A session the relay dropped is reopened by libcurl on the next use.
// - Pacing: at most `max_per_second` transactions per second over the whole relay (0 = unpaced), so an
//   ESP's rate limit is respected instead of answered with 421s.
// - STARTTLS kRequired fails the hand-over (kDeferred) when the relay does not offer it; kOptional uses it
//   when offered; kOff never does.
// - The last look (email/transport.h) is taken after the pacing slot and a session are obtained, right
//   before curl_easy_perform sends MAIL FROM: a message withheld there costs its pacing slot, nothing else.
//   `answered` runs before the session goes back to the pool. `implicit_tls` connects with TLS from the start
//   (smtps, port 465).
// - The result is classified as EmailTransport says: the relay's last reply decides (2xx accepted, 4xx
//   deferred, 5xx rejected, `detail` = that reply line, e.g. "550 5.1.1 ... User unknown"); no reply at all
//   (connect, TLS, timeout) is kDeferred with libcurl's reason. An authentication failure (535) and a
//   missing STARTTLS are deferred, not rejected: they are our configuration, not the recipient's fault.
// - The password is handed to libcurl only; it never appears in a detail, an error or a log line.
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/pacer.h"
#include "core/result.h"
#include "email/transport.h"

namespace tocsin::email {

struct SmtpRelayConfig {
  std::string host;
  int port = 587;
  enum class StartTls { kRequired, kOptional, kOff } starttls = StartTls::kRequired;
  bool implicit_tls = false;
  bool verify_tls_peer = true;          // off only for tests against a self-signed relay
  std::string username, password;       // AUTH when username is set
  std::string helo_name = "localhost";  // the EHLO argument: the sending host's name
  int connections = 4;
  double max_per_second = 0;
  long connect_timeout_ms = 10'000;
  long transaction_timeout_ms = 120'000;
};

// Classifies the end of one SMTP transaction: libcurl's result code (0 = CURLE_OK), the relay's last reply
// code (0 when none) and its text, libcurl's error message. Exposed for tests.
Handover classify_smtp(int curl_code, long reply_code, const std::string& reply_line,
                       const std::string& curl_error);

class SmtpRelay : public EmailTransport {
 public:
  // Fails (400) on a configuration that cannot work: no host, a port out of range, no connections.
  static Result<std::unique_ptr<SmtpRelay>> make(SmtpRelayConfig config);
  ~SmtpRelay() override;
  SmtpRelay(const SmtpRelay&) = delete;
  SmtpRelay& operator=(const SmtpRelay&) = delete;

  using EmailTransport::send;
  Handover send(const policy::ClearedEmail& cleared, const std::string& envelope_from, std::string_view data,
                const HandoverHooks& hooks) override;

  // SMTP sessions opened so far (a reused session counts once): lets tests and benches see the pool work.
  uint64_t sessions_opened() const { return sessions_opened_.load(); }

 private:
  struct Session;
  explicit SmtpRelay(SmtpRelayConfig config);
  Session* borrow();
  void give_back(Session* s);

  SmtpRelayConfig config_;
  std::string url_;
  Pacer pacer_;
  std::vector<std::unique_ptr<Session>> sessions_;
  std::mutex mu_;
  std::condition_variable free_cv_;
  std::vector<Session*> free_;
  std::atomic<uint64_t> sessions_opened_{0};
};

}  // namespace tocsin::email

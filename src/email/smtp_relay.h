// SmtpRelay: the email driver that hands messages to an SMTP relay (a Postfix smarthost, an ESP's
// submission port): an ESMTP client of its own over Boost.Asio (docs/MAIL.md "SMTP hand-over" says why not
// libcurl or libesmtp).
//
// Contract:
// - One message per SMTP transaction: MAIL FROM:<envelope_from>, RCPT TO:<cleared.message().to.address>,
//   DATA, the message (dot-stuffed, end-of-data dot added), as before.
// - `connections` SMTP sessions, kept open and reused for many transactions (a failed transaction is followed
//   by RSET), all driven by one I/O thread. When the relay offers PIPELINING (RFC 2920), MAIL, RCPT and DATA
//   leave in one write, and the end of one message's data goes out in the same write as the next
//   transaction's commands: one round trip per message instead of four. Without PIPELINING, lock-step.
// - Each session takes up to `pipeline_depth` send() calls at once, queued in order behind each other; a
//   send() waits for a place on the least busy session. Depth 1 (the default) keeps the dispatcher's crash
//   promise as it was — at most one delivery per session `unknown` — since a send() takes its last look (the
//   durable `handing` mark) only once the session's previous transaction was answered; MAIL, RCPT and DATA
//   still leave in one write. A greater depth lets the next transaction's commands follow the previous
//   message's end-of-data dot in the same write, at the price of up to `pipeline_depth` unknown per session.
// - Pacing: at most `max_per_second` transactions per second over the whole relay (0 = unpaced), so an
//   ESP's rate limit is respected instead of answered with 421s.
// - STARTTLS (OpenSSL through Asio SSL; the peer verified against the system's CAs and the host name unless
//   `verify_tls_peer` is off): kRequired fails the hand-over (kDeferred, "relay configuration: ...") when
//   the relay does not offer it; kOptional uses it when offered; kOff never does. `implicit_tls` connects
//   with TLS from the start (smtps, port 465). AUTH PLAIN (or LOGIN when only that is offered) when a
//   username is set, after TLS when there is TLS.
// - The last look (email/transport.h) is taken after the pacing slot and a place on a session are obtained,
//   right before the transaction is queued on that session; a message withheld there costs its pacing slot,
//   nothing else. `answered` runs before the place goes back.
// - Outcomes as email/smtp_reply.h classifies a transaction's replies (2xx accepted, 4xx deferred, 5xx
//   rejected, `detail` = the deciding reply line). No reply at all (connect, TLS, timeout, a lost session) is
//   kDeferred with the reason; so are an authentication failure (535), a missing STARTTLS and a greeting or
//   EHLO refused: they are the session's or our configuration's, not the recipient's.
// - The password is used for AUTH only; it never appears in a detail, an error or a log line.
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
  std::string ca_file;                  // extra trusted CA (PEM), e.g. a test relay's own certificate
  std::string username, password;       // AUTH when username is set
  std::string helo_name = "localhost";  // the EHLO argument: the sending host's name
  int connections = 4;
  int pipeline_depth = 1;  // send() calls one session takes at once (see above)
  bool pipelining = true;  // use PIPELINING when offered (off: lock-step, for comparison)
  double max_per_second = 0;
  long connect_timeout_ms = 10'000;
  long transaction_timeout_ms = 120'000;  // no reply for this long ends the session
  long idle_close_ms = 30'000;            // a session unused this long says QUIT (Postfix drops at 300 s)
};

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
  uint64_t sessions_opened() const;
  // Transactions whose commands went out pipelined (in one write with others).
  uint64_t pipelined_transactions() const;

 private:
  struct Impl;
  explicit SmtpRelay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::email

#include "email/smtp_relay.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace tocsin::email {
namespace {

void ensure_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// An address that can stand inside <...> on an SMTP command line.
bool smtp_address_ok(const std::string& a) {
  return !a.empty() && a.size() <= 254 && a.find_first_of("<>\r\n \t") == std::string::npos;
}

}  // namespace

// One SMTP session: a libcurl easy handle (which keeps its connection open between transfers) and the
// state of the transaction in progress.
struct SmtpRelay::Session {
  CURL* easy = nullptr;
  std::string_view data;  // the message being uploaded
  size_t sent = 0;
  std::vector<std::string> replies;  // reply lines of this transaction, in order
  char error[CURL_ERROR_SIZE] = {};
  ~Session() {
    if (easy) curl_easy_cleanup(easy);
  }

  static size_t read(char* buf, size_t size, size_t n, void* self) {
    auto* s = static_cast<Session*>(self);
    size_t k = std::min(size * n, s->data.size() - s->sent);
    std::memcpy(buf, s->data.data() + s->sent, k);
    s->sent += k;
    return k;
  }
  // libcurl passes each reply line of the relay as a "header".
  static size_t reply(char* buf, size_t size, size_t n, void* self) {
    std::string line(buf, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    static_cast<Session*>(self)->replies.push_back(std::move(line));
    return size * n;
  }
  // The last reply line that carries `code` (the final line of a multi-line reply), else "".
  std::string line_for(long code) const {
    std::string prefix = std::to_string(code);
    for (auto it = replies.rbegin(); it != replies.rend(); ++it) {
      if (it->rfind(prefix, 0) == 0) return *it;
    }
    return "";
  }
};

Handover classify_smtp(int curl_code, long reply_code, const std::string& reply_line,
                       const std::string& curl_error) {
  using O = Handover::Outcome;
  int code = static_cast<int>(reply_code);
  std::string detail = !reply_line.empty() ? reply_line
                       : !curl_error.empty()
                           ? curl_error
                           : std::string(curl_easy_strerror(static_cast<CURLcode>(curl_code)));
  if (curl_code == CURLE_OK) return Handover{O::kAccepted, code, detail};
  if (curl_code == CURLE_LOGIN_DENIED || curl_code == CURLE_USE_SSL_FAILED) {
    return Handover{O::kDeferred, code, "relay configuration: " + detail};
  }
  if (code >= 500 && code <= 599) return Handover{O::kRejected, code, detail};
  return Handover{O::kDeferred, code, detail};  // 4xx, or no reply: connection, TLS, timeout
}

SmtpRelay::SmtpRelay(SmtpRelayConfig config) : config_(std::move(config)), pacer_(config_.max_per_second) {}

SmtpRelay::~SmtpRelay() = default;

Result<std::unique_ptr<SmtpRelay>> SmtpRelay::make(SmtpRelayConfig config) {
  if (config.host.empty()) return bad_request("the SMTP relay needs a host");
  if (config.port <= 0 || config.port > 65535) return bad_request("the SMTP relay port is out of range");
  if (config.connections < 1) return bad_request("the SMTP relay needs at least one connection");
  if (config.max_per_second < 0) return bad_request("the SMTP relay rate cannot be negative");
  if (config.helo_name.empty() || config.helo_name.find_first_of("/?# \r\n") != std::string::npos) {
    return bad_request("the SMTP relay EHLO name is not a host name");
  }
  ensure_curl();
  std::unique_ptr<SmtpRelay> relay(new SmtpRelay(std::move(config)));
  const SmtpRelayConfig& c = relay->config_;
  bool v6 = c.host.find(':') != std::string::npos;
  // The URL's path is the EHLO argument (libcurl's convention for SMTP).
  relay->url_ = std::string(c.implicit_tls ? "smtps://" : "smtp://") + (v6 ? "[" + c.host + "]" : c.host) +
                ":" + std::to_string(c.port) + "/" + c.helo_name;
  for (int i = 0; i < c.connections; ++i) {
    auto s = std::make_unique<Session>();
    s->easy = curl_easy_init();
    if (!s->easy) return internal_error("libcurl could not create a handle");
    CURL* e = s->easy;
    curl_easy_setopt(e, CURLOPT_URL, relay->url_.c_str());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM-based DNS timeouts
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, &Session::read);
    curl_easy_setopt(e, CURLOPT_READDATA, s.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Session::reply);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, s.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->error);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c.transaction_timeout_ms);
    curl_easy_setopt(e, CURLOPT_USE_SSL,
                     c.starttls == SmtpRelayConfig::StartTls::kRequired   ? CURLUSESSL_ALL
                     : c.starttls == SmtpRelayConfig::StartTls::kOptional ? CURLUSESSL_TRY
                                                                          : CURLUSESSL_NONE);
    if (!c.verify_tls_peer) {
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!c.username.empty()) {
      curl_easy_setopt(e, CURLOPT_USERNAME, c.username.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, c.password.c_str());
    }
    relay->free_.push_back(s.get());
    relay->sessions_.push_back(std::move(s));
  }
  return relay;
}

SmtpRelay::Session* SmtpRelay::borrow() {
  std::unique_lock lock(mu_);
  free_cv_.wait(lock, [this] { return !free_.empty(); });
  Session* s = free_.back();
  free_.pop_back();
  return s;
}

void SmtpRelay::give_back(Session* s) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(s);
  }
  free_cv_.notify_one();
}

Handover SmtpRelay::send(const policy::ClearedEmail& cleared, const std::string& envelope_from,
                         std::string_view data, const HandoverHooks& hooks) {
  const std::string& to = cleared.message().to.address;
  if (!smtp_address_ok(to)) {
    return Handover{Handover::Outcome::kRejected, 0, "the recipient address cannot be used in SMTP"};
  }
  if (!envelope_from.empty() && !smtp_address_ok(envelope_from)) {
    return Handover{Handover::Outcome::kRejected, 0, "the envelope sender cannot be used in SMTP"};
  }
  pacer_.acquire();
  Session* s = borrow();
  if (hooks.last_look)
    if (auto why = hooks.last_look()) {
      give_back(s);
      return Handover{Handover::Outcome::kWithheld, 0, *why};
    }
  std::string mail_from = "<" + envelope_from + ">";  // <> is the null sender
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  s->data = data;
  s->sent = 0;
  s->replies.clear();
  s->error[0] = '\0';
  curl_easy_setopt(s->easy, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(s->easy, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(s->easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
  CURLcode rc = curl_easy_perform(s->easy);
  long reply_code = 0, new_sessions = 0;
  curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &reply_code);
  curl_easy_getinfo(s->easy, CURLINFO_NUM_CONNECTS, &new_sessions);
  curl_easy_setopt(s->easy, CURLOPT_MAIL_RCPT, nullptr);
  curl_slist_free_all(rcpt);
  Handover h = classify_smtp(rc, reply_code, reply_code ? s->line_for(reply_code) : "", s->error);
  s->data = {};
  if (hooks.answered) hooks.answered(h);
  give_back(s);
  sessions_opened_ += static_cast<uint64_t>(new_sessions);
  return h;
}

}  // namespace tocsin::email

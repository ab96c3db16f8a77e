#include "policy/content/spamd_client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "core/text.h"

namespace tocsin::policy::content {
namespace {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

Error unavailable(std::string what) {
  return Error{503, "spamd: " + std::move(what)};
}

}  // namespace

Result<SpamdAddress> parse_spamd_address(std::string_view s) {
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size())
    return bad_request("[screening] spamd must be HOST:PORT");
  std::string_view host = s.substr(0, colon), port = s.substr(colon + 1);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p < 1 || p > 65535)
    return bad_request("[screening] spamd: the port must be 1-65535");
  return SpamdAddress{std::string(host), std::string(port)};
}

Result<SpamReport> spamd_check(const SpamdAddress& at, std::string_view message, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(at.host.c_str(), at.port.c_str(), &hints, &found); rc != 0)
    return unavailable("cannot resolve " + at.host + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, &::freeaddrinfo);
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  std::unique_ptr<Socket> sock;
  for (addrinfo* a = found; a; a = a->ai_next) {
    auto s = std::make_unique<Socket>(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (s->fd() < 0) continue;
    ::setsockopt(s->fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(s->fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(s->fd(), a->ai_addr, a->ai_addrlen) == 0) {
      sock = std::move(s);
      break;
    }
  }
  if (!sock) return unavailable("cannot connect to " + at.host + ":" + at.port);

  std::string request =
      "SYMBOLS SPAMC/1.5\r\nContent-length: " + std::to_string(message.size()) + "\r\nUser: tocsin\r\n\r\n";
  request.append(message);
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = ::send(sock->fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return unavailable("sending the message failed");
    sent += static_cast<size_t>(n);
  }
  ::shutdown(sock->fd(), SHUT_WR);
  std::string answer;
  char buf[4096];
  while (answer.size() < (1 << 20)) {
    ssize_t n = ::recv(sock->fd(), buf, sizeof buf, 0);
    if (n < 0) return unavailable("no answer (timeout)");
    if (n == 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  // SPAMD/1.1 0 EX_OK
  auto line_end = answer.find("\r\n");
  if (line_end == std::string::npos || !answer.starts_with("SPAMD/")) return unavailable("malformed answer");
  std::string_view status(answer.data(), line_end);
  if (status.find(" 0 EX_OK") == std::string_view::npos) return unavailable(std::string(status));
  auto body_at = answer.find("\r\n\r\n");
  if (body_at == std::string::npos) return unavailable("malformed answer (no header end)");
  SpamReport r;
  bool have_spam_header = false;
  std::string_view headers(answer.data() + line_end + 2, body_at - line_end - 2);
  while (!headers.empty()) {
    auto e = headers.find("\r\n");
    std::string_view h = headers.substr(0, e);
    headers = e == std::string_view::npos ? std::string_view() : headers.substr(e + 2);
    if (!lower_ascii(h.substr(0, 5)).starts_with("spam:")) continue;
    // Spam: True ; 6.0 / 5.0
    std::string v(trim_ascii_space(h.substr(5)));
    auto semi = v.find(';'), slash = v.find('/');
    if (semi == std::string::npos || slash == std::string::npos) return unavailable("malformed Spam header");
    r.spam = lower_ascii(trim_ascii_space(std::string_view(v).substr(0, semi))) == "true";
    r.score = std::strtod(v.c_str() + semi + 1, nullptr);
    r.threshold = std::strtod(v.c_str() + slash + 1, nullptr);
    have_spam_header = true;
  }
  if (!have_spam_header) return unavailable("answer without a Spam header");
  std::string_view rules(answer.data() + body_at + 4, answer.size() - body_at - 4);
  while (!rules.empty()) {
    auto comma = rules.find(',');
    auto rule = trim_ascii_space(rules.substr(0, comma));
    if (!rule.empty()) r.rules.emplace_back(rule);
    rules = comma == std::string_view::npos ? std::string_view() : rules.substr(comma + 1);
  }
  return r;
}

std::string message_for_scoring(std::string_view from_name, std::string_view from_address,
                                std::string_view subject, std::string_view html) {
  std::string m;
  m += "From: \"" + std::string(from_name) + "\" <" + std::string(from_address) + ">\r\n";
  m += "Subject: " + std::string(subject) + "\r\n";
  // The headers every message tocsin sends carries (email/message_builder), so the score is the content's and
  // not that of a draft missing them (MISSING_DATE, MISSING_MID, ...).
  std::string domain(from_address.substr(from_address.rfind('@') + 1));
  m += "To: <recipient@" + domain + ">\r\n";
  char date[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  m += "Date: " + std::string(date) + "\r\n";
  m += "Message-ID: <screening." + std::to_string(now) + "@" + domain + ">\r\n";
  m += "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: "
       "8bit\r\n\r\n";
  for (size_t i = 0; i < html.size(); ++i) {  // bare LF to CRLF, as on the wire
    if (html[i] == '\n' && (i == 0 || html[i - 1] != '\r')) m += '\r';
    m += html[i];
  }
  m += "\r\n";
  return m;
}

}  // namespace tocsin::policy::content

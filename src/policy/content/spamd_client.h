// A client of SpamAssassin's spamd (SPAMC/SPAMD protocol 1.5, command SYMBOLS): the score, the threshold
// and the names of the rules that fired for one RFC 5322 message. Enabled by `[screening] spamd =
// "HOST:PORT"` in tocsin.toml; spamd runs locally (`spamd -L`: no network tests).
//
// Hand-written (about 100 lines over POSIX sockets) because Debian packages no client library: libspamc
// exists only compiled into the `spamc` binary, and running that per message would cost a fork and exec. The
// protocol is a request line, two headers and the message; the answer a status line, headers ("Spam: True ;
// 6.0 / 5.0") and the comma-separated rule names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tocsin::policy::content {

struct SpamdAddress {
  std::string host;
  std::string port;
};
// "HOST:PORT" (HOST may be a name, an IPv4 address or [IPv6]).
Result<SpamdAddress> parse_spamd_address(std::string_view s);

struct SpamReport {
  bool spam = false;
  double score = 0, threshold = 0;
  std::vector<std::string> rules;
};

// One SYMBOLS request on a fresh connection. Errors (unreachable, timeout, a malformed or non-EX_OK answer)
// are returned, never thrown. Safe for concurrent use (nothing shared).
Result<SpamReport> spamd_check(const SpamdAddress& at, std::string_view message, int timeout_ms = 15000);

// The minimal message spamd scores for a draft: From (display name and address), Subject, an HTML body.
std::string message_for_scoring(std::string_view from_name, std::string_view from_address,
                                std::string_view subject, std::string_view html);

}  // namespace tocsin::policy::content

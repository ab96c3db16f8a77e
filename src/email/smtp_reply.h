// SMTP replies and what one transaction's replies mean for a message (RFC 5321 §4.2, RFC 2920).
//
// The relay driver (email/smtp_relay.h) sends a transaction as MAIL FROM, RCPT TO, DATA and, after a 354, the
// message and its end-of-data dot. With PIPELINING the commands leave in one write and the replies come back
// in order; without it, lock-step. Either way the replies are judged here, the same way libcurl's driver
// judged them before (it stopped at the first reply that was not positive, so that one decided):
//   - the first reply, in order MAIL, RCPT, DATA, end of data, that is not positive (2xx; 354 for DATA)
//     decides: 5xx → kRejected, 4xx (and anything else) → kDeferred, `detail` = that reply's last line
//     (e.g. "550 5.1.1 <ada@example.net>: Recipient address rejected"), `code` = its code;
//   - all positive: kAccepted with the end-of-data reply (e.g. "250 2.0.0 Ok: queued as 4F").
// The enhanced status in `detail` (5.1.x, 5.7.x) is then read like a DSN's by messaging/smtp_rejection.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "email/transport.h"

namespace tocsin::email {

struct SmtpReply {
  int code = 0;                    // 0: no reply (connection lost, timeout)
  std::vector<std::string> lines;  // every line, CRLF removed; the last one carries the final code
  const std::string& last() const {
    static const std::string none;
    return lines.empty() ? none : lines.back();
  }
  bool positive() const { return code >= 200 && code < 400; }
};

// Appends one reply line to `r`; true when it was the reply's last line ("250 ..." rather than "250-...").
// A line without a three-digit code gives code 0 and ends the reply.
bool add_reply_line(SmtpReply& r, std::string_view line);

// The replies of one transaction in the order the commands were sent (MAIL, RCPT, DATA, end of data; fewer
// when a reply stopped it). A lost session is a reply with code 0 whose one line says why (kDeferred).
Handover classify_transaction(const std::vector<SmtpReply>& replies);

// The message as it goes after DATA: lines that start with "." get another (RFC 5321 §4.5.2), a final CRLF
// when the data has none, then the end-of-data line ".\r\n". Appended to `out`.
void append_data(std::string& out, std::string_view data);

// The EHLO keywords (upper-case, first word of each line after the greeting line), e.g. "PIPELINING",
// "STARTTLS", "AUTH"; and the AUTH mechanisms offered.
std::vector<std::string> ehlo_keywords(const SmtpReply& ehlo);
bool ehlo_offers(const SmtpReply& ehlo, std::string_view keyword);
bool ehlo_offers_auth(const SmtpReply& ehlo, std::string_view mechanism);

}  // namespace tocsin::email

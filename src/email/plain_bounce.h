// Bounces that are not RFC 3464 reports: the plain-text notices many MTAs still send — qmail (QSBMF), Exim
// without DSN, old Sendmail and Postfix, Exchange / Office 365 NDR text, Gmail's and Yahoo's own wording,
// Lotus Domino, and the delay warnings of each — read with RE2 patterns modeled on those formats (the corpus
// is tests/fixtures/mail/plain-text; docs/MAIL.md states how much of it is classified right).
//
// Contract: read_plain_bounce takes the notice's own header fields (lower-cased names, as MailReport keeps
// them) and its decoded text parts, and says whether it is a bounce notice at all: one from a mail system
// (MAILER-DAEMON, postmaster, "Mail Delivery System", ...) or with a bounce subject, with failure wording in
// its text, and not an auto-reply (out of office, vacation, "Automatic reply") nor a success notice. A bounce
// gives one RecipientStatus: the failed recipient (X-Failed-Recipients, else the first address the notice
// names that is not a mail system's or ours), action "failed" or "delayed" (the relay still tries), the
// enhanced status the notice quotes when it is specific, else one its wording implies (5.1.1 unknown
// address, 5.1.2 unknown domain, 5.2.2 mailbox full, 5.7.1 policy, 4.4.7 delay, else from the SMTP reply
// code, else 5.0.0), the line it was read from as diagnostic, and classify_status's class. Never fails;
// anything unrecognized is "not a bounce", which ingest ignores.
//
// quoted_original_headers finds the header fields of the original message these notices quote inline (after
// "--- Below this line is a copy of the message.", "------ This is a copy of the message, including all the
// headers. ------", "----- Original message follows -----" and the like), so the delivery can be found by
// X-Tocsin-Delivery or Message-ID as for a DSN.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "email/mail_report.h"

namespace tocsin::email {

std::optional<RecipientStatus> read_plain_bounce(const std::map<std::string, std::string>& headers,
                                                 std::string_view text);

std::map<std::string, std::string> quoted_original_headers(std::string_view text);

}  // namespace tocsin::email

#include "email/plain_bounce.h"

#include <re2/re2.h>

#include "core/text.h"

namespace tocsin::email {
namespace {

using Fields = std::map<std::string, std::string>;

std::string get(const Fields& f, const char* name) {
  auto it = f.find(name);
  return it == f.end() ? std::string() : it->second;
}

// A phrase pattern whose spaces match any run of whitespace, line breaks included: notices wrap their
// sentences anywhere ("could not\nbe delivered"). " ?" (an optional space) matches optional whitespace.
std::string phrases(std::string_view pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != ' ') {
      out += pattern[i];
    } else if (i + 1 < pattern.size() && pattern[i + 1] == '?') {
      out += "\\s*";
      ++i;
    } else {
      out += "\\s+";
    }
  }
  return out;
}

// Patterns, each modeled on the wording of the formats named in plain_bounce.h. Case-insensitive.

// Who sends bounce notices: the mail system, never a person.
const RE2 kMailSystem(
    R"((?i)(mailer-daemon|postmaster|mail delivery (sub)?system|mail ?router|mail administrator|)"
    R"(microsoftexchange|microsoft outlook|double-bounce|mdaemon|mail system|smtp gateway|mailer@))");

const RE2 kBounceSubject(
    R"((?i)(undeliver|not (be )?delivered|returned mail|return(ed)? to sender|delivery status|)"
    R"(delivery (failure|failed|has failed|problem|incomplete|notification)|mail delivery failed|)"
    R"(failure notice|could not (be )?(deliver|sen[dt])|non-?deliver|nondeliverable|mail system error|)"
    R"(warning: could not send|delayed mail|delivery (is )?delayed|message (could )?not (be )?delivered))");

const RE2 kAutoReplySubject(
    R"((?i)^\s*(auto(matic)?[ -]?(reply|response|answer|antwort)|autoreply|auto:|out of (the )?office|)"
    R"(abwesenheit|away from|on vacation|vacation|i am (currently )?(out|away)|r[ée]ponse automatique|)"
    R"(respuesta autom[aá]tica|risposta automatica|thank you for (your|contacting)))");

const RE2 kSuccess(phrases(
    R"((?i)(\(success\)|successfully delivered|delivery to the following recipients? succeeded|)"
    R"(your message has been delivered|was delivered to|relayed to non-dsn-aware|successfully relayed))"));

// Wording that says a message did not arrive (or not yet).
const RE2 kFailure(phrases(
    R"((?i)(could ?n[o']t be delivered|was ?n[o']t delivered|not (be )?delivered|undeliverable|unable to )"
    R"(deliver|delivery (to the following recipients? )?(has )?failed|failed permanently|permanent )"
    R"((fatal )?error|fatal error|does not like recipient|user unknown|unknown user|no such (user|address|)"
    R"(mailbox|recipient)|mailbox (is )?(full|unavailable)|quota|rejected|delayed|will (continue to |keep )?)"
    R"((re)?try|could not send|failed|does ?n[o']t exist|not listed|retry|not found|couldn't be found|able to deliver|)"
    R"(not yet been delivered|undelivered|did not reach|cannot be reached|given? up))"));

// The relay still tries: a warning, not a failure.
const RE2 kDelay(phrases(
    R"((?i)(not yet been delivered|has been delayed|delivery (is )?delayed|delayed mail|will (continue to |)"
    R"(keep )?(re)?try|still (trying|being (re)?tried)|will be retried|could not send message for past|)"
    R"(warning message only|do not need to resend|no action is required))"));

// What the failure was, from the wording, when the notice quotes no specific enhanced code.
const RE2 kMailboxFull(
    phrases(R"((?i)(mailbox (is )?full|mailbox (has )?exceeded|over ?quota|quota (exceeded|exceed)|exceeded )"
            R"((\w+ )?(storage|quota)|insufficient (system )?storage|mailbox size limit|is full|full )"
            R"(mailbox|disk quota|too much mail|out of (storage|space)))"));
const RE2 kDisabled(phrases(
    R"((?i)(account (is |has been )?(disabled|inactive|deactivated|suspended)|mailbox (is )?disabled))"));
const RE2 kUnknownUser(phrases(
    R"((?i)(user unknown|unknown user|no such (user|recipient|mailbox|address|person)|(user|recipient|)"
    R"(mailbox|address|account)( name)? (is )?(unknown|invalid|not found|does ?n[o']t exist)|does not like )"
    R"(recipient|recipient (address )?rejected|invalid (recipient|address|mailbox)|mailbox (not found|)"
    R"(unavailable|does ?n[o']t exist)|no mailbox here|not listed in|couldn't be found|could not be found|)"
    R"(does ?n[o']t have an? [\w.]+ account|does ?n[o']t exist|address rejected|unrouteable address|)"
    R"(bad destination mailbox|recipient not found|unknown (local[- ]?part|recipient|mailbox)|)"
    R"(not a valid (mailbox|recipient|user)|no longer (valid|available|active)|user not found|)"
    R"(account (has been )?(closed|terminated|removed|deleted)|no account by that name))"));
const RE2 kUnknownDomain(
    phrases(R"((?i)(host (or domain name )?not found|domain (name )?not found|unknown domain|no such domain|)"
            R"(domain does ?n[o']t exist|unrouteable (mail )?domain|mx records point to non-existent hosts|)"
            R"(name service error|nxdomain|no mx record))"));
const RE2 kPolicy(phrases(
    R"((?i)(spam|blacklist|blocklist|block list|listed (at|in|on) |\brbl\b|spamhaus|reputation|dmarc|)"
    R"(\bspf\b|\bdkim\b|policy|not authori[sz]ed|unauthenticated|blocked|banned|access denied|)"
    R"(relay(ing)? (access )?denied))"));

// An enhanced status code (RFC 3463: subject 0-7) standing alone, and a basic SMTP reply code.
const RE2 kEnhancedCode(R"((?:^|[\s(#\['-])([245]\.[0-7]\.\d{1,3})(?:[\s).;:,\]>']|$))");
const RE2 kReplyCode(R"((?:^|[\s(#\['"])([45][0-5]\d)(?:[\s\-:]|$))");

const RE2 kAddress(R"(([A-Za-z0-9._%+=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+))");
// Addresses a notice names that are not the failed recipient: mail systems and our own return addresses.
const RE2 kNotARecipient(R"((?i)^(mailer-daemon|postmaster|double-bounce|bounces?[+=.-]|unsubscribe[+=]))");

// Where a notice starts quoting the original message (qmail, Exim, Sendmail, Gmail, Exchange, ...).
const RE2 kOriginalFollows(
    R"((?im)^([ \t>-]*(?:(?:below this line is a copy of the message|this is a copy of (?:the|your) message)[^\n]*|)"
    R"((?:(?:original|unsent|returned|undelivered) (?:message|mail)(?: headers)?(?: follows?)?|original )"
    R"(message headers|message headers follow|headers of the original message)[ \t:.\-]*)$))");

// A quoted original's own header fields, however indented.
const RE2 kQuotedField(R"((?im)^[ \t>]*(x-tocsin-delivery|message-id|return-path)[ \t]*:[ \t]*(\S[^\r\n]*))");

// The notice proper: the text before the quoted original.
std::string_view notice_of(std::string_view text) {
  re2::StringPiece input(text.data(), text.size()), match;
  if (!RE2::PartialMatch(input, kOriginalFollows, &match)) return text;
  return text.substr(0, static_cast<size_t>(match.data() - text.data()));
}

// The line of `text` around `at`, trimmed.
std::string line_at(std::string_view text, const char* at) {
  size_t pos = static_cast<size_t>(at - text.data());
  size_t begin = text.rfind('\n', pos);
  begin = begin == std::string_view::npos ? 0 : begin + 1;
  size_t end = text.find('\n', pos);
  return std::string(trim_ascii_space(text.substr(begin, end == std::string_view::npos ? end : end - begin)))
      .substr(0, 200);
}

// The first match of `re` in `text`: the matched text (a view into `text`) or empty.
re2::StringPiece find(std::string_view text, const RE2& re) {
  re2::StringPiece input(text.data(), text.size()), match;
  if (!RE2::PartialMatch(input, re, &match)) return {};
  return match;
}

std::string failed_recipient(const Fields& headers, std::string_view notice) {
  std::string listed = get(headers, "x-failed-recipients");
  if (!listed.empty()) return std::string(trim_ascii_space(listed.substr(0, listed.find(','))));
  std::string from = lower_ascii(get(headers, "from")), to = lower_ascii(get(headers, "to"));
  re2::StringPiece input(notice.data(), notice.size());
  std::string address;
  while (RE2::FindAndConsume(&input, kAddress, &address)) {
    std::string lower = lower_ascii(address);
    if (RE2::PartialMatch(lower, kNotARecipient)) continue;
    if (from.find(lower) != std::string::npos || to.find(lower) != std::string::npos) continue;
    return address;
  }
  return {};
}

bool is_auto_reply(const Fields& headers, bool from_mail_system) {
  if (RE2::PartialMatch(get(headers, "subject"), kAutoReplySubject)) return true;
  if (from_mail_system) return false;  // Exim marks its own bounces Auto-Submitted: auto-replied
  std::string submitted = lower_ascii(get(headers, "auto-submitted"));
  return submitted.rfind("auto-", 0) == 0 || headers.count("x-autoreply") || headers.count("x-autorespond") ||
         lower_ascii(get(headers, "precedence")) == "auto_reply";
}

// The status a failure's wording implies, with the line it was read from; empty when it names no cause.
std::pair<std::string, std::string> status_from_wording(std::string_view notice) {
  const std::pair<const RE2*, const char*> kCauses[] = {{&kMailboxFull, "5.2.2"},
                                                        {&kDisabled, "5.2.1"},
                                                        {&kUnknownUser, "5.1.1"},
                                                        {&kUnknownDomain, "5.1.2"},
                                                        {&kPolicy, "5.7.1"}};
  for (const auto& [re, status] : kCauses)
    if (auto m = find(notice, *re); m.data()) return {status, line_at(notice, m.data())};
  return {};
}

}  // namespace

std::optional<RecipientStatus> read_plain_bounce(const Fields& headers, std::string_view text) {
  bool from_mail_system = RE2::PartialMatch(get(headers, "from"), kMailSystem);
  if (!from_mail_system && !RE2::PartialMatch(get(headers, "subject"), kBounceSubject)) return std::nullopt;
  if (is_auto_reply(headers, from_mail_system)) return std::nullopt;
  std::string_view notice = notice_of(text);
  // Failure wording, a delay, or a cause named outright ("no mailbox here by that name").
  re2::StringPiece failure;
  for (const RE2* re : {&kFailure, &kDelay, &kUnknownUser, &kMailboxFull, &kUnknownDomain, &kDisabled})
    if (!failure.data()) failure = find(notice, *re);
  if (!failure.data()) return std::nullopt;
  if (find(notice, kSuccess).data() && !find(notice, kUnknownUser).data()) return std::nullopt;

  RecipientStatus rs;
  rs.final_recipient = failed_recipient(headers, notice);
  bool delayed = find(notice, kDelay).data() != nullptr;
  rs.action = delayed ? "delayed" : "failed";
  std::string code;
  re2::StringPiece code_match = find(notice, kEnhancedCode);
  if (code_match.data()) {
    RE2::PartialMatch(code_match, kEnhancedCode, &code);
    rs.diagnostic_code = line_at(notice, code_match.data());
  }
  bool specific = !code.empty() && code.substr(1) != ".0.0";
  if (specific) {
    rs.status = code;
  } else if (delayed) {
    rs.status = code.empty() ? "4.4.7" : code;
    rs.diagnostic_code = line_at(notice, find(notice, kDelay).data());
  } else if (auto [status, line] = status_from_wording(notice); !status.empty()) {
    rs.status = status;
    rs.diagnostic_code = line;
  } else if (!code.empty()) {
    rs.status = code;
  } else if (std::string reply; RE2::PartialMatch(notice, kReplyCode, &reply)) {
    rs.status = reply[0] == '4' ? "4.0.0" : "5.0.0";
    rs.diagnostic_code = line_at(notice, find(notice, kReplyCode).data());
  } else {
    rs.status = "5.0.0";
    rs.diagnostic_code = line_at(notice, failure.data());
  }
  rs.bounce_class = classify_status(rs.status, rs.action);
  return rs;
}

Fields quoted_original_headers(std::string_view text) {
  Fields out;
  std::string_view notice = notice_of(text);
  std::string_view quoted = notice.size() < text.size() ? text.substr(notice.size()) : text;
  re2::StringPiece input(quoted.data(), quoted.size());
  std::string name, value;
  while (RE2::FindAndConsume(&input, kQuotedField, &name, &value))
    out.emplace(lower_ascii(name), std::string(trim_ascii_space(value)));
  return out;
}

}  // namespace tocsin::email

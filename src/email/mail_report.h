// Reports about mail we sent that come back to us: delivery status notifications (RFC 3464, in a
// multipart/report; report-type=delivery-status), the plain-text bounce notices of MTAs that send no DSN
// (email/plain_bounce.h: qmail, Exim, old Sendmail/Postfix, Exchange, Gmail, Yahoo, Domino, ...) and
// abuse/feedback reports (ARF, RFC 5965, report-type=feedback-report), parsed with GMime.
//
// Contract: parse_mail_report never fails on malformed input in a way that loses the message: anything that
// is not a recognizable report comes back as kind kNone (with whatever original headers could be found), and
// the caller decides what to do with it (ingest keeps it for a human). Classification follows
// compliance-rules EM-B1 and EM-F1; the decision to suppress, retry or pause is the caller's.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::email {

// What a per-recipient status means for us (compliance-rules EM-B1).
enum class BounceClass {
  kNone,          // not a failure: delivered, relayed, expanded
  kHard,          // the address is bad: 5.1.x, and other permanent failures not listed below
  kSoft,          // try again later: 4.x.x, 5.2.1 (disabled), 5.2.2 (mailbox full)
  kSenderPolicy,  // our side is failing (authentication, DMARC, reputation): 5.7.x, 4.7.2x
};
std::string_view bounce_class_name(BounceClass c);

// Classifies an enhanced status code ("5.1.1"); `action` is the DSN Action field (failed, delayed, ...).
BounceClass classify_status(std::string_view status, std::string_view action);

// The first enhanced status code x.y.z (RFC 3463) inside free text — a Diagnostic-Code, an SMTP reply such as
// "550 5.1.1 <a@b>: User unknown" — or "" if none.
std::string find_enhanced_code(std::string_view text);

struct RecipientStatus {
  std::string final_recipient;  // the address, without the "rfc822;" type
  std::string original_recipient;
  std::string action;           // lower-case
  std::string status;           // enhanced status code, e.g. "5.1.1" (taken from Diagnostic-Code if absent)
  std::string diagnostic_code;  // e.g. "smtp; 550 5.1.1 user unknown"
  BounceClass bounce_class = BounceClass::kNone;
};

struct MailReport {
  enum class Kind { kNone, kDeliveryStatus, kFeedback };
  Kind kind = Kind::kNone;

  std::vector<RecipientStatus> recipients;  // delivery status: one per recipient block
  bool plain_text = false;                  // the one recipient was read from a plain-text notice, not a DSN

  // Feedback report fields (lower-case values where the RFC defines tokens).
  std::string feedback_type;  // abuse, fraud, virus, other, not-spam, auth-failure
  std::string original_rcpt_to;
  std::string original_mail_from;
  std::string user_agent;

  // Header fields of the report (or any message) itself, first occurrence, names lower-cased: its To,
  // Delivered-To and X-Original-To name the address it came to.
  std::map<std::string, std::string> headers;

  // Header fields of the original message (message/rfc822 or text/rfc822-headers part), first occurrence,
  // names lower-cased: lets the caller find the delivery by Message-ID or by its own headers.
  std::map<std::string, std::string> original_headers;
};

MailReport parse_mail_report(std::string_view raw);

}  // namespace tocsin::email

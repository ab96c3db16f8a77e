// DSN (RFC 3464) and ARF (RFC 5965) parsing and bounce classification (compliance-rules EM-B1, EM-F1).
#include "email/mail_report.h"

#include <gtest/gtest.h>

#include <string>

namespace tocsin::email {
namespace {

using Kind = MailReport::Kind;

// A Postfix non-delivery report, as Postfix writes it (with its text/rfc822-headers part).
const char* kPostfixHardBounce =
    "Return-Path: <>\r\n"
    "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "To: bounces@mail.example.org\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
    "\tboundary=\"4A1B2C3D.1700000000/mx.example.net\"\r\n"
    "\r\n"
    "This is a MIME-encapsulated message.\r\n"
    "\r\n"
    "--4A1B2C3D.1700000000/mx.example.net\r\n"
    "Content-Description: Notification\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "I'm sorry to have to inform you that your message could not\r\n"
    "be delivered to one or more recipients.\r\n"
    "\r\n"
    "--4A1B2C3D.1700000000/mx.example.net\r\n"
    "Content-Description: Delivery report\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mx.example.net\r\n"
    "X-Postfix-Queue-ID: 4A1B2C3D\r\n"
    "Arrival-Date: Tue, 24 Nov 2026 03:00:01 +0000 (UTC)\r\n"
    "\r\n"
    "Final-Recipient: rfc822; nobody@example.net\r\n"
    "Original-Recipient: rfc822;nobody@example.net\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Remote-MTA: dns; mail.example.net\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address\r\n"
    "    rejected: User unknown in virtual mailbox table\r\n"
    "\r\n"
    "--4A1B2C3D.1700000000/mx.example.net\r\n"
    "Content-Description: Undelivered Message Headers\r\n"
    "Content-Type: text/rfc822-headers\r\n"
    "\r\n"
    "From: Campaign <team@mail.example.org>\r\n"
    "To: nobody@example.net\r\n"
    "Subject: Rally\r\n"
    "Message-ID: <d-42.m-7@mail.example.org>\r\n"
    "X-Tocsin-Delivery: d-42\r\n"
    "\r\n"
    "--4A1B2C3D.1700000000/mx.example.net--\r\n";

std::string dsn(const std::string& recipient_groups, const std::string& original = "") {
  std::string m =
      "From: MAILER-DAEMON@mx.example.net\r\n"
      "To: bounces@mail.example.org\r\n"
      "Subject: Delivery Status Notification\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n"
      "\r\n"
      "--b1\r\n"
      "Content-Type: text/plain\r\n"
      "\r\n"
      "Delivery has failed or is delayed.\r\n"
      "--b1\r\n"
      "Content-Type: message/delivery-status\r\n"
      "\r\n"
      "Reporting-MTA: dns; mx.example.net\r\n"
      "\r\n" +
      recipient_groups + "\r\n";
  if (!original.empty()) m += "--b1\r\nContent-Type: message/rfc822\r\n\r\n" + original + "\r\n";
  m += "--b1--\r\n";
  return m;
}

TEST(MailReport, PostfixHardBounce) {
  MailReport r = parse_mail_report(kPostfixHardBounce);
  ASSERT_EQ(r.kind, Kind::kDeliveryStatus);
  ASSERT_EQ(r.recipients.size(), 1u);
  const auto& rs = r.recipients[0];
  EXPECT_EQ(rs.final_recipient, "nobody@example.net");
  EXPECT_EQ(rs.action, "failed");
  EXPECT_EQ(rs.status, "5.1.1");
  EXPECT_EQ(rs.bounce_class, BounceClass::kHard);
  EXPECT_NE(rs.diagnostic_code.find("User unknown"), std::string::npos)
      << "folded Diagnostic-Code is unfolded";
  EXPECT_EQ(r.original_headers["message-id"], "<d-42.m-7@mail.example.org>");
  EXPECT_EQ(r.original_headers["x-tocsin-delivery"], "d-42");
}

TEST(MailReport, DelayedIsSoft) {
  MailReport r = parse_mail_report(
      dsn("Final-Recipient: rfc822; slow@example.net\r\nAction: delayed\r\nStatus: 4.4.1\r\n"
          "Diagnostic-Code: smtp; 421 4.4.1 connection timed out\r\n"));
  ASSERT_EQ(r.recipients.size(), 1u);
  EXPECT_EQ(r.recipients[0].bounce_class, BounceClass::kSoft);
}

TEST(MailReport, DmarcRejectionIsOurPolicyFailureNotTheRecipients) {
  MailReport r = parse_mail_report(dsn(
      "Final-Recipient: rfc822; someone@gmail.example\r\nAction: failed\r\nStatus: 5.7.26\r\n"
      "Diagnostic-Code: smtp; 550-5.7.26 Unauthenticated email from example.org is not accepted due to\r\n"
      " domain's DMARC policy.\r\n"));
  ASSERT_EQ(r.recipients.size(), 1u);
  EXPECT_EQ(r.recipients[0].bounce_class, BounceClass::kSenderPolicy);
}

TEST(MailReport, SeveralRecipientsInOneReportAndOriginalMessage) {
  std::string original =
      "From: team@mail.example.org\r\nTo: a@example.net\r\nMessage-ID: <orig-1@mail.example.org>\r\n"
      "Subject: Hi\r\n\r\nbody\r\n";
  MailReport r = parse_mail_report(
      dsn("Final-Recipient: rfc822; a@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
          "Final-Recipient: rfc822; b@example.net\r\nAction: failed\r\nStatus: 5.2.2\r\n\r\n"
          "Final-Recipient: rfc822; c@example.net\r\nAction: delivered\r\nStatus: 2.0.0\r\n",
          original));
  ASSERT_EQ(r.recipients.size(), 3u);
  EXPECT_EQ(r.recipients[0].bounce_class, BounceClass::kHard);
  EXPECT_EQ(r.recipients[1].bounce_class, BounceClass::kSoft) << "mailbox full is soft";
  EXPECT_EQ(r.recipients[2].bounce_class, BounceClass::kNone);
  EXPECT_EQ(r.original_headers["message-id"], "<orig-1@mail.example.org>");
}

TEST(MailReport, StatusTakenFromDiagnosticCodeWhenMissing) {
  MailReport r =
      parse_mail_report(dsn("Final-Recipient: RFC822; <gone@example.net>\r\nAction: failed\r\n"
                            "Diagnostic-Code: smtp; 550 5.1.2 Host unknown\r\n"));
  ASSERT_EQ(r.recipients.size(), 1u);
  EXPECT_EQ(r.recipients[0].final_recipient, "gone@example.net");
  EXPECT_EQ(r.recipients[0].status, "5.1.2");
  EXPECT_EQ(r.recipients[0].bounce_class, BounceClass::kHard);
}

// RFC 5965 Appendix B.1's example, as a mailbox provider sends it.
const char* kArfAbuse =
    "From: <abusedesk@example.com>\r\n"
    "Date: Thu, 8 Mar 2005 17:40:36 EDT\r\n"
    "Subject: FW: Earn money\r\n"
    "To: <abuse@example.net>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=feedback-report;\r\n"
    "     boundary=\"part1_13d.2e68ed54_boundary\"\r\n"
    "\r\n"
    "--part1_13d.2e68ed54_boundary\r\n"
    "Content-Type: text/plain; charset=\"US-ASCII\"\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "This is an email abuse report for an email message received from IP\r\n"
    "192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.\r\n"
    "\r\n"
    "--part1_13d.2e68ed54_boundary\r\n"
    "Content-Type: message/feedback-report\r\n"
    "\r\n"
    "Feedback-Type: abuse\r\n"
    "User-Agent: SomeGenerator/1.0\r\n"
    "Version: 1\r\n"
    "Original-Mail-From: <somespammer@example.net>\r\n"
    "Original-Rcpt-To: <user@example.com>\r\n"
    "Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT\r\n"
    "Reporting-MTA: dns; mail.example.com\r\n"
    "Source-IP: 192.0.2.1\r\n"
    "\r\n"
    "--part1_13d.2e68ed54_boundary\r\n"
    "Content-Type: message/rfc822\r\n"
    "Content-Disposition: inline\r\n"
    "\r\n"
    "From: <somespammer@example.net>\r\n"
    "Received: from mailserver.example.net (mailserver.example.net\r\n"
    "   [192.0.2.1]) by example.com with ESMTP id M63d4137594e46;\r\n"
    "   Thu, 08 Mar 2005 14:00:00 -0400\r\n"
    "To: <Undisclosed Recipients>\r\n"
    "Subject: Earn money\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-type: text/plain\r\n"
    "Message-ID: 8787KJKJ3K4J3K4J3K4J3.mail@example.net\r\n"
    "Date: Thu, 02 Sep 2004 12:31:03 -0500\r\n"
    "\r\n"
    "Spam Spam Spam\r\n"
    "Spam Spam Spam\r\n"
    "--part1_13d.2e68ed54_boundary--\r\n";

TEST(MailReport, ArfAbuseReport) {
  MailReport r = parse_mail_report(kArfAbuse);
  ASSERT_EQ(r.kind, Kind::kFeedback);
  EXPECT_EQ(r.feedback_type, "abuse");
  EXPECT_EQ(r.original_rcpt_to, "user@example.com");
  EXPECT_EQ(r.original_mail_from, "somespammer@example.net");
  EXPECT_EQ(r.user_agent, "SomeGenerator/1.0");
  EXPECT_EQ(r.original_headers["message-id"], "8787KJKJ3K4J3K4J3K4J3.mail@example.net");
  EXPECT_TRUE(r.recipients.empty());
}

TEST(MailReport, LfOnlyLineEndsParseToo) {
  std::string lf;
  for (const char* p = kPostfixHardBounce; *p; ++p) {
    if (*p != '\r') lf.push_back(*p);
  }
  MailReport r = parse_mail_report(lf);
  ASSERT_EQ(r.kind, Kind::kDeliveryStatus);
  EXPECT_EQ(r.recipients.at(0).status, "5.1.1");
}

TEST(MailReport, MalformedInputIsNotAReportAndDoesNotCrash) {
  EXPECT_EQ(parse_mail_report("").kind, Kind::kNone);
  EXPECT_EQ(parse_mail_report("just some text\r\nwithout headers").kind, Kind::kNone);
  EXPECT_EQ(parse_mail_report("From: a@b\r\nSubject: hello\r\n\r\nA reply from a human.\r\n").kind,
            Kind::kNone);
  // truncated in the middle of the delivery-status part, boundary never closed
  std::string truncated(kPostfixHardBounce);
  truncated.resize(truncated.find("Action: failed"));
  MailReport r = parse_mail_report(truncated);
  for (const auto& rs : r.recipients) EXPECT_EQ(rs.final_recipient, "nobody@example.net");
  // a report with no recipient fields at all
  EXPECT_EQ(parse_mail_report(dsn("Action: failed\r\nStatus: 5.1.1\r\n")).kind, Kind::kNone);
  // binary garbage
  std::string junk(2048, '\0');
  for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 131) & 0xff);
  EXPECT_EQ(parse_mail_report(junk).kind, Kind::kNone);
}

TEST(MailReport, ClassifyStatusTable) {
  struct Case {
    const char* status;
    const char* action;
    BounceClass want;
  } cases[] = {
      {"5.1.1", "failed", BounceClass::kHard},
      {"5.1.10", "failed", BounceClass::kHard},
      {"5.1.2", "failed", BounceClass::kHard},
      {"5.0.0", "failed", BounceClass::kHard},
      {"5.4.4", "failed", BounceClass::kHard},
      {"5.2.2", "failed", BounceClass::kSoft},
      {"5.2.1", "failed", BounceClass::kSoft},
      {"4.2.2", "delayed", BounceClass::kSoft},
      {"4.4.7", "failed", BounceClass::kSoft},
      {"4.7.0", "delayed", BounceClass::kSoft},
      {"4.7.26", "delayed", BounceClass::kSenderPolicy},
      {"5.7.1", "failed", BounceClass::kSenderPolicy},
      {"5.7.26", "failed", BounceClass::kSenderPolicy},
      {"5.7.515", "failed", BounceClass::kSenderPolicy},
      {"2.0.0", "delivered", BounceClass::kNone},
      {"", "failed", BounceClass::kHard},
      {"", "delayed", BounceClass::kSoft},
      {"", "relayed", BounceClass::kNone},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(classify_status(c.status, c.action), c.want) << c.status << " " << c.action;
  }
  EXPECT_EQ(bounce_class_name(BounceClass::kSenderPolicy), "sender_policy");
}

}  // namespace
}  // namespace tocsin::email

// A 5xx at SMTP time read as ingest reads a DSN (messaging/smtp_rejection.h), and the enhanced-code finder it
// shares with the DSN parser (email/mail_report.h).
#include "messaging/smtp_rejection.h"

#include <gtest/gtest.h>

#include "email/mail_report.h"

namespace tocsin::messaging {
namespace {

using store::DeliveryState;

TEST(EnhancedCode, FoundInRepliesAndDiagnostics) {
  EXPECT_EQ(email::find_enhanced_code("550 5.1.1 <ada@example.net>: Recipient address rejected"), "5.1.1");
  EXPECT_EQ(email::find_enhanced_code("smtp; 550-5.7.26 This mail is unauthenticated"), "5.7.26");
  EXPECT_EQ(email::find_enhanced_code("550 Requested action not taken"), "");
  EXPECT_EQ(email::find_enhanced_code("version 15.1.2 of something"), "") << "not inside a number";
}

TEST(SmtpRejection, BadMailboxMakesTheAddressBouncing) {
  for (const char* reply :
       {"550 5.1.1 <ada@example.net>: Recipient address rejected: User unknown", "550 5.1.2 Host unknown"}) {
    SmtpRejection r = classify_rejection(reply);
    EXPECT_EQ(r.state, DeliveryState::kBounced) << reply;
    EXPECT_TRUE(r.recipient_bouncing) << reply;
    EXPECT_NE(r.reason.find(reply), std::string::npos) << "the reply is kept";
  }
}

TEST(SmtpRejection, PolicyFailureCountsAgainstTheSendingDomainNotTheRecipient) {
  SmtpRejection r = classify_rejection("550 5.7.26 Unauthenticated email from example.org is not accepted");
  EXPECT_EQ(r.state, DeliveryState::kBounced);
  EXPECT_FALSE(r.recipient_bouncing);
  EXPECT_EQ(r.status, "5.7.26");
  EXPECT_NE(r.reason.find("counted against the sending domain"), std::string::npos) << r.reason;
}

TEST(SmtpRejection, OtherPermanentFailuresOnlyFailTheDelivery) {
  for (const char* reply : {"552 5.2.2 Mailbox full", "554 5.3.4 Message too big",
                            "550 Requested action not taken", "554 4.1.1 odd but not permanent"}) {
    SmtpRejection r = classify_rejection(reply);
    EXPECT_EQ(r.state, DeliveryState::kFailed) << reply;
    EXPECT_FALSE(r.recipient_bouncing) << reply;
    EXPECT_EQ(r.reason, reply);
  }
}

}  // namespace
}  // namespace tocsin::messaging

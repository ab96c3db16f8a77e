// X-Twilio-Signature. Known answers: Twilio's documented example, and a second vector computed with Python's
// hmac/hashlib (an independent implementation) over a UTF-8 body.
#include "sms/twilio_signature.h"

#include <gtest/gtest.h>

namespace tocsin::sms {
namespace {

const FormParams kDocParams = {{"CallSid", "CA1234567890ABCDE"},
                               {"Caller", "+12349013030"},
                               {"Digits", "1234"},
                               {"From", "+12349013030"},
                               {"To", "+18005551212"}};
const char* kDocUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

TEST(TwilioSignature, MatchesTwilioDocumentedExample) {
  EXPECT_EQ(twilio_signature("12345", kDocUrl, kDocParams), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
}

TEST(TwilioSignature, ParameterOrderDoesNotMatterUtf8BodyIsSignedAsBytes) {
  FormParams inbound = {{"To", "+12025550199"},
                        {"MessageSid", "SM00000000000000000000000000000001"},
                        {"From", "+12025550123"},
                        {"Body", "STOP \xE2\x9C\x8B"}};
  EXPECT_EQ(twilio_signature("abcdef0123456789abcdef0123456789", "https://act.example.org/sms/twilio/inbound",
                             inbound),
            "aPXi8WMVFcnhpoxyTtQH3i30t6c=");
}

TEST(TwilioSignature, ValidOnlyForTheExactTokenUrlParamsAndSignature) {
  std::string sig = twilio_signature("12345", kDocUrl, kDocParams);
  EXPECT_TRUE(twilio_signature_valid("12345", kDocUrl, kDocParams, sig));
  EXPECT_FALSE(twilio_signature_valid("12346", kDocUrl, kDocParams, sig)) << "other token";
  EXPECT_FALSE(
      twilio_signature_valid("12345", "https://mycompany.com/myapp.php?foo=1&bar=3", kDocParams, sig));
  FormParams changed = kDocParams;
  changed[2].second = "9999";
  EXPECT_FALSE(twilio_signature_valid("12345", kDocUrl, changed, sig)) << "altered parameter";
  FormParams added = kDocParams;
  added.push_back({"Body", "x"});
  EXPECT_FALSE(twilio_signature_valid("12345", kDocUrl, added, sig)) << "injected parameter";
  EXPECT_FALSE(twilio_signature_valid("12345", kDocUrl, kDocParams, sig.substr(1)));
  EXPECT_FALSE(twilio_signature_valid("12345", kDocUrl, kDocParams, ""));
  EXPECT_FALSE(twilio_signature_valid("", kDocUrl, kDocParams, twilio_signature("", kDocUrl, kDocParams)))
      << "an empty auth token never validates";
}

}  // namespace
}  // namespace tocsin::sms

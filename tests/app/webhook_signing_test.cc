// Webhook signatures as the Standard Webhooks specification defines them,
// checked against its published example.
#include <gtest/gtest.h>

#include "app/webhook_deliverer.h"

namespace rebound::app {
namespace {

TEST(WebhookSigning, MatchesTheSpecificationsExample) {
  WebhookDeliverer::Signed s;
  ASSERT_TRUE(WebhookDeliverer::Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                     1614265330, R"({"test": 2432232314})", &s));
  EXPECT_EQ(s.id, "msg_p5jXN8AQM9LWM0D4loKWxJek");
  EXPECT_EQ(s.timestamp, "1614265330");
  EXPECT_EQ(s.signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSigning, SignsWithBothSecretsDuringARotation) {
  WebhookDeliverer::Signed s;
  ASSERT_TRUE(WebhookDeliverer::Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                     "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})", &s));
  EXPECT_EQ(s.signature,
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSigning, RefusesASecretThatIsNotBase64) {
  WebhookDeliverer::Signed s;
  EXPECT_FALSE(WebhookDeliverer::Sign("whsec_***", "", "id", 1, "{}", &s));
}

TEST(WebhookSigning, NewSecretsAreWhsecAndDecode) {
  const std::string a = NewWebhookSecret();
  const std::string b = NewWebhookSecret();
  EXPECT_TRUE(a.starts_with("whsec_"));
  EXPECT_NE(a, b);
  WebhookDeliverer::Signed s;
  EXPECT_TRUE(WebhookDeliverer::Sign(a, "", "id", 1, "{}", &s));
}

}  // namespace
}  // namespace rebound::app

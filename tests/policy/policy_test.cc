// PRODUCT.md section 4, rule by rule, on every backend.
#include "policy/policy.h"

#include <gtest/gtest.h>

#include "../store/test_db.h"

namespace rebound::policy {
namespace {

constexpr int64_t kDay = 86400;

classify::BounceType Type(const std::string& name) {
  for (auto t : {classify::BounceType::kHard, classify::BounceType::kSoft, classify::BounceType::kPending}) {
    if (classify::TypeName(t) == name) return t;
  }
  return classify::BounceType::kNone;
}

classify::Reason ReasonOf(const std::string& name) {
  classify::Reason r = classify::Reason::kNone;
  classify::ParseReason(name, &r);
  return r;
}

formats::Cause CauseOf(const std::string& name) {
  formats::Cause c = formats::Cause::kUndefined;
  formats::ParseCause(name, &c);
  return c;
}

class PolicyTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    policy_ = std::make_unique<Policy>(store_.get(), Settings(), [this] { return now_; });
  }

  int64_t Account(const std::string& name, const std::string& kind = "strict") {
    store::Account a;
    std::string error;
    EXPECT_TRUE(store_->CreateAccount(name, kind, now_, &a, &error)) << error;
    return a.id;
  }

  Outcome Bounce(int64_t account, const std::string& address, const std::string& type, const std::string& reason,
                 const std::string& raw = "", const std::string& cause = "userunknown") {
    Incoming in;
    in.account_id = account;
    in.address = address;
    in.type = Type(type);
    in.reason = ReasonOf(reason);
    in.cause = CauseOf(cause);
    in.raw = raw.empty() ? "bounce " + std::to_string(++raw_counter_) : raw;
    Outcome out;
    std::string error;
    EXPECT_TRUE(policy_->Apply(in, &out, &error)) << error;
    return out;
  }

  ContactView View(int64_t account, const std::string& address) {
    ContactView v;
    std::string error;
    EXPECT_TRUE(policy_->View(account, address, &v, &error)) << error;
    return v;
  }

  std::vector<Exclusion> Excluded(int64_t account, const std::vector<std::string>& addresses) {
    std::vector<Exclusion> out;
    std::string error;
    EXPECT_TRUE(policy_->Eligibility(account, addresses, &out, &error)) << error;
    return out;
  }

  int64_t now_ = 1'800'000'000;
  int raw_counter_ = 0;
  std::unique_ptr<Policy> policy_;
};

TEST_P(PolicyTest, HardBounceSuppressesInItsAccountAndSetsTheReason) {
  int64_t a = Account("acme");
  int64_t b = Account("globex");
  Outcome out = Bounce(a, "Jane@Example.org", "HARD", "UNKNOWN_USER");
  EXPECT_TRUE(out.suppressed);
  ContactView v = View(a, "jane@example.org");
  EXPECT_EQ(v.status, "hard");
  EXPECT_EQ(v.contact.hard_bounce_reason, "UNKNOWN_USER");
  EXPECT_TRUE(v.suppressed);
  ASSERT_EQ(v.history.size(), 1u);
  // Another account is not affected.
  EXPECT_FALSE(View(b, "jane@example.org").suppressed);
  auto excluded = Excluded(a, {"ok@example.org", "jane@example.org"});
  ASSERT_EQ(excluded.size(), 1u);
  EXPECT_EQ(excluded[0].index, 1u);
  EXPECT_EQ(excluded[0].why, "hard_bounce");
  EXPECT_EQ(excluded[0].reason, "UNKNOWN_USER");
}

TEST_P(PolicyTest, ThreeAccountsMakeAnAddressGlobalShownOnlyAsAFlag) {
  int64_t a = Account("a"), b = Account("b"), c = Account("c"), d = Account("d");
  EXPECT_FALSE(Bounce(a, "x@example.org", "HARD", "UNKNOWN_USER").became_global);
  EXPECT_FALSE(Bounce(b, "x@example.org", "HARD", "MAILBOX_FULL").became_global);
  EXPECT_FALSE(Bounce(a, "x@example.org", "HARD", "UNKNOWN_USER").became_global);  // same account again
  EXPECT_TRUE(Bounce(c, "x@example.org", "HARD", "UNKNOWN_USER").became_global);
  ContactView other = View(d, "x@example.org");
  EXPECT_EQ(other.status, "global");
  EXPECT_TRUE(other.suppressed);
  EXPECT_EQ(other.contact.hard_bounce_reason, "");  // no bounce of its own
  EXPECT_TRUE(other.history.empty());               // nothing of other accounts
  auto excluded = Excluded(d, {"x@example.org"});
  ASSERT_EQ(excluded.size(), 1u);
  EXPECT_EQ(excluded[0].why, "global_bounce");
  int64_t transitions = 0;
  std::string error;
  ASSERT_TRUE(store_->CountGlobalEvents("x@example.org", "global", &transitions, &error)) << error;
  EXPECT_EQ(transitions, 1);
  EXPECT_FALSE(Bounce(d, "x@example.org", "HARD", "UNKNOWN_USER").became_global);  // already global
}

TEST_P(PolicyTest, GlobalCountsOnlyDeadAddressReasonsWithinTheWindow) {
  int64_t a = Account("a"), b = Account("b"), c = Account("c");
  Bounce(a, "y@example.org", "HARD", "UNKNOWN_USER");
  Bounce(b, "y@example.org", "HARD", "CONTENT", "", "filtered");
  EXPECT_FALSE(Bounce(c, "y@example.org", "HARD", "UNKNOWN_USER").became_global);  // CONTENT does not count
  now_ += 61 * kDay;
  Bounce(b, "y@example.org", "HARD", "UNKNOWN_USER");
  // a's and c's are older than 60 days now.
  EXPECT_EQ(View(b, "y@example.org").status, "hard");
}

TEST_P(PolicyTest, UnbounceIsAuditedNeedsConfirmationAndStopsCounting) {
  int64_t a = Account("a"), b = Account("b"), c = Account("c");
  Bounce(a, "z@example.org", "HARD", "UNKNOWN_USER");
  std::string error;
  EXPECT_FALSE(policy_->Unbounce(a, "z@example.org", "ann", "IT allowlisted us", false, &error));
  EXPECT_NE(error.find("confirm"), std::string::npos) << error;
  ASSERT_TRUE(policy_->Unbounce(a, "z@example.org", "ann", "IT allowlisted us", true, &error)) << error;
  ContactView v = View(a, "z@example.org");
  EXPECT_FALSE(v.suppressed);
  EXPECT_EQ(v.contact.hard_bounce_reason, "");
  store::Rows rows;
  ASSERT_TRUE(store_->db().Exec("SELECT by_user, why, reason FROM unbounces", {}, &rows, &error)) << error;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(store::AsText(rows[0][0]), "ann");
  EXPECT_EQ(store::AsText(rows[0][2]), "UNKNOWN_USER");
  // The lifted bounce no longer counts toward GLOBAL.
  Bounce(b, "z@example.org", "HARD", "UNKNOWN_USER");
  EXPECT_FALSE(Bounce(c, "z@example.org", "HARD", "UNKNOWN_USER").became_global);
  // Bouncing again after the unbounce suppresses again.
  EXPECT_TRUE(Bounce(a, "z@example.org", "HARD", "UNKNOWN_USER").suppressed);
  EXPECT_TRUE(View(a, "z@example.org").suppressed);
}

TEST_P(PolicyTest, FilterReasonsUnbounceWithoutConfirmation) {
  int64_t a = Account("a");
  Bounce(a, "f@example.org", "HARD", "SPAM", "", "blocked");
  std::string error;
  EXPECT_TRUE(policy_->Unbounce(a, "f@example.org", "bob", "allowlisted", false, &error)) << error;
  EXPECT_FALSE(policy_->Unbounce(a, "f@example.org", "bob", "again", false, &error));
}

TEST_P(PolicyTest, GlobalIsLiftedOnlyByAnOperator) {
  int64_t a = Account("a"), b = Account("b"), c = Account("c"), d = Account("d");
  for (int64_t acct : {a, b, c}) Bounce(acct, "g@example.org", "HARD", "UNKNOWN_USER");
  std::string error;
  EXPECT_FALSE(policy_->Unbounce(d, "g@example.org", "dan", "please", true, &error));
  EXPECT_NE(error.find("operator"), std::string::npos) << error;
  ASSERT_TRUE(policy_->LiftGlobal("g@example.org", "ops-eve", "verified with the provider", &error)) << error;
  EXPECT_FALSE(View(d, "g@example.org").suppressed);
  EXPECT_TRUE(View(a, "g@example.org").suppressed);  // a's own hard bounce stays
  EXPECT_FALSE(policy_->LiftGlobal("g@example.org", "ops-eve", "twice", &error));
}

TEST_P(PolicyTest, SoftAndPendingNeverSuppressAndDeliveryClearsSoft) {
  int64_t a = Account("a");
  EXPECT_FALSE(Bounce(a, "s@example.org", "SOFT", "RECIPIENT_TEMPORARY").suppressed);
  EXPECT_FALSE(Bounce(a, "s@example.org", "PENDING", "RECIPIENT_TEMPORARY").suppressed);
  EXPECT_EQ(View(a, "s@example.org").status, "soft");
  EXPECT_TRUE(Excluded(a, {"s@example.org"}).empty());
  std::string error;
  ASSERT_TRUE(policy_->RecordDelivery(a, "s@example.org", 0, &error)) << error;
  EXPECT_EQ(View(a, "s@example.org").status, "none");
}

TEST_P(PolicyTest, PendingBecomesSoftSeventyTwoHoursAfterTheFirstAttempt) {
  int64_t a = Account("a");
  std::string error;
  store::Contact contact;
  ASSERT_TRUE(store_->UpsertContact(a, "p@example.org", "", now_, &contact, &error)) << error;
  int64_t email = 0, send = 0;
  ASSERT_TRUE(store_->CreateEmail(a, "marketing", "Hi", "Body", "news@shop.example", now_, &email, &error));
  ASSERT_TRUE(store_->CreateSend(email, a, contact.id, "m1@shop.example", now_, &send, &error));
  Incoming in;
  in.account_id = a;
  in.send_id = send;
  in.address = "p@example.org";
  in.type = classify::BounceType::kPending;
  in.reason = classify::Reason::kRecipientTemporary;
  in.raw = "452 4.2.2 over quota";
  Outcome out;
  ASSERT_TRUE(policy_->Apply(in, &out, &error)) << error;
  int expired = 0;
  now_ += 71 * 3600;
  ASSERT_TRUE(policy_->ExpirePending(&expired, &error)) << error;
  EXPECT_EQ(expired, 0);
  now_ += 3600;
  ASSERT_TRUE(policy_->ExpirePending(&expired, &error)) << error;
  EXPECT_EQ(expired, 1);
  store::Send s;
  bool found = false;
  ASSERT_TRUE(store_->FindSend(send, &s, &found, &error));
  EXPECT_EQ(s.state, "bounced");
  EXPECT_EQ(s.bounce_type, "SOFT");
  EXPECT_EQ(s.reason, "RECIPIENT_TEMPORARY");
  EXPECT_EQ(View(a, "p@example.org").status, "soft");
  EXPECT_FALSE(View(a, "p@example.org").suppressed);
}

TEST_P(PolicyTest, ComplaintSuppressesWithoutAHardBounceReason) {
  int64_t a = Account("a");
  Incoming in;
  in.account_id = a;
  in.address = "c@example.org";
  in.type = classify::BounceType::kNone;
  in.cause = formats::Cause::kFeedback;
  in.feedback_type = "abuse";
  in.raw = "arf";
  Outcome out;
  std::string error;
  ASSERT_TRUE(policy_->Apply(in, &out, &error)) << error;
  ContactView v = View(a, "c@example.org");
  EXPECT_TRUE(v.suppressed);
  EXPECT_EQ(v.suppression, "complaint");
  EXPECT_EQ(v.contact.hard_bounce_reason, "");
  auto excluded = Excluded(a, {"c@example.org"});
  ASSERT_EQ(excluded.size(), 1u);
  EXPECT_EQ(excluded[0].why, "complaint");
  // Not a hard bounce: unbounce does not lift it.
  EXPECT_FALSE(policy_->Unbounce(a, "c@example.org", "ann", "why", true, &error));
}

TEST_P(PolicyTest, TheSameBounceTwiceChangesNothing) {
  int64_t a = Account("a"), b = Account("b"), c = Account("c");
  Bounce(a, "d@example.org", "HARD", "UNKNOWN_USER", "same bytes");
  Bounce(b, "d@example.org", "HARD", "UNKNOWN_USER", "other bytes");
  Outcome again = Bounce(a, "d@example.org", "HARD", "UNKNOWN_USER", "same bytes");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(View(a, "d@example.org").history.size(), 1u);
  // The duplicate did not count as a third account.
  EXPECT_FALSE(View(c, "d@example.org").suppressed);
}

TEST_P(PolicyTest, HealingSuppressesFilterReasonsAtTheSecondAndLapses) {
  int64_t h = Account("healer", "healing");
  EXPECT_FALSE(Bounce(h, "h@example.org", "HARD", "SPAM", "", "blocked").suppressed);
  EXPECT_FALSE(View(h, "h@example.org").suppressed);
  now_ += 31 * kDay;
  EXPECT_FALSE(Bounce(h, "h@example.org", "HARD", "POLICY", "", "rejected").suppressed);  // first was too old
  now_ += 10 * kDay;
  EXPECT_TRUE(Bounce(h, "h@example.org", "HARD", "CONTENT", "", "filtered").suppressed);
  EXPECT_TRUE(View(h, "h@example.org").suppressed);
  EXPECT_EQ(Excluded(h, {"h@example.org"}).size(), 1u);
  now_ += 91 * kDay;  // lapses after 90 days without a new one
  EXPECT_FALSE(View(h, "h@example.org").suppressed);
  EXPECT_TRUE(Excluded(h, {"h@example.org"}).empty());
  // UNKNOWN_USER is strict under healing too.
  EXPECT_TRUE(Bounce(h, "u@example.org", "HARD", "UNKNOWN_USER").suppressed);
  now_ += 200 * kDay;
  EXPECT_TRUE(View(h, "u@example.org").suppressed);
}

TEST_P(PolicyTest, BatchKeepsGoodRecordsAndReportsBadOnes) {
  int64_t a = Account("a");
  std::vector<Incoming> batch(3);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].account_id = a;
    batch[i].address = "b" + std::to_string(i) + "@example.org";
    batch[i].type = classify::BounceType::kHard;
    batch[i].reason = classify::Reason::kUnknownUser;
    batch[i].raw = "r" + std::to_string(i);
  }
  batch[1].account_id = 9999;  // unknown account
  std::vector<Outcome> outcomes;
  std::vector<std::string> errors;
  std::string error;
  ASSERT_TRUE(policy_->ApplyBatch(batch, &outcomes, &errors, &error)) << error;
  EXPECT_TRUE(errors[0].empty());
  EXPECT_NE(errors[1].find("unknown account"), std::string::npos);
  EXPECT_TRUE(errors[2].empty());
  EXPECT_TRUE(View(a, "b0@example.org").suppressed);
  EXPECT_TRUE(View(a, "b2@example.org").suppressed);
}

TEST_P(PolicyTest, EligibilityOfManyContacts) {
  int64_t a = Account("a");
  std::vector<std::string> list;
  for (int i = 0; i < 2000; ++i) list.push_back("c" + std::to_string(i) + "@example.org");
  for (int i = 0; i < 2000; i += 100) Bounce(a, list[i], "HARD", "MAILBOX_FULL");
  auto excluded = Excluded(a, list);
  EXPECT_EQ(excluded.size(), 20u);
  for (const Exclusion& e : excluded) EXPECT_EQ(e.index % 100, 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PolicyTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace rebound::policy

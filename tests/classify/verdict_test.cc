// The table of PRODUCT.md section 3, row by row.
#include "classify/verdict.h"

#include <gtest/gtest.h>

namespace rebound::classify {
namespace {

using C = formats::Cause;
using P = Permanence;
using R = Reason;
using T = BounceType;

struct Row {
  C cause;
  P permanence;
  bool dmarc;
  T type;
  R reason;
};

class DecideTable : public ::testing::TestWithParam<Row> {};

TEST_P(DecideTable, FollowsTheProductTable) {
  const Row& row = GetParam();
  TypeReason got = Decide(row.cause, row.permanence, row.dmarc);
  EXPECT_EQ(TypeName(got.type), TypeName(row.type)) << formats::CauseName(row.cause);
  EXPECT_EQ(ReasonName(got.reason), ReasonName(row.reason)) << formats::CauseName(row.cause);
}

INSTANTIATE_TEST_SUITE_P(Product, DecideTable,
                         ::testing::Values(
                             // Always HARD, UNKNOWN_USER.
                             Row{C::kUserUnknown, P::kPermanent, false, T::kHard, R::kUnknownUser},
                             Row{C::kUserUnknown, P::kTransient, false, T::kHard, R::kUnknownUser},
                             Row{C::kHostUnknown, P::kPermanent, false, T::kHard, R::kUnknownUser},
                             Row{C::kHasMoved, P::kPermanent, false, T::kHard, R::kUnknownUser},
                             Row{C::kNotAccept, P::kTransient, false, T::kHard, R::kUnknownUser},
                             Row{C::kSuspend, P::kUnknown, false, T::kHard, R::kUnknownUser},
                             // By permanence.
                             Row{C::kMailboxFull, P::kPermanent, false, T::kHard, R::kMailboxFull},
                             Row{C::kMailboxFull, P::kTransient, false, T::kSoft, R::kRecipientTemporary},
                             Row{C::kExceedLimit, P::kPermanent, false, T::kHard, R::kContent},
                             Row{C::kMesgTooBig, P::kTransient, false, T::kSoft, R::kRecipientTemporary},
                             Row{C::kContentError, P::kPermanent, false, T::kHard, R::kContent},
                             Row{C::kVirusDetected, P::kTransient, false, T::kSoft, R::kSecurityFilter},
                             Row{C::kFiltered, P::kPermanent, false, T::kHard, R::kContent},
                             Row{C::kSpamDetected, P::kPermanent, false, T::kHard, R::kSpam},
                             Row{C::kBlocked, P::kTransient, false, T::kSoft, R::kSecurityFilter},
                             Row{C::kBadReputation, P::kPermanent, false, T::kHard, R::kSpam},
                             Row{C::kPolicyViolation, P::kPermanent, false, T::kHard, R::kPolicy},
                             Row{C::kSecurityError, P::kTransient, false, T::kSoft, R::kSecurityFilter},
                             Row{C::kRejected, P::kPermanent, false, T::kHard, R::kPolicy},
                             Row{C::kNoRelaying, P::kPermanent, false, T::kHard, R::kPolicy},
                             Row{C::kRequirePtr, P::kTransient, false, T::kSoft, R::kSecurityFilter},
                             Row{C::kNotCompliantRfc, P::kPermanent, false, T::kHard, R::kPolicy},
                             Row{C::kAuthFailure, P::kPermanent, false, T::kHard, R::kPolicy},
                             Row{C::kAuthFailure, P::kTransient, false, T::kSoft, R::kSecurityFilter},
                             // DMARC of the sender's own domain: always SOFT, even on 5xx.
                             Row{C::kAuthFailure, P::kPermanent, true, T::kSoft, R::kDmarcNotAuthorized},
                             Row{C::kAuthFailure, P::kTransient, true, T::kSoft, R::kDmarcNotAuthorized},
                             Row{C::kSyntaxError, P::kPermanent, false, T::kHard, R::kPolicy},
                             Row{C::kFailedStartTls, P::kTransient, false, T::kSoft, R::kTemporaryTechnical},
                             Row{C::kSuppressed, P::kPermanent, false, T::kHard, R::kOther},
                             Row{C::kSuppressed, P::kTransient, false, T::kSoft, R::kTemporaryTechnical},
                             Row{C::kMailerError, P::kPermanent, false, T::kHard, R::kOther},
                             Row{C::kUndefined, P::kPermanent, false, T::kHard, R::kOther},
                             Row{C::kUndefined, P::kTransient, false, T::kSoft, R::kTemporaryTechnical},
                             Row{C::kOnHold, P::kPermanent, false, T::kHard, R::kOther},
                             // Always SOFT.
                             Row{C::kExpired, P::kPermanent, false, T::kSoft, R::kRecipientTemporary},
                             Row{C::kSystemError, P::kPermanent, false, T::kSoft, R::kRecipientTemporary},
                             Row{C::kSystemFull, P::kTransient, false, T::kSoft, R::kRecipientTemporary},
                             Row{C::kTooManyConn, P::kPermanent, false, T::kSoft, R::kSecurityFilter},
                             Row{C::kSpeeding, P::kPermanent, false, T::kSoft, R::kSecurityFilter},
                             Row{C::kNetworkError, P::kPermanent, false, T::kSoft, R::kTemporaryTechnical},
                             // Not bounces.
                             Row{C::kDelivered, P::kUnknown, false, T::kNone, R::kNone},
                             Row{C::kVacation, P::kUnknown, false, T::kNone, R::kNone},
                             Row{C::kFeedback, P::kUnknown, false, T::kNone, R::kNone},
                             // Action: delayed makes the send PENDING whatever the cause.
                             Row{C::kMailboxFull, P::kDelayed, false, T::kPending, R::kRecipientTemporary},
                             Row{C::kUserUnknown, P::kDelayed, false, T::kPending, R::kRecipientTemporary},
                             Row{C::kExpired, P::kDelayed, false, T::kPending, R::kRecipientTemporary},
                             Row{C::kAuthFailure, P::kDelayed, true, T::kPending, R::kDmarcNotAuthorized},
                             Row{C::kSpamDetected, P::kDelayed, false, T::kPending, R::kSecurityFilter}));

TEST(Verdict, EveryReasonHasARecommendedAction) {
  for (int r = 1; r <= static_cast<int>(R::kTemporaryTechnical); ++r) {
    EXPECT_FALSE(RecommendedAction(static_cast<R>(r)).empty());
    Reason parsed;
    EXPECT_TRUE(ParseReason(ReasonName(static_cast<R>(r)), &parsed));
    EXPECT_EQ(parsed, static_cast<R>(r));
  }
}

}  // namespace
}  // namespace rebound::classify

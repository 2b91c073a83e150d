#include "delivery/verp.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace rebound::delivery {
namespace {

VerpSigner Make(std::vector<VerpKey> keys) {
  VerpSigner s;
  std::string error;
  EXPECT_TRUE(VerpSigner::Create("bounce", "Bounces.Example.NET", std::move(keys), &s, &error)) << error;
  return s;
}

const VerpKey kOld{1, "old-secret-0123456789abcdef"};
const VerpKey kNew{2, "new-secret-0123456789abcdef"};

TEST(Verp, RoundTripsSendIds) {
  VerpSigner s = Make({kNew});
  for (uint64_t id :
       {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{123456789}, uint64_t{0xFFFFFFFFFFFFFFFF}}) {
    std::string a = s.Address(id);
    EXPECT_TRUE(a.starts_with("bounce+")) << a;
    EXPECT_TRUE(a.ends_with("@bounces.example.net")) << a;
    uint64_t got = 0;
    ASSERT_TRUE(s.Verify(a, &got)) << a;
    EXPECT_EQ(got, id);
  }
}

TEST(Verp, CaseAndAngleBracketsDoNotMatter) {
  VerpSigner s = Make({kNew});
  std::string a = s.Address(42);
  std::string upper = a;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  uint64_t got = 0;
  EXPECT_TRUE(s.Verify("<" + upper + ">", &got));
  EXPECT_EQ(got, 42u);
}

TEST(Verp, ForgedOrForeignAddressesAreRefused) {
  VerpSigner s = Make({kNew});
  std::string a = s.Address(42);
  uint64_t got = 0;
  std::string tampered = a;
  size_t plus = tampered.find('+');
  tampered[plus + 3] = tampered[plus + 3] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(s.Verify(tampered, &got));
  EXPECT_FALSE(s.Verify("bounce@bounces.example.net", &got));
  EXPECT_FALSE(s.Verify("bounce+@bounces.example.net", &got));
  EXPECT_FALSE(s.Verify("bounce+0000000000000000000000000@bounces.example.net", &got));
  EXPECT_FALSE(s.Verify(a.substr(0, a.find('@')) + "@other.example", &got));
  EXPECT_FALSE(s.Verify("someone+" + a.substr(plus + 1), &got));
  EXPECT_FALSE(s.Verify("not an address", &got));
  // A token signed by another secret does not verify.
  VerpSigner other;
  std::string error;
  ASSERT_TRUE(VerpSigner::Create("bounce", "bounces.example.net", {{2, "another-secret-0123456789"}}, &other, &error));
  EXPECT_FALSE(s.Verify(other.Address(42), &got));
}

TEST(Verp, KeysRotate) {
  VerpSigner before = Make({kOld});
  VerpSigner after = Make({kNew, kOld});  // new key signs, the old one still verifies
  VerpSigner retired = Make({kNew});
  uint64_t got = 0;
  std::string old_token = before.Address(7);
  EXPECT_TRUE(after.Verify(old_token, &got));
  EXPECT_FALSE(retired.Verify(old_token, &got));
  EXPECT_TRUE(retired.Verify(after.Address(7), &got));
}

TEST(Verp, BadKeysAreRejected) {
  VerpSigner s;
  std::string error;
  EXPECT_FALSE(VerpSigner::Create("bounce", "b.example", {}, &s, &error));
  EXPECT_FALSE(VerpSigner::Create("bounce", "b.example", {{1, "short"}}, &s, &error));
  EXPECT_FALSE(VerpSigner::Create("bounce", "b.example", {kOld, {1, "other-secret-0123456789"}}, &s, &error));
  EXPECT_FALSE(VerpSigner::Create("b+x", "b.example", {kOld}, &s, &error));
}

}  // namespace
}  // namespace rebound::delivery

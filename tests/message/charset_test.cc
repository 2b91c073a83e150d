#include "message/charset.h"

#include <gtest/gtest.h>

#include <iconv.h>

#include <fstream>
#include <random>
#include <sstream>

#include "message/headers.h"

namespace rebound::message {
namespace {

// The view form copies nothing when the bytes are the text already, and
// gives the same text as the owning form when they are not.
TEST(Charset, ViewFormReturnsTheInputWhenItIsTheText) {
  std::string storage;
  for (std::string_view plain : {std::string_view("plain ascii"), std::string_view("caf\xC3\xA9")}) {
    for (std::string_view charset : {"", "utf-8", "us-ascii"}) {
      const std::string_view out = ToUtf8(plain, charset, &storage);
      EXPECT_EQ(out.data(), plain.data()) << charset;
      EXPECT_EQ(out, ToUtf8(plain, charset));
    }
  }
  const std::string latin1 = "caf\xE9";
  const std::string_view out = ToUtf8(latin1, "iso-8859-1", &storage);
  EXPECT_EQ(out.data(), storage.data());
  EXPECT_EQ(out, "caf\xC3\xA9");
  EXPECT_EQ(ToUtf8("\x1B$B%F%9%H\x1B(B", "iso-2022-jp", &storage), ToUtf8("\x1B$B%F%9%H\x1B(B", "iso-2022-jp"));
}

TEST(Charset, DeclaredCharsetsBecomeUtf8) {
  EXPECT_EQ(ToUtf8("caf\xE9", "iso-8859-1"), "caf\xC3\xA9");
  EXPECT_EQ(ToUtf8("\x93quoted\x94", "windows-1252"), "\xE2\x80\x9Cquoted\xE2\x80\x9D");
  // "テスト" in Shift_JIS, EUC-JP and ISO-2022-JP.
  const std::string test_utf8 = "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88";
  EXPECT_EQ(ToUtf8("\x83\x65\x83\x58\x83\x67", "Shift_JIS"), test_utf8);
  EXPECT_EQ(ToUtf8("\xA5\xC6\xA5\xB9\xA5\xC8", "euc-jp"), test_utf8);
  EXPECT_EQ(ToUtf8("\x1B$B%F%9%H\x1B(B", "iso-2022-jp"), test_utf8);
  // "Привет" in KOI8-R.
  EXPECT_EQ(ToUtf8("\xF0\xD2\xC9\xD7\xC5\xD4", "koi8-r"), "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
  // "中文" in GB2312 and Big5.
  EXPECT_EQ(ToUtf8("\xD6\xD0\xCE\xC4", "gb2312"), "\xE4\xB8\xAD\xE6\x96\x87");
  EXPECT_EQ(ToUtf8("\xA4\xA4\xA4\xE5", "big5"), "\xE4\xB8\xAD\xE6\x96\x87");
}

TEST(Charset, UndeclaredEightBitIsNeverDropped) {
  EXPECT_EQ(ToUtf8("caf\xC3\xA9", ""), "caf\xC3\xA9");    // valid UTF-8 kept
  EXPECT_EQ(ToUtf8("caf\xE9", ""), "caf\xC3\xA9");        // else windows-1252
  EXPECT_EQ(ToUtf8("x\x81y", "us-ascii"), "x\xC2\x81y");  // even unassigned bytes
  EXPECT_EQ(ToUtf8("\x1B$B%F%9%H\x1B(B", ""), "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88");
}

TEST(Charset, MislabelledUtf8IsRecognised) { EXPECT_EQ(ToUtf8("caf\xC3\xA9", "iso-8859-1"), "caf\xC3\xA9"); }

TEST(Charset, UnknownCharsetFallsBackAndInvalidBytesAreMarked) {
  EXPECT_EQ(ToUtf8("caf\xE9", "x-no-such-charset"), "caf\xC3\xA9");
  EXPECT_EQ(ToUtf8("a\xFF"
                   "b",
                   "utf-8"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_TRUE(IsValidUtf8(ToUtf8("\x82\xA0\xFF\xFF", "shift_jis")));
}

TEST(Charset, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));      // truncated
}

}  // namespace
}  // namespace rebound::message

namespace rebound::message {
namespace {

bool Mapped(std::string_view library) {
  std::ifstream maps("/proc/self/maps");
  std::stringstream ss;
  ss << maps.rdbuf();
  return ss.str().find(library) != std::string::npos;
}

// GMime opens and closes a converter for each encoded word; without one
// kept open, glibc would unload the charset's module after every header and
// load it again for the next (a dlopen and dlclose per encoded Subject).
TEST(Charset, EncodedWordCharsetStaysLoadedAfterDecoding) {
  if (!Mapped("libc.so")) GTEST_SKIP() << "no /proc/self/maps here";
  EXPECT_EQ(DecodeEncodedWords("=?ISO-8859-15?Q?caf=E9?="), "caf\xC3\xA9");
  // glibc unloads an unused module after a few more releases of others.
  for (int round = 0; round < 3; ++round) {
    for (const char* word : {"=?ISO-8859-2?Q?a?=", "=?ISO-8859-3?Q?b?=", "=?ISO-8859-4?Q?c?="}) {
      EXPECT_EQ(DecodeEncodedWords(word).size(), 1u) << word;
    }
  }
  EXPECT_TRUE(Mapped("gconv/ISO8859-15.so"));
  EXPECT_EQ(DecodeEncodedWords("=?iso-8859-15?q?=A4uro?="), "\xE2\x82\xACuro");
}

}  // namespace
}  // namespace rebound::message

namespace rebound::message {
namespace {

// The whole text through one iconv converter, as ToUtf8 did before it
// converted only the runs outside ASCII: U+FFFD and a reset for each byte
// iconv refuses.
std::string WholeIso2022Jp(std::string_view in) {
  iconv_t cd = iconv_open("UTF-8", "ISO-2022-JP-3");
  std::string out;
  char* src = const_cast<char*>(in.data());
  size_t left = in.size();
  char buf[4096];
  while (left > 0) {
    char* dst = buf;
    size_t room = sizeof(buf);
    size_t r = iconv(cd, &src, &left, &dst, &room);
    out.append(buf, sizeof(buf) - room);
    if (r != static_cast<size_t>(-1) || errno == E2BIG) continue;
    out.append("\xEF\xBF\xBD");
    ++src;
    --left;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  iconv_close(cd);
  return out;
}

// Random 7-bit text built from ASCII, control bytes, JIS pairs (valid and
// not), and every escape ISO-2022-JP-3 knows or does not: converting only
// the runs outside ASCII must give what converting the whole text gives.
TEST(Charset, Iso2022JpRunsConvertLikeTheWholeText) {
  static constexpr std::string_view kPieces[] = {"abc ",    "\n",      "\r\n",   "\x0E",   "\x0F",   "\x7F",
                                                 "\x1B(B",  "\x1B$B",  "\x1B$@", "\x1B(J", "\x1B(I", "\x1B$(Q",
                                                 "\x1B$(O", "\x1B$(P", "\x1B",   "\x1B(",  "\x1B$",  "$3$s",
                                                 "%a!<%k",  "\x30",    "0!",     "~\\",    "\x1B(Z", "\x21\x7E"};
  std::mt19937 rng(2026);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) text += kPieces[rng() % std::size(kPieces)];
    // (Text without "ESC $" or "ESC (" is taken as ASCII before any conversion.)
    if (text.find("\x1B$") == std::string::npos && text.find("\x1B(") == std::string::npos) continue;
    ASSERT_EQ(ToUtf8(text, "iso-2022-jp"), WholeIso2022Jp(text)) << ::testing::PrintToString(text);
  }
}

}  // namespace
}  // namespace rebound::message

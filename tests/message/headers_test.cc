#include "message/headers.h"

#include <gtest/gtest.h>

#include <cstring>

namespace rebound::message {
namespace {

std::vector<HeaderField> Scan(std::string_view text, HeaderScan* scan = nullptr, Limits limits = Limits()) {
  std::vector<HeaderField> fields;
  HeaderScan s = ScanHeaders(text, limits, &fields);
  if (scan) *scan = s;
  return fields;
}

TEST(Headers, ScansFieldsAndFindsBody) {
  std::string_view text = "From: a@b.example\nSubject: hi\n\nbody\n";
  HeaderScan scan;
  auto fields = Scan(text, &scan);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].name, "From");
  EXPECT_EQ(fields[0].value, "a@b.example");
  EXPECT_EQ(text.substr(scan.body_offset), "body\n");
}

TEST(Headers, UnfoldsContinuationLines) {
  std::vector<HeaderField> store = Scan("Subject: one\n  two\n\tthree\nX: y\n\n");
  HeaderBlock block(&store, 0, static_cast<uint32_t>(store.size()));
  EXPECT_EQ(block.Unfolded("subject"), "one two three");
  EXPECT_EQ(block.Raw("X"), "y");
  EXPECT_FALSE(block.Has("Missing"));
}

// A line of blanks followed by more of the value is folding; followed by
// anything else it ends the section.
TEST(Headers, BlankLineInsideAFoldedValue) {
  HeaderScan scan;
  std::string_view text =
      "Diagnostic-Code: smtp; 550 5.1.1\n\t\n    Recipient address does not exist\nStatus: 5.1.1\n\n";
  std::vector<HeaderField> store = Scan(text, &scan);
  HeaderBlock block(&store, 0, static_cast<uint32_t>(store.size()));
  EXPECT_EQ(block.Unfolded("Diagnostic-Code"), "smtp; 550 5.1.1 Recipient address does not exist");
  EXPECT_EQ(block.Raw("Status"), "5.1.1");
  EXPECT_EQ(scan.body_offset, text.size());
  text = "Subject: hi\n \nbody\n";
  store = Scan(text, &scan);
  ASSERT_EQ(store.size(), 1u);
  EXPECT_EQ(text.substr(scan.body_offset), "body\n");
  text = "Subject: hi\n \n \n";  // blanks to the end: the body is empty
  store = Scan(text, &scan);
  ASSERT_EQ(store.size(), 1u);
  EXPECT_EQ(text.substr(scan.body_offset), " \n");
}

TEST(Headers, DecodesEncodedWordsInAnyCharset) {
  EXPECT_EQ(DecodeEncodedWords("=?UTF-8?B?w6l0w6k=?="), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(DecodeEncodedWords("=?ISO-8859-1?Q?caf=E9?= ok"), "caf\xC3\xA9 ok");
  // ISO-2022-JP, as Japanese carriers send it: "テスト".
  EXPECT_EQ(DecodeEncodedWords("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?="), "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88");
}

TEST(Headers, NoHeaderSectionWhenFirstLineIsNotAField) {
  HeaderScan scan;
  auto fields = Scan("just some text\nmore\n", &scan);
  EXPECT_TRUE(fields.empty());
  EXPECT_EQ(scan.body_offset, 0u);
}

TEST(Headers, SectionWithoutBlankLineEndsAtFirstNonField) {
  std::string_view text = "A: 1\nB: 2\nthis is the body\n";
  HeaderScan scan;
  auto fields = Scan(text, &scan);
  EXPECT_EQ(fields.size(), 2u);
  EXPECT_EQ(text.substr(scan.body_offset), "this is the body\n");
}

// What counts as a field line: a name of printable ASCII, blanks allowed
// only between the name and the colon, the colon within 200 bytes.
TEST(Headers, FieldLineShapes) {
  auto first_name = [](std::string_view line) -> std::string {
    const std::string text = std::string(line) + "\n\n";
    std::vector<HeaderField> fields = Scan(text);
    return fields.empty() ? "<none>" : std::string(fields[0].name);
  };
  EXPECT_EQ(first_name("Subject: x"), "Subject");
  EXPECT_EQ(first_name("Subject :x"), "Subject");
  EXPECT_EQ(first_name("Subject\t: x"), "Subject");
  EXPECT_EQ(first_name("X-Odd!#$%&'*+-.^_`|~: x"), "X-Odd!#$%&'*+-.^_`|~");
  EXPECT_EQ(first_name("Sub ject: x"), "<none>");
  EXPECT_EQ(first_name(": x"), "<none>");
  EXPECT_EQ(first_name(" Subject: x"), "<none>");
  EXPECT_EQ(first_name("Subject x"), "<none>");
  EXPECT_EQ(first_name("Sub\x01ject: x"), "<none>");
  EXPECT_EQ(first_name("Caf\xC3\xA9: x"), "<none>");
  EXPECT_EQ(first_name(std::string(200, 'a') + ": x"), std::string(200, 'a'));
  EXPECT_EQ(first_name(std::string(201, 'a') + ": x"), "<none>");
  EXPECT_EQ(first_name(std::string(199, 'a') + " : x"), std::string(199, 'a'));
}

TEST(Headers, FieldLimitIsEnforcedAndNoted) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "X-Field: " + std::to_string(i) + "\n";
  text += "\nbody";
  Limits limits;
  limits.max_header_fields = 10;
  HeaderScan scan;
  auto fields = Scan(text, &scan, limits);
  EXPECT_EQ(fields.size(), 10u);
  EXPECT_TRUE(scan.truncated);
  EXPECT_EQ(std::string_view(text).substr(scan.body_offset), "body");
}

// FindNewline tests 64 bytes at a time, then sixteen, then one by one:
// every length and position around those steps must give memchr's answer,
// with a second newline later on that must not be taken first.
TEST(Headers, FindNewlineAgreesWithMemchr) {
  std::vector<size_t> sizes;
  for (size_t size = 0; size <= 90; ++size) sizes.push_back(size);
  for (size_t size = 120; size <= 148; ++size) sizes.push_back(size);
  for (size_t size = 250; size <= 280; ++size) sizes.push_back(size);
  for (size_t size : sizes) {
    for (size_t at = 0; at <= size; ++at) {
      std::string s(size, 'x');
      if (at < size) s[at] = '\n';
      const size_t second = at + 70;
      if (second < size) s[second] = '\n';
      for (size_t from = 0; from <= size; ++from) {
        const char* hit = static_cast<const char*>(std::memchr(s.data() + from, '\n', size - from));
        const size_t expected = hit == nullptr ? size : static_cast<size_t>(hit - s.data());
        ASSERT_EQ(FindNewline(s, from), expected) << size << " " << at << " " << from;
      }
    }
  }
  EXPECT_EQ(FindNewline("a\nb\nc", 2), 3u);
}

// FindIgnoreCase checks sixteen positions at a time, the last ones in a
// block that overlaps the one before, and one by one when fewer than
// sixteen remain: it must agree with a plain search for needles and
// matches at every offset and from every start around them,
// letters and other bytes at the needle's ends, and 8-bit bytes (which have
// no case).
TEST(Headers, FindIgnoreCaseAgreesWithAPlainSearch) {
  auto plain = [](std::string_view hay, std::string_view needle, size_t from) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    for (size_t p = from; p + needle.size() <= hay.size(); ++p) {
      size_t j = 0;
      while (j < needle.size() && lower(hay[p + j]) == lower(needle[j])) ++j;
      if (j == needle.size()) return p;
    }
    return std::string_view::npos;
  };
  const std::string_view needles[] = {"user unknown", "a", "@x", "5.1.1 ", "[bounce]", "\xE9t\xE9", "\x60", "ab"};
  for (std::string_view needle : needles) {
    for (size_t size = 0; size <= 64; ++size) {
      for (size_t at = 0; at + needle.size() <= size; ++at) {
        std::string hay(size, 'q');
        for (size_t k = 0; k < size; k += 5) hay[k] = '@';  // '@' is '`' with the case bit: no false match
        std::string upper(needle);
        for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
        hay.replace(at, needle.size(), at % 2 ? upper : std::string(needle));
        for (size_t from : {size_t{0}, at > 0 ? at - 1 : 0, at, at + 1, at + 2, size}) {
          ASSERT_EQ(FindIgnoreCase(hay, needle, from), plain(hay, needle, from))
              << "needle " << needle << " size " << size << " at " << at << " from " << from;
        }
      }
    }
  }
}

// HeaderBlock::Find compares NameKey first: names equal ignoring case must
// share it, whatever their letters, digits or punctuation.
TEST(Headers, NameKeyIsTheSameForNamesEqualIgnoringCase) {
  for (std::string_view name : {"Subject", "X-MS-Exchange-Message-Is-Ndr", "a", "X_1[2]@", "Content-Type"}) {
    std::string upper(name);
    std::string lower(name);
    for (char& c : upper) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    for (char& c : lower) c = LowerAscii(c);
    EXPECT_EQ(NameKey(upper), NameKey(lower)) << name;
    EXPECT_EQ(NameKey(name), NameKey(lower)) << name;
  }
  std::vector<HeaderField> store = Scan("SUBJECT: s\nx-Mailer: m\n\n");
  HeaderBlock block(&store, 0, static_cast<uint32_t>(store.size()));
  EXPECT_EQ(block.Raw("subject"), "s");
  EXPECT_EQ(block.Raw("X-MAILER"), "m");
  EXPECT_FALSE(block.Has("Subjects"));
}

// A field line's name is found sixteen bytes at a time, then byte by byte:
// names of every length around those steps must read alike, with blanks
// before the colon or without; a name broken by a blank, an 8-bit byte or
// DEL is no field, and neither is a line of name bytes with no colon.
TEST(Headers, FieldNamesOfEveryLengthAreRead) {
  // A long body lets the name test read its first 32 bytes at once; a short
  // one leaves too few bytes in the text for that.
  for (const std::string& body : {std::string("body"), std::string(80, 'b')}) {
    for (size_t n = 1; n <= 40; ++n) {
      const std::string name = std::string(n - 1, 'X') + "-";
      for (std::string_view gap : {"", " ", " \t "}) {
        const std::string text = "First: 1\n" + name + std::string(gap) + ": value\n\n" + body;
        auto fields = Scan(text);
        ASSERT_EQ(fields.size(), 2u) << n << " gap " << gap.size();
        EXPECT_EQ(fields[1].name, name);
        EXPECT_EQ(fields[1].value, "value");
      }
      for (std::string_view bad : {" ", "\x80", "\x7F"}) {
        std::string broken = name;
        broken.insert(n / 2, bad);
        const std::string text = "First: 1\n" + broken + ": value\n\n" + body;
        auto fields = Scan(text);
        EXPECT_EQ(fields.size(), 1u) << n << " bad " << static_cast<int>(bad[0]);
      }
      const std::string text = "First: 1\n" + name + name + "\n\n" + body;
      EXPECT_EQ(Scan(text).size(), 1u) << n;
    }
  }
}

TEST(Headers, FindFirstOfAndNotOf) {
  EXPECT_EQ(FindFirstOf("abc def(x", " (\t"), 3u);
  EXPECT_EQ(FindFirstOf("abc def(x", " (\t", 4), 7u);
  EXPECT_EQ(FindFirstOf("abcdef", " ("), std::string_view::npos);
  EXPECT_EQ(FindFirstOf("", " "), std::string_view::npos);
  EXPECT_EQ(FindFirstNotOf(" \t\nx", " \t\n"), 3u);
  EXPECT_EQ(FindFirstNotOf("  ", " "), std::string_view::npos);
  EXPECT_EQ(FindFirstNotOf("ab", " ", 5), std::string_view::npos);
}

TEST(Headers, CaseInsensitiveSearch) {
  EXPECT_EQ(FindIgnoreCase("Hello USER Unknown", "user unknown"), 6u);
  EXPECT_EQ(FindIgnoreCase("abc", "abcd"), std::string_view::npos);
  EXPECT_TRUE(StartsWithIgnoreCase("Final-Recipient: x", "final-recipient:"));
}

}  // namespace
}  // namespace rebound::message

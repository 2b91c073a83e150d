#include "message/reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace rebound::message {
namespace {

namespace fs = std::filesystem;

// `text` with each LF written as `eol`.
std::string WithLineEnding(std::string_view text, std::string_view eol) {
  std::string out;
  for (char c : text) {
    if (c == '\n')
      out += eol;
    else
      out += c;
  }
  return out;
}

class ReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rebound-reader-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& bytes) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }
  std::vector<std::pair<std::string, std::string>> ReadAll(const std::string& path, ReadOptions options = {}) {
    std::vector<std::pair<std::string, std::string>> got;
    ok_ = ReadMessages(
        path, options, [&](std::string_view n, std::string_view b) { got.emplace_back(n, b); },
        [&](std::string_view n, std::string_view e) { errors_.emplace_back(n); });
    return got;
  }
  fs::path dir_;
  bool ok_ = false;
  std::vector<std::string> errors_;
};

TEST_F(ReaderTest, WalksDirectoriesInSortedOrder) {
  Write("b/2.eml", "Subject: 2\n\n");
  Write("a.eml", "Subject: a\n\n");
  Write("b/1.eml", "Subject: 1\n\n");
  auto got = ReadAll(dir_.string());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].first, dir_.string() + "/a.eml");
  EXPECT_EQ(got[1].first, dir_.string() + "/b/1.eml");
  EXPECT_EQ(got[2].first, dir_.string() + "/b/2.eml");
  EXPECT_TRUE(ok_);
}

TEST_F(ReaderTest, SplitsMboxWithAnyLineEnding) {
  const std::string mbox =
      "From a@b Thu Jan  1 00:00:00 2015\nSubject: one\n\nbody From here\n\n"
      "From c@d Thu Jan  1 00:00:01 2015\nSubject: two\n\nFrom the start\n";
  for (const std::string_view eol : {"\n", "\r\n", "\r"}) {
    const std::string text = WithLineEnding(mbox, eol);
    Write("box", text);
    auto got = ReadAll((dir_ / "box").string());
    ASSERT_EQ(got.size(), 2u) << "eol size " << eol.size();
    EXPECT_EQ(got[0].first, (dir_ / "box").string() + "#1");
    EXPECT_EQ(got[1].first, (dir_ / "box").string() + "#2");
    EXPECT_EQ(got[0].second.substr(0, 12), "Subject: one");
    EXPECT_NE(got[1].second.find("From the start"), std::string::npos);
  }
}

// An mbox read whole is split in place; one too large to hold is streamed
// line by line. Both must cut the same messages, whatever the line endings:
// a separator without the blank line before it (ctime form), a "From "
// line that is body text, and a message over the size cap.
TEST_F(ReaderTest, MboxSplitInMemoryAndStreamedAgree) {
  std::string mbox =
      "From a@b Thu Jan  1 00:00:00 2015\nSubject: one\n\nFrom here on, body\n"
      "From c@d Thu Jan  1 00:00:01 2015\nSubject: two\n\n" +
      std::string(3000, 'z') + "\n\nFrom e@f Thu Jan  1 00:00:02 2015\nSubject: three\n\nend";
  ReadOptions options;
  options.max_message_bytes = 2000;
  for (const std::string_view eol : {"\n", "\r\n", "\r"}) {
    const std::string text = WithLineEnding(mbox, eol);
    Write("small.mbox", text);
    // The same messages behind a first one large enough to be streamed.
    const std::string filler = "From x@y Thu Jan  1 00:00:00 2015" + std::string(eol) + std::string(70000, 'f') +
                               std::string(eol) + std::string(eol);
    Write("large.mbox", filler + text);
    auto small = ReadAll((dir_ / "small.mbox").string(), options);
    auto large = ReadAll((dir_ / "large.mbox").string(), options);
    ASSERT_EQ(small.size(), 3u) << "eol size " << eol.size();
    ASSERT_EQ(large.size(), 4u) << "eol size " << eol.size();
    EXPECT_EQ(large[0].second.size(), 2001u);  // cut one byte over the cap
    for (size_t i = 0; i < small.size(); ++i) EXPECT_EQ(small[i].second, large[i + 1].second) << i;
    EXPECT_NE(small[0].second.find("From here on, body"), std::string::npos);
    EXPECT_EQ(small[1].second.size(), 2001u);
    EXPECT_TRUE(small[2].second.ends_with("end"));
  }
}

TEST_F(ReaderTest, OversizedMessagesAreCappedNotBuffered) {
  Write("big.eml", "Subject: big\n\n" + std::string(1 << 20, 'x'));
  ReadOptions options;
  options.max_message_bytes = 1000;
  auto got = ReadAll((dir_ / "big.eml").string(), options);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].second.size(), 1001u);  // one byte over tells the parser to note the cut
}

TEST_F(ReaderTest, UnreadableInputIsReportedAndOthersStillRead) {
  Write("ok.eml", "Subject: ok\n\n");
  std::vector<std::string> names;
  bool ok = true;
  for (const std::string& p : {(dir_ / "missing").string(), (dir_ / "ok.eml").string()}) {
    ok = ReadMessages(
             p, {}, [&](std::string_view n, std::string_view) { names.emplace_back(n); },
             [&](std::string_view n, std::string_view) { errors_.emplace_back(n); }) &&
         ok;
  }
  EXPECT_FALSE(ok);
  EXPECT_EQ(errors_.size(), 1u);
  EXPECT_EQ(names.size(), 1u);
}

// Files are read without asking their size: a short read ends a regular
// file. Sizes around the first read's 64 KiB must come back whole, from a
// directory walk and from a path given alone, and so must an mbox that
// fills the first read exactly.
TEST_F(ReaderTest, ReadsWholeFilesOfEverySizeAroundTheFirstRead) {
  for (size_t size : {size_t{1}, size_t{4095}, size_t{65535}, size_t{65536}, size_t{65537}, size_t{200000}}) {
    std::string body = "Subject: s\n\n";
    body.resize(size, 'x');
    const std::string name = "sized/" + std::to_string(size) + ".eml";
    Write(name, body);
    auto alone = ReadAll((dir_ / name).string());
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_EQ(alone[0].second, body) << size;
  }
  auto walked = ReadAll((dir_ / "sized").string());
  ASSERT_EQ(walked.size(), 6u);
  for (const auto& [name, bytes] : walked) EXPECT_EQ(std::to_string(bytes.size()) + ".eml", fs::path(name).filename());
  std::string mbox = "From a@b Thu Jan  1 00:00:00 2015\nSubject: one\n\n";
  mbox.resize(65536 - 1, 'y');
  mbox += "\n";
  Write("full.mbox", mbox);
  auto split = ReadAll((dir_ / "full.mbox").string());
  ASSERT_EQ(split.size(), 1u);
  EXPECT_EQ(split[0].second.size(), mbox.size() - std::string("From a@b Thu Jan  1 00:00:00 2015\n").size());
  EXPECT_TRUE(ok_);
}

TEST_F(ReaderTest, EmptyFileIsOneEmptyMessage) {
  Write("empty", "");
  auto got = ReadAll((dir_ / "empty").string());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].second.empty());
}

}  // namespace
}  // namespace rebound::message

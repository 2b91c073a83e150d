// An unidentified qmail-based MTA: "Your mail message to the following
// address(es) could not be delivered." then "<addr>:" blocks, ending at
// "--- Below this line is a copy of the message."; a local delivery failure
// is written "child status 100...<reason>".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

namespace {

void Finish(Finding* f, std::vector<std::string_view>* block) {
  std::string joined = JoinReplyLines(*block);
  std::string_view d = joined;
  // "child status 100...The e-mail message could not be delivered ...":
  // the exit status of qmail's local delivery program, then its message.
  if (StartsWithIgnoreCase(d, "child status ")) {
    size_t dots = d.find("...");
    if (dots != std::string_view::npos) d = Trim(d.substr(dots + 3));
  }
  f->diagnostic = std::string(d);
  FillCodesFromDiagnostic(f);
  block->clear();
}

}  // namespace

bool DecodeX4(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "mailer-daemon")) return false;
  const std::string& text = FirstTextBody(m);
  size_t start = FindIgnoreCase(text, "your mail message to the following address(es) could not be delivered");
  if (start == std::string::npos) return false;
  std::vector<std::string_view> lines = SplitLines(std::string_view(text).substr(start));
  std::vector<std::string_view> block;
  Finding* current = nullptr;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (t.starts_with("--- ")) break;  // "--- Below this line is a copy of the message."
    if (t.empty()) continue;
    if (t.starts_with('<') && t.ends_with(">:")) {
      if (current != nullptr) Finish(current, &block);
      Finding f;
      f.recipient = ExtractAddress(t);
      f.action = "failed";
      report->findings.push_back(std::move(f));
      current = &report->findings.back();
    } else if (current != nullptr) {
      block.push_back(t);
    }
  }
  if (current != nullptr) Finish(current, &block);
  std::erase_if(report->findings, [](const Finding& f) { return f.recipient.empty(); });
  if (report->findings.empty()) return false;
  report->format = "x4";
  report->evidence = "format: \"Your mail message to the following address(es) could not be delivered\" notice";
  return true;
}

}  // namespace rebound::formats

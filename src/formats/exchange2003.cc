// Microsoft Exchange 5.5 to 2003 (Internet Mail Service, the Internet Mail
// Connector): "Your message ... did not reach the following
// recipient(s):" (or "The following recipient(s) could not be reached:"),
// then "a@b on <date>" and, indented, Exchange's reason and its
// "MSEXCH:..." line with an error code. No delivery-status part.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

namespace {

constexpr std::string_view kStarts[] = {
    "did not reach the following recipient(s):",
    "The following recipient(s) could not be reached:",
};

bool SentByOldExchange(const message::Message& m) {
  const message::HeaderBlock& h = m.headers();
  if (h.Has("X-MS-Embedded-Report") || h.Has("X-MS-TNEF-Correlator")) return true;
  return HeaderContains(m, "X-Mailer", "Internet Mail Service") ||
         HeaderContains(m, "X-Mailer", "Microsoft Exchange Server Internet Mail Connector") ||
         HeaderContains(m, "Received", "with Internet Mail Service") ||
         HeaderContains(m, "Received", "Microsoft Exchange Server Internet Mail Connector");
}

// The error codes written in the MSEXCH line, where Exchange names them
// itself: "(000C05A6) Unknown Recipient", "(000C0595) Ambiguous Recipient".
void SetCodeCause(std::string_view diagnostic, Finding* f) {
  if (diagnostic.find("(000C05A6)") != std::string_view::npos) {
    f->cause = Cause::kUserUnknown;
    f->cause_evidence = "cause: exchange2003 error code 000C05A6 (Unknown Recipient)";
  } else if (diagnostic.find("(000C0595)") != std::string_view::npos) {
    f->cause = Cause::kFiltered;
    f->cause_evidence = "cause: exchange2003 error code 000C0595 (Ambiguous Recipient)";
  }
}

}  // namespace

bool DecodeExchange2003(const message::Message& m, Report* report) {
  if (!SentByOldExchange(m)) return false;
  std::string_view text = FirstTextBody(m);
  size_t start = std::string::npos;
  for (std::string_view s : kStarts) {
    start = FindIgnoreCase(text, s);
    if (start != std::string::npos) break;
  }
  if (start == std::string::npos) return false;
  std::vector<std::string_view> lines = SplitLines(std::string_view(text).substr(start));
  struct Block {
    std::string recipient;
    std::vector<std::string_view> lines;
  };
  // "a@b on <date>" starts a block; the lines up to the next blank line
  // are its reason (wrapped anywhere, even at column 0).
  std::vector<Block> blocks;
  bool open = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (t.empty()) {
      open = false;
      continue;
    }
    size_t on = t.find(" on ");
    std::string_view head = on == std::string_view::npos ? std::string_view() : t.substr(0, on);
    if (!head.empty() && head.find(' ') == std::string_view::npos && head.find('@') != std::string_view::npos) {
      blocks.push_back(Block{ExtractAddress(head), {}});
      open = true;
      continue;
    }
    if (open) {
      blocks.back().lines.push_back(t);
    } else if (!blocks.empty()) {
      break;  // the text after the list
    }
  }
  for (Block& b : blocks) {
    if (b.recipient.empty()) continue;
    Finding f;
    f.recipient = std::move(b.recipient);
    f.action = "failed";
    // The reason and the MSEXCH line; the MTS-ID of the original message
    // (wrapped over several lines) says nothing about the failure.
    std::vector<std::string_view> diag;
    bool in_mts = false;
    for (std::string_view t : b.lines) {
      if (StartsWithIgnoreCase(t, "The MTS-ID of the original message is")) {
        in_mts = true;
        continue;
      }
      if (StartsWithIgnoreCase(t, "MSEXCH:")) in_mts = false;
      if (!in_mts) diag.push_back(t);
    }
    f.diagnostic = JoinReplyLines(diag);
    FillCodesFromDiagnostic(&f);
    SetCodeCause(f.diagnostic, &f);
    report->findings.push_back(std::move(f));
  }
  if (report->findings.empty()) return false;
  report->format = "exchange2003";
  report->evidence = "format: exchange2003: \"did not reach the following recipient(s)\"";
  return true;
}

}  // namespace rebound::formats

// An unidentified qmail-based MTA: "Your mail message to the following
// address(es) could not be delivered." then "<addr>:" blocks, ending at
// "--- Below this line is a copy of the message."; a local delivery failure
// is written "child status 100...<reason>".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::StartsWithIgnoreCase;
using message::Trim;

namespace {

Finding BlockFinding(const AddressBlock& b) {
  std::string joined = JoinReplyLines(b.lines);
  std::string_view d = joined;
  // "child status 100...The e-mail message could not be delivered ...":
  // the exit status of qmail's local delivery program, then its message.
  if (StartsWithIgnoreCase(d, "child status ")) {
    size_t dots = d.find("...");
    if (dots != std::string_view::npos) d = Trim(d.substr(dots + 3));
  }
  return NoticeFinding(b.recipient, "failed", std::string(d));
}

}  // namespace

bool DecodeX4(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "mailer-daemon")) return false;
  std::string_view text = FirstTextBody(m);
  // The blocks end at "--- Below this line is a copy of the message.".
  for (const AddressBlock& b :
       ReadAddressBlocks(text, "your mail message to the following address(es) could not be delivered")) {
    report->findings.push_back(BlockFinding(b));
  }
  if (report->findings.empty()) return false;
  report->format = "x4";
  report->evidence = "format: \"Your mail message to the following address(es) could not be delivered\" notice";
  return true;
}

}  // namespace rebound::formats

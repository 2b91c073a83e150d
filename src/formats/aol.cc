// AOL: a delivery-status report from Postmaster@AOL.com whose text part is
// an HTML page; AOL's relays (*.mx.aol.com) and X-AOL-* fields tell it.
// The DSN groups say everything the report holds.
#include <algorithm>

#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

namespace {

// AOL's older notice when the recipients' Mail Controls refuse the sender:
// "Your mail to the following recipients could not be delivered because
// they are not accepting mail from a@b:" and, indented, their screen names,
// which are addresses at aol.com.
constexpr std::string_view kNotAccepting = "could not be delivered because they are not accepting mail from";

bool DecodeNotAccepting(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "@aol.com")) return false;
  std::string_view text = FirstTextBody(m);
  const size_t at = message::FindIgnoreCase(text, kNotAccepting);
  if (at == std::string_view::npos) return false;
  const size_t start = text.rfind('\n', at) + 1;  // npos + 1 is the text's start
  const size_t colon = text.find(":\n", at);
  if (colon == std::string_view::npos) return false;
  std::string sentence(text.substr(start, colon - start));
  std::replace(sentence.begin(), sentence.end(), '\n', ' ');
  for (std::string_view line : SplitLines(text.substr(colon + 2))) {
    std::string_view name = message::Trim(line);
    if (name.empty() || !(line.starts_with("\t") || line.starts_with(" "))) break;
    std::string address = name.find('@') == std::string_view::npos ? std::string(name) + "@aol.com" : std::string(name);
    address = ExtractAddress(address);
    if (address.empty()) continue;
    Finding f = NoticeFinding(std::move(address), "failed", sentence);
    report->findings.push_back(std::move(f));
  }
  return !report->findings.empty();
}

}  // namespace

bool DecodeAol(const message::Message& m, Report* report) {
  if (DecodeNotAccepting(m, report)) {
    report->format = "aol";
    report->evidence = "format: aol: \"not accepting mail from\" notice naming screen names";
    return true;
  }
  bool aol = HeaderContains(m, "From", "postmaster@aol.com") ||
             (m.headers().Has("X-AOL-IP") && HeaderContains(m, "From", "postmaster"));
  if (!aol) return false;
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "aol";
  report->evidence = "format: aol: delivery-status report from Postmaster@AOL.com";
  return true;
}

}  // namespace rebound::formats

// The last resort for bounces with no report part: the recipients an MTA
// names in X-Failed-Recipients (Exim and others), with the first status or
// reply code of the notification text.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodeXFailedRecipients(const message::Message& m, Report* report) {
  std::string list = m.headers().Unfolded("X-Failed-Recipients");
  if (list.empty()) return false;
  report->format = "x-failed-recipients";
  report->evidence = "format: X-Failed-Recipients header";
  size_t pos = 0;
  while (pos < list.size()) {
    size_t comma = list.find(',', pos);
    std::string one = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? list.size() : comma + 1;
    Finding f;
    f.recipient = ExtractAddress(one);
    if (f.recipient.empty()) continue;
    f.action = "failed";
    report->findings.push_back(std::move(f));
  }
  return !report->findings.empty();
}

}  // namespace rebound::formats

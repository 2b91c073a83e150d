// amavisd-new, the content filter: a multipart/report from "Content-filter
// at <host>" whose text names the recipients after "The message WAS NOT
// relayed to:" (or "... to: -> addr" for spam) with the reply that refused
// them; most copies also carry a delivery-status part.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

bool DecodeAmavis(const message::Message& m, Report* report) {
  // amavisd-new signs its notices with this From display name.
  if (!HeaderContains(m, "From", "content-filter at ")) return false;
  std::string_view text = FirstTextBody(m);
  if (DecodeDsnGroups(m, report)) {
    report->format = "amavis";
    report->evidence = "format: amavisd-new notice with delivery-status";
    return true;
  }
  // Without a report part: "<addr>: [host] said:" then the indented reply.
  size_t start = FindIgnoreCase(text, "was not relayed to:");
  if (start == std::string::npos) return false;
  Finding* current = nullptr;
  std::vector<std::string_view> reply;
  auto flush = [&] {
    if (current != nullptr) {
      current->diagnostic = JoinReplyLines(reply);
      FillCodesFromDiagnostic(current);
    }
    reply.clear();
  };
  for (std::string_view line : SplitLines(std::string_view(text).substr(start))) {
    std::string_view t = Trim(line);
    if (t.empty()) {
      if (current != nullptr) break;
      continue;
    }
    if (t.front() == '<') {
      flush();
      Finding f;
      f.recipient = ExtractAddress(t.substr(0, t.find('>') + 1));
      f.action = "failed";
      size_t lb = t.find('[');
      size_t rb = t.find(']', lb == std::string_view::npos ? 0 : lb);
      if (lb != std::string_view::npos && rb != std::string_view::npos) {
        f.remote_mta = std::string(t.substr(lb + 1, rb - lb - 1));
      }
      report->findings.push_back(std::move(f));
      current = &report->findings.back();
    } else if (current != nullptr) {
      reply.push_back(t);
    }
  }
  flush();
  if (report->findings.empty()) return false;
  report->format = "amavis";
  report->evidence = "format: amavisd-new notice";
  return true;
}

}  // namespace rebound::formats

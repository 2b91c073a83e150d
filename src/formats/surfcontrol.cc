// SurfControl E-mail Filter (X-Mailer): a multipart/report whose text
// writes "<addr>: [ip], <reply>" after "Failed to send to identified host,"
// and whose delivery-status part gives the recipients.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::Trim;

bool DecodeSurfControl(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "X-Mailer", "surfcontrol")) return false;
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "surfcontrol";
  report->evidence = "format: SurfControl notice (X-Mailer)";
  for (std::string_view line : SplitLines(FirstTextBody(m))) {
    std::string_view t = Trim(line);
    size_t lb = t.find(": [");
    if (lb == std::string_view::npos) continue;
    size_t rb = t.find(']', lb);
    if (rb == std::string_view::npos) continue;
    std::string addr = ExtractAddress(t.substr(0, lb));
    for (Finding& f : report->findings) {
      if (f.recipient != addr) continue;
      if (f.remote_mta.empty()) f.remote_mta = std::string(t.substr(lb + 3, rb - lb - 3));
      if (f.diagnostic.empty()) {
        std::string_view rest = Trim(t.substr(rb + 1));
        if (rest.starts_with(',')) rest = Trim(rest.substr(1));
        f.diagnostic = std::string(rest);
        FillCodesFromDiagnostic(&f);
      }
    }
  }
  return true;
}

}  // namespace rebound::formats

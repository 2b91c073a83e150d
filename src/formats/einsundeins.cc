// 1&1 (kundenserver.de) writes the same notice as GMX, its sister service:
// see ParseUnitedInternetNotice in gmx.cc. Recognised by United Internet's
// X-UI-* fields or 1&1's hosts, after GMX's own decoder declined.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodeEinsUndEins(const message::Message& m, Report* report) {
  const message::HeaderBlock& h = m.headers();
  if (!h.Has("X-UI-Out-Filterresults") && !HeaderContains(m, "From", "kundenserver") &&
      !HeaderContains(m, "From", "1and1") && !HeaderContains(m, "From", "1und1")) {
    return false;
  }
  std::string_view text = FirstTextBody(m);
  if (!ParseUnitedInternetNotice(text, report)) return false;
  report->format = "einsundeins";
  report->evidence = "format: einsundeins: \"The header of the original message is following\"";
  return true;
}

}  // namespace rebound::formats

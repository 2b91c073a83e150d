// AOL: a delivery-status report from Postmaster@AOL.com whose text part is
// an HTML page; AOL's relays (*.mx.aol.com) and X-AOL-* fields tell it.
// The DSN groups say everything the report holds.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodeAol(const message::Message& m, Report* report) {
  bool aol = HeaderContains(m, "From", "postmaster@aol.com") ||
             (m.headers().Has("X-AOL-IP") && HeaderContains(m, "From", "postmaster"));
  if (!aol) return false;
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "aol";
  report->evidence = "format: aol: delivery-status report from Postmaster@AOL.com";
  return true;
}

}  // namespace rebound::formats

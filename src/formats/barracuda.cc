// Barracuda Spam Firewall: a multipart/report whose Subject says the
// message was "blocked by our bulk email filter", or whose returned headers
// were received "(Spam Firewall)"; the findings are its DSN groups.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;

namespace {

bool ReceivedBySpamFirewall(const message::HeaderBlock* h) {
  if (h == nullptr) return false;
  for (const message::HeaderField& f : *h) {
    if (message::EqualsIgnoreCase(f.name, "Received") &&
        FindIgnoreCase(f.value, "(spam firewall)") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool DecodeBarracuda(const message::Message& m, Report* report) {
  if (m.delivery_status().recipients.empty()) return false;
  if (!HeaderContains(m, "Subject", "blocked by our bulk email filter") &&
      !HeaderContains(m, "Received", "(spam firewall)") && !ReceivedBySpamFirewall(m.original_headers())) {
    return false;
  }
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "barracuda";
  report->evidence = "format: Barracuda Spam Firewall delivery-status";
  return true;
}

}  // namespace rebound::formats

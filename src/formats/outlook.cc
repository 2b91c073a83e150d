// Outlook.com (formerly Hotmail, MSN): the Windows SMTP service's report,
// "This is an automatically generated Delivery Status Notification.", from
// postmaster@*.hotmail.com or outlook.com (or one of its outbound relays),
// with a delivery-status part.
// Recognised by the sender and the template; the DSN groups give the
// findings. Office 365's Exchange reports are decoded before this one.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;

bool DecodeOutlook(const message::Message& m, Report* report) {
  // Outlook.com's outbound relays are named "BLU004-OMC3S20", "blu2-omc4-s22".
  bool outlook =
      HeaderContains(m, "From", "hotmail") || HeaderContains(m, "From", "@outlook.com") ||
      HeaderContains(m, "From", "msn.com") || HeaderContains(m, "From", "live.com") ||
      message::FindIgnoreCase(m.delivery_status().per_message.Raw("Reporting-MTA"), "-omc") != std::string_view::npos;
  if (!outlook) return false;
  std::string_view text = FirstTextBody(m);
  if (FindIgnoreCase(text, "This is an automatically generated Delivery Status Notification") == std::string::npos) {
    return false;
  }
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "outlook";
  report->evidence = "format: outlook: Delivery Status Notification from Outlook.com (Hotmail)";
  return true;
}

}  // namespace rebound::formats

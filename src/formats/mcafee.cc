// McAfee Email Gateway (X-NAI-Header: Modified by McAfee ...): "Delivery
// Status" with a delivery-status part keyed by Original-Recipient, and a
// "deliveryproblems.txt" text part listing "<addr> (reply)".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodeMcafee(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "X-NAI-Header", "mcafee")) return false;
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "mcafee";
  report->evidence = "format: McAfee gateway delivery-status (X-NAI-Header)";
  return true;
}

}  // namespace rebound::formats

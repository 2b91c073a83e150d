// PowerMTA: "Delivery report" whose delivery-status part carries its own
// X-PowerMTA-* fields; the findings are the DSN groups.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodePowerMta(const message::Message& m, Report* report) {
  const message::DeliveryStatus& dsn = m.delivery_status();
  if (dsn.recipients.empty()) return false;
  bool marked = dsn.per_message.Has("X-PowerMTA-VirtualMTA");
  for (const message::FieldGroup& g : dsn.recipients) marked = marked || g.Has("X-PowerMTA-BounceCategory");
  if (!marked || !DecodeDsnGroups(m, report)) return false;
  report->format = "powermta";
  report->evidence = "format: PowerMTA delivery-status (X-PowerMTA fields)";
  return true;
}

}  // namespace rebound::formats

// Amazon SES receiving: the inbound side (inbound-smtp.<region>.amazonaws.com)
// refused mail for a domain that receives through SES, and SES sent the
// report on behalf of that domain, so its From is the domain's postmaster.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;

bool DecodeReceivingSes(const message::Message& m, Report* report) {
  // Sent through SES (its headers) but not from SES's own MAILER-DAEMON.
  if (!m.headers().Has("X-SES-Outgoing") && !HeaderContains(m, "Feedback-ID", "amazonses")) return false;
  if (HeaderContains(m, "From", "amazonses.com")) return false;
  const message::DeliveryStatus& dsn = m.delivery_status();
  std::string reporting = dsn.per_message.Unfolded("Reporting-MTA");
  if (FindIgnoreCase(reporting, "inbound-smtp.") == std::string::npos ||
      FindIgnoreCase(reporting, "amazonaws.com") == std::string::npos) {
    return false;
  }
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "receivingses";
  report->evidence = "format: Amazon SES inbound delivery-status";
  return true;
}

}  // namespace rebound::formats

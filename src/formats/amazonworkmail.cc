// Amazon WorkMail: a multipart/mixed notice (X-Mailer: Amazon WorkMail)
// whose text part holds the DSN fields after "Technical report:"; the
// remote reply may be wrapped in SES's own text, as Amazon SES does.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodeAmazonWorkMail(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "X-Mailer", "amazon workmail")) return false;
  if (!HeaderContains(m, "From", "mailer-daemon") && !HeaderContains(m, "Subject", "delivery status notification")) {
    return false;
  }
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "amazonworkmail";
  report->evidence = "format: Amazon WorkMail notice (X-Mailer)";
  for (Finding& f : report->findings) UnwrapSesReply(&f);
  return true;
}

}  // namespace rebound::formats

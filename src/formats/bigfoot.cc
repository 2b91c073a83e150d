// Bigfoot (LiteMail): a sendmail-like multipart/report from bigfoot.com;
// the DSN groups carry the recipients, the transcript the failed command.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::Trim;

bool DecodeBigfoot(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "@bigfoot.com") && !HeaderContains(m, "Received", ".bigfoot.com")) return false;
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "bigfoot";
  report->evidence = "format: Bigfoot delivery-status";
  // ">>> RCPT TO:<a@b>" in the transcript tells the command the reply answered.
  std::string command;
  for (std::string_view line : SplitLines(FirstTextBody(m))) {
    line = Trim(line);
    if (line.starts_with(">>> ")) command = SmtpCommandIn(line);
  }
  for (Finding& f : report->findings) {
    if (f.command.empty()) f.command = command;
  }
  return true;
}

}  // namespace rebound::formats

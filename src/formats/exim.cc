// Exim's bounce and delay warning: "This message was created automatically
// by mail delivery software." then indented recipient blocks, each with the
// remote host, the SMTP command and the reply.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

namespace {

bool LooksLikeExim(const message::Message& m) {
  const message::HeaderBlock& h = m.headers();
  if (h.Has("X-Failed-Recipients")) return true;
  const std::string& subject = m.Subject();
  if (message::StartsWithIgnoreCase(subject, "Mail delivery failed") ||
      message::StartsWithIgnoreCase(subject, "Mail failure") ||
      (message::StartsWithIgnoreCase(subject, "Warning: message ") &&
       message::FindIgnoreCase(subject, " delayed") != std::string::npos)) {
    return true;
  }
  return message::FindIgnoreCase(h.Raw("From"), "Mail Delivery System") != std::string_view::npos;
}

}  // namespace

bool DecodeExim(const message::Message& m, Report* report) {
  if (!LooksLikeExim(m)) return false;
  std::string_view body = FirstTextBody(m);
  // Exim's fixed opening sentences (bounce, delay warning, bad address).
  if (message::FindIgnoreCase(body, "This message was created automatically by") == std::string::npos &&
      message::FindIgnoreCase(body, "A message that you sent") == std::string::npos &&
      message::FindIgnoreCase(body, "recipient addresses that were\nincorrectly constructed") == std::string::npos) {
    return false;
  }
  if (!ParseEximNotice(m, body, report)) return false;
  // Exim 4.9x adds a delivery-status part; its Final-Recipient may be a pipe
  // or a file, so the text's blocks give the recipients and the groups, in
  // the same order, only the status.
  const message::DeliveryStatus& dsn = m.delivery_status();
  if (dsn.recipients.size() == report->findings.size()) {
    for (size_t i = 0; i < dsn.recipients.size(); ++i) {
      Finding& f = report->findings[i];
      std::string status = dsn.recipients[i].Unfolded("Status");
      if (f.status.empty()) f.status = std::string(FindStatusCode(status));
      if (f.remote_mta.empty()) f.remote_mta = StripTypePrefix(dsn.recipients[i].Unfolded("Remote-MTA"));
    }
  }
  report->format = "exim";
  report->evidence = "format: exim: \"This message was created automatically by mail delivery software\"";
  return true;
}

}  // namespace rebound::formats

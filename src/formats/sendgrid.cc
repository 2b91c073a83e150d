// SendGrid: a delivery-status part with X-SendGrid-* fields, and a text
// line per recipient "local:id:<addr> : ip : host:[ip] : <reply> in <CMD>"
// that names the remote host and the failed command.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::Trim;

bool DecodeSendGrid(const message::Message& m, Report* report) {
  const message::DeliveryStatus& dsn = m.delivery_status();
  if (dsn.recipients.empty()) return false;
  if (!dsn.per_message.Has("X-SendGrid-QueueID") && !dsn.per_message.Has("X-SendGrid-Sender")) return false;
  if (!DecodeDsnGroups(m, report)) return false;
  report->format = "sendgrid";
  report->evidence = "format: SendGrid delivery-status (X-SendGrid fields)";
  for (std::string_view line : SplitLines(FirstTextBody(m))) {
    // "kijitora:000000:<a@b> : 192.0.2.250 : mx.example.jp:[192.0.2.153] : 550 ... in RCPT TO"
    std::string_view t = Trim(line);
    size_t sep = t.find(" : ");
    if (sep == std::string_view::npos) continue;
    std::string addr = ExtractAddress(t.substr(0, sep));
    for (Finding& f : report->findings) {
      if (f.recipient != addr) continue;
      std::string_view rest = t.substr(sep + 3);
      size_t s2 = rest.find(" : ");
      if (s2 == std::string_view::npos) continue;
      std::string_view host = rest.substr(s2 + 3);
      size_t s3 = host.find(" : ");
      if (s3 == std::string_view::npos) continue;
      std::string_view reply = host.substr(s3 + 3);
      host = host.substr(0, s3);
      if (f.remote_mta.empty()) f.remote_mta = std::string(host.substr(0, host.find(":[")));
      size_t in = reply.rfind(" in ");
      if (f.command.empty() && in != std::string_view::npos) f.command = SmtpCommandIn(reply.substr(in));
    }
  }
  return true;
}

}  // namespace rebound::formats

// qmail-send's "failure notice": a fixed English template, one block per
// recipient ("<a@b>:") holding qmail's own sentences and the remote reply.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

namespace {

// The opening sentences of qmail-send and of its common patches.
constexpr std::string_view kStarts[] = {
    "This is the qmail-send program at",
    "This is the qmail program at",
    "I'm afraid I wasn't able to deliver your message to the following addresses.",
    "Unable to deliver your message to the following addresses",
};

}  // namespace

bool DecodeQmail(const message::Message& m, Report* report) {
  // qmail-send always writes "failure notice"; a relay may prefix it.
  const std::string& subject = m.Subject();
  bool qmail_subject = message::FindIgnoreCase(subject, "failure notice") != std::string::npos;
  bool qmail_received = false;
  for (const message::HeaderField& h : m.headers()) {
    if (message::EqualsIgnoreCase(h.name, "Received") && h.value.find("(qmail ") != std::string_view::npos) {
      qmail_received = true;
      break;
    }
  }
  if (!qmail_subject && !qmail_received) return false;
  std::string_view body = FirstTextBody(m);
  for (std::string_view start : kStarts) {
    if (message::FindIgnoreCase(body, start) == std::string::npos) continue;
    if (!ParseQmailNotice(body, start, report)) return false;
    report->format = "qmail";
    report->evidence = "format: qmail: \"" + std::string(start) + "\"";
    return true;
  }
  return false;
}

}  // namespace rebound::formats

// Postfix's bounce: "This is the mail system at host X." (older: "This is
// the Postfix program at host X.") then one "<a@b>: ..." paragraph per
// recipient, and usually a delivery-status part with X-Postfix fields. The
// DSN groups give the recipients; the paragraphs give what the DSN lacks
// (the failed command, the remote host) and are the findings when there is
// no DSN part.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

namespace {

struct Paragraph {
  std::string recipient;
  std::string diagnostic;
  std::string remote_mta;
  std::string command;
};

// "<a@b>: host mx[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT TO
// command)" paragraphs, folded onto indented lines.
// "<a@b>: ..." starts a recipient's paragraph.
bool IsRecipientLine(std::string_view line) {
  if (!line.starts_with("<")) return false;
  size_t gt = line.find('>');
  return gt != std::string_view::npos && line.find('@') < gt && gt + 1 < line.size() && line[gt + 1] == ':';
}

std::vector<Paragraph> ReadParagraphs(std::string_view body) {
  std::vector<Paragraph> out;
  std::vector<std::string_view> lines = SplitLines(body);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (!IsRecipientLine(line)) continue;
    size_t gt = line.find('>');
    size_t colon = gt + 1;
    Paragraph p;
    p.recipient = ExtractAddress(line.substr(1, gt - 1));
    std::vector<std::string_view> text{line.substr(colon + 1)};
    // The paragraph runs to the blank line; relays sometimes re-wrap it
    // without indenting the continuation.
    while (i + 1 < lines.size() && !Trim(lines[i + 1]).empty() && !IsRecipientLine(lines[i + 1])) {
      text.push_back(lines[++i]);
    }
    std::string joined = JoinReplyLines(text);
    std::string_view v = joined;
    // "host mx.example.jp[192.0.2.1] said: "
    if (v.starts_with("host ")) {
      size_t said = v.find(" said: ");
      size_t lb = v.find('[');
      if (said != std::string_view::npos) {
        p.remote_mta = std::string(v.substr(5, (lb < said ? lb : said) - 5));
        v = v.substr(said + 7);
      }
    }
    size_t reply = v.rfind(" (in reply to ");
    if (reply != std::string_view::npos) {
      p.command = SmtpCommandIn(v.substr(reply));
      v = v.substr(0, reply);
    }
    p.diagnostic = std::string(Trim(v));
    if (!p.recipient.empty()) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

bool DecodePostfix(const message::Message& m, Report* report) {
  const message::DeliveryStatus& dsn = m.delivery_status();
  bool postfix_dsn = dsn.per_message.Has("X-Postfix-Queue-ID") || dsn.per_message.Has("X-Postfix-Sender");
  const std::string& subject = m.Subject();
  bool postfix_subject = message::EqualsIgnoreCase(subject, "Undelivered Mail Returned to Sender") ||
                         message::EqualsIgnoreCase(subject, "Delayed Mail (still being retried)");
  if (!postfix_dsn && !postfix_subject) return false;
  std::string_view body = FirstTextBody(m);
  size_t start = FindIgnoreCase(body, "This is the mail system at host");
  if (start == std::string::npos) start = FindIgnoreCase(body, "This is the Postfix program at host");
  if (start == std::string::npos && !postfix_dsn) return false;
  std::vector<Paragraph> paragraphs =
      ReadParagraphs(start == std::string::npos ? std::string_view() : std::string_view(body).substr(start));
  bool delayed = FindIgnoreCase(subject, "Delayed Mail") != std::string::npos;

  if (DecodeDsnGroups(m, report)) {
    for (Finding& f : report->findings) {
      for (const Paragraph& p : paragraphs) {
        if (p.recipient != f.recipient) continue;
        if (f.diagnostic.empty()) f.diagnostic = p.diagnostic;
        if (f.remote_mta.empty()) f.remote_mta = p.remote_mta;
        if (f.command.empty()) f.command = p.command;
        FillCodesFromDiagnostic(&f);
        break;
      }
    }
  } else {
    for (Paragraph& p : paragraphs) {
      Finding f = NoticeFinding(std::move(p.recipient), delayed ? "delayed" : "failed", std::move(p.diagnostic));
      f.remote_mta = std::move(p.remote_mta);
      f.command = std::move(p.command);
      report->findings.push_back(std::move(f));
    }
    if (report->findings.empty()) return false;
  }
  report->format = "postfix";
  report->evidence = postfix_dsn ? "format: postfix: X-Postfix fields in the delivery-status part"
                                 : "format: postfix: \"This is the mail system at host\"";
  return true;
}

}  // namespace rebound::formats

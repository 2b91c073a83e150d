// Yandex.Mail: Postfix's bounce under a Russian preamble ("Это письмо
// отправлено почтовым сервером yandex.ru"), from mailer-daemon@yandex.ru,
// with X-Yandex-* fields in the headers and the delivery-status part. The
// DSN groups give the recipients; Postfix's "<a@b>: host h[ip] said: ...
// (in reply to RCPT TO command)" paragraphs give the host and command.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

namespace {

struct Paragraph {
  std::string recipient;
  std::string remote_mta;
  std::string command;
};

std::vector<Paragraph> ReadParagraphs(std::string_view text) {
  std::vector<Paragraph> out;
  std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    size_t gt = line.find(">: ");
    if (!line.starts_with("<") || gt == std::string_view::npos) continue;
    Paragraph p;
    p.recipient = ExtractAddress(line.substr(1, gt - 1));
    std::vector<std::string_view> body{line.substr(gt + 3)};
    while (i + 1 < lines.size() && (lines[i + 1].starts_with(" ") || lines[i + 1].starts_with("\t"))) {
      body.push_back(lines[++i]);
    }
    std::string joined = JoinReplyLines(body);
    std::string_view v = joined;
    if (v.starts_with("host ")) {
      size_t end = message::FindFirstOf(v, "[ ", 5);
      p.remote_mta = std::string(v.substr(5, end == std::string_view::npos ? end : end - 5));
    }
    size_t reply = v.rfind("(in reply to ");
    if (reply != std::string_view::npos) {
      p.command = SmtpCommandIn(v.substr(reply));
    } else if (v.starts_with("connect to ")) {
      p.command = "CONN";
    }
    if (!p.recipient.empty()) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

bool DecodeYandex(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "mailer-daemon@yandex") && !m.headers().Has("X-Yandex-Front") &&
      !m.delivery_status().per_message.Has("X-Yandex-Queue-ID")) {
    return false;
  }
  if (!DecodeDsnGroups(m, report)) return false;
  std::string_view text = FirstTextBody(m);
  std::vector<Paragraph> paragraphs = ReadParagraphs(text);
  for (Finding& f : report->findings) {
    for (const Paragraph& p : paragraphs) {
      if (p.recipient != f.recipient) continue;
      if (f.remote_mta.empty()) f.remote_mta = p.remote_mta;
      if (f.command.empty()) f.command = p.command;
      break;
    }
  }
  report->format = "yandex";
  report->evidence = "format: yandex: mailer-daemon of Yandex.Mail with X-Yandex fields";
  return true;
}

}  // namespace rebound::formats

// Mail.Ru: a Russian preface ("сервером Mail.Ru") wrapped around Exim's
// English notice, which is the part read.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodeMailRu(const message::Message& m, Report* report) {
  std::string_view from = m.headers().Raw("From");
  bool mailru_from = message::FindIgnoreCase(from, "mail.ru") != std::string_view::npos;
  std::string_view body = FirstTextBody(m);
  if (!mailru_from && body.find("сервером Mail.Ru") == std::string::npos) return false;
  if (body.find("Mail.Ru") == std::string::npos && !mailru_from) return false;
  if (!ParseEximNotice(m, body, report)) return false;
  report->format = "mailru";
  report->evidence = "format: mailru: Exim notice from Mail.Ru";
  return true;
}

}  // namespace rebound::formats

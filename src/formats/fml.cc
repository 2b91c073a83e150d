// fml, the Japanese mailing-list manager (X-MLServer: fml): it refuses a
// post from a non-member, reports loops and security alerts. The Subject
// template says which; the body names the list address in angle brackets.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

namespace {

struct Template {
  std::string_view subject;  // lowercase
  Cause cause;
};

// The Subject lines fml writes for each refusal.
constexpr Template kTemplates[] = {
    {" are not member", Cause::kRejected},
    {"not member article from ", Cause::kRejected},
    {"reject mail ", Cause::kRejected},
    {"spammer maybe sending this mail", Cause::kRejected},
    {"fml system error message", Cause::kSystemError},
    {"loop alert: ", Cause::kSystemError},
    {"loop back warning: ", Cause::kSystemError},
    {"warning: unix from loop", Cause::kSystemError},
    {"security alert", Cause::kSecurityError},
};

}  // namespace

bool DecodeFml(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "X-MLServer", "fml")) return false;
  const std::string& subject = m.Subject();
  const Template* matched = nullptr;
  for (const Template& tp : kTemplates) {
    if (FindIgnoreCase(subject, tp.subject) != std::string::npos) {
      matched = &tp;
      break;
    }
  }
  if (matched == nullptr) return false;
  // The first paragraph names the list (or the address it refused).
  std::string_view text = FirstTextBody(m);
  Finding f;
  f.action = "failed";
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    if (t.empty()) {
      if (!f.diagnostic.empty()) break;
      continue;
    }
    if (!f.diagnostic.empty()) f.diagnostic += ' ';
    f.diagnostic += t;
    size_t lt = t.find('<');
    if (f.recipient.empty() && lt != std::string_view::npos) f.recipient = ExtractAddress(t.substr(lt));
  }
  if (f.recipient.empty()) return false;
  f.cause = matched->cause;
  f.cause_evidence = "cause: fml Subject: " + subject;
  report->format = "fml";
  report->evidence = "format: fml mailing-list notice (X-MLServer)";
  report->findings.push_back(std::move(f));
  return true;
}

}  // namespace rebound::formats

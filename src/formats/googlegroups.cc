// Google Groups' refusal to post: a localised letter saying the group may
// not exist or the sender may not post to it, always linking the Groups
// help centre; the group's address is in X-Failed-Recipients.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

bool DecodeGoogleGroups(const message::Message& m, Report* report) {
  const message::HeaderBlock& h = m.headers();
  if (message::FindIgnoreCase(h.Raw("From"), "mailer-daemon@googlemail.com") == std::string_view::npos) return false;
  std::string failed = h.Unfolded("X-Failed-Recipients");
  if (failed.empty()) return false;
  std::string_view body = FirstTextBody(m);
  // Every language version links the Groups help centre.
  if (body.find("groups.google.com/support") == std::string::npos) return false;
  size_t end = body.find("----- Original message -----");
  std::string text = JoinReplyLines(std::string_view(body).substr(0, end));
  report->format = "googlegroups";
  report->evidence = "format: googlegroups: Google Groups posting refusal";
  size_t pos = 0;
  while (pos < failed.size()) {
    size_t comma = failed.find(',', pos);
    if (comma == std::string::npos) comma = failed.size();
    Finding f;
    f.recipient = ExtractAddress(std::string_view(failed).substr(pos, comma - pos));
    pos = comma + 1;
    if (f.recipient.empty()) continue;
    f.action = "failed";
    f.diagnostic = text;
    // The notice itself says the post was refused (no such group or no
    // permission to post): the format decides the cause.
    f.cause = Cause::kRejected;
    f.cause_evidence = "cause: Google Groups refused the post";
    report->findings.push_back(std::move(f));
  }
  return !report->findings.empty();
}

}  // namespace rebound::formats

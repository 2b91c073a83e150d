// GMX (and the other mail services of United Internet: WEB.DE, 1&1) write
// an Exim-like notice whose blocks start at column 0: after "The following
// address failed:", the address alone on a line ("a@b":, <a@b>, a@b:),
// then the SMTP stage, the host and the reply, or "Reason:" and a
// sentence; the returned headers follow "--- The header of the original
// message is following. ---".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

namespace {

constexpr std::string_view kOriginalMark = "--- The header of the original message is following. ---";

// The address of a block head: a line holding only an address, possibly
// quoted or bracketed and followed by a colon. Empty otherwise.
std::string HeadAddress(std::string_view t) {
  if (t.ends_with(":")) t.remove_suffix(1);
  if (t.size() >= 2 && ((t.front() == '"' && t.back() == '"') || (t.front() == '<' && t.back() == '>'))) {
    t = t.substr(1, t.size() - 2);
  }
  if (t.empty() || message::FindFirstOf(t, " \t\"<>") != std::string_view::npos) return {};
  return ExtractAddress(t);
}

// The command in "after RCPT command" or "for TEXT command"; TEXT is
// what GMX calls the message data.
std::string StageCommand(std::string_view stage) {
  size_t c = FindIgnoreCase(stage, " command");
  if (c == std::string_view::npos) return SmtpCommandIn(stage);
  std::string_view word = stage.substr(0, c);
  word = word.substr(word.rfind(' ') + 1);
  if (message::EqualsIgnoreCase(word, "TEXT")) return "DATA";
  for (std::string_view known : {"RCPT", "MAIL", "DATA", "EHLO", "HELO", "STARTTLS"}) {
    if (message::EqualsIgnoreCase(word, known)) return std::string(known);
  }
  return SmtpCommandIn(stage);
}

}  // namespace

bool ParseUnitedInternetNotice(std::string_view text, Report* report) {
  size_t end = text.find(kOriginalMark);
  if (end == std::string_view::npos) return false;
  std::vector<std::string_view> lines = SplitLines(text.substr(0, end));
  size_t i = 0;
  while (i < lines.size() && !Trim(lines[i]).ends_with("failed:")) ++i;
  if (i == lines.size()) return false;

  struct Block {
    std::string recipient;
    std::vector<std::string_view> lines;
  };
  std::vector<Block> blocks;
  for (++i; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (t.empty()) continue;
    std::string address = HeadAddress(t);
    if (!address.empty()) {
      blocks.push_back(Block{std::move(address), {}});
    } else if (!blocks.empty()) {
      blocks.back().lines.push_back(t);
    }
  }
  for (Block& b : blocks) {
    Finding f;
    f.recipient = std::move(b.recipient);
    f.action = "failed";
    std::vector<std::string_view> reply;
    for (std::string_view t : b.lines) {
      // "Reason:", "For the following reason:": labels of the template.
      if (t.ends_with("reason:") || t.ends_with("Reason:")) continue;
      if (StartsWithIgnoreCase(t, "SMTP error from remote server")) {
        // "... after RCPT command:" or "... for TEXT command, host: h (ip)
        // reason: 550 ...", all on one line.
        std::string_view stage = t;
        size_t host = FindIgnoreCase(t, "host: ");
        if (host != std::string_view::npos) {
          stage = t.substr(0, host);
          std::string_view h = t.substr(host + 6);
          f.remote_mta = std::string(h.substr(0, message::FindFirstOf(h, " ,")));
          size_t why = FindIgnoreCase(h, "reason: ");
          if (why != std::string_view::npos) reply.push_back(Trim(h.substr(why + 8)));
        }
        f.command = StageCommand(stage);
        continue;
      }
      if (StartsWithIgnoreCase(t, "host: ")) {
        f.remote_mta = std::string(Trim(t.substr(6)));
        continue;
      }
      reply.push_back(t);
    }
    f.diagnostic = JoinReplyLines(reply);
    FillCodesFromDiagnostic(&f);
    report->findings.push_back(std::move(f));
  }
  return !report->findings.empty();
}

bool DecodeGmx(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "@gmx.") && !HeaderContains(m, "From", ".gmx.") &&
      !m.headers().Has("X-GMX-Antispam")) {
    return false;
  }
  std::string_view text = FirstTextBody(m);
  if (!ParseUnitedInternetNotice(text, report)) return false;
  report->format = "gmx";
  report->evidence = "format: gmx: \"The header of the original message is following\"";
  return true;
}

}  // namespace rebound::formats

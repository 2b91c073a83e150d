// The last resort for bounces that no known format claimed: a notice from a
// mailer daemon (or one naming X-Failed-Recipients) whose text mentions the
// failed addresses. Each address gets the paragraph around it as its
// diagnostic, so the classifier's rules can still read what the server said.
#include "formats/formats.h"
#include "formats/language.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;

namespace {

constexpr size_t kMaxRecipients = 50;
constexpr size_t kMaxDiagnosticLines = 6;

bool LooksLikeBounce(const message::HeaderBlock& h, std::string_view subject_text) {
  std::string from = message::ToLower(h.Unfolded("From"));
  for (std::string_view s : {"mailer-daemon", "postmaster", "mail delivery", "mail administrator", "mailadmin",
                             "mail-daemon", "nobody@", "mail system"}) {
    if (from.find(s) != std::string::npos) return true;
  }
  std::string subject = message::ToLower(subject_text);
  for (std::string_view s : {"undeliver", "delivery fail", "mail failed", "rejected", "bounce"}) {
    if (subject.find(s) != std::string::npos) return true;
  }
  // The notices' subjects in many languages (rules/autoreply.tsv).
  return !FindWording(Wording::kBounceSubject, subject_text).empty();
}

bool IsDelayNotice(std::string_view subject_text) {
  std::string subject = message::ToLower(subject_text);
  return subject.find("delayed") != std::string::npos || subject.find("warning") != std::string::npos ||
         subject.find("delivery status notification (delay)") != std::string::npos;
}

// The notice without the returned original: it ends where a quoted header
// block begins.
std::string_view NoticeOnly(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    for (std::string_view h : {"Received: ", "Return-Path: ", "Message-ID: ", "DKIM-Signature: "}) {
      if (message::StartsWithIgnoreCase(line, h)) return text.substr(0, pos);
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return text;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    lines.push_back(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return lines;
}

bool IsRoleAddress(std::string_view addr) {
  return addr.starts_with("mailer-daemon@") || addr.starts_with("postmaster@") || addr.starts_with("root@");
}

// The paragraph of `lines` that mentions `address`, joined on one line.
std::string DiagnosticFor(const std::vector<std::string_view>& lines, std::string_view address) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (FindIgnoreCase(lines[i], address) == std::string_view::npos) continue;
    std::string out(message::Trim(lines[i]));
    for (size_t j = i + 1; j < lines.size() && j <= i + kMaxDiagnosticLines; ++j) {
      std::string_view next = message::Trim(lines[j]);
      if (next.empty() || ExtractAddress(next) != "") break;
      out += " ";
      out += next;
    }
    return out;
  }
  return {};
}

}  // namespace

// An address written alone on a line of the notice ("  jane@example.org",
// "<jane@example.org>:", "jane@example.org: reason"), as plain-text notices
// name the addresses they failed for.
bool AddressAloneOnALine(const std::vector<std::string_view>& lines) {
  for (std::string_view line : lines) {
    std::string_view t = message::Trim(line);
    if (t.find('@') == std::string_view::npos || t.size() > 320) continue;
    std::string_view head = t.substr(0, t.find_first_of(" \t"));
    if (head.ends_with(":")) head.remove_suffix(1);
    if (head.starts_with("<") && head.ends_with(">")) head = head.substr(1, head.size() - 2);
    if (!head.empty() && head.find('@') != std::string_view::npos && ExtractAddress(head).size() == head.size()) {
      return true;
    }
  }
  return false;
}

// An address right after the words that say it failed ("Your message
// wasn't delivered to jane@example.org because ...", Gmail's newer notice;
// "could not be delivered to <a@b>").
bool AddressAfterNoticeWords(std::string_view notice) {
  static constexpr std::string_view kWords[] = {"wasn't delivered to ", "was not delivered to ",
                                                "could not be delivered to ", "couldn't be delivered to ",
                                                "delivery to the following recipient failed permanently: "};
  for (std::string_view w : kWords) {
    size_t at = FindIgnoreCase(notice, w);
    if (at == std::string_view::npos) continue;
    std::string_view rest = notice.substr(at + w.size(), 330);
    rest = rest.substr(0, rest.find_first_of(" \t\n,;"));
    if (rest.find('@') != std::string_view::npos && !ExtractAddress(rest).empty()) return true;
  }
  return false;
}

bool DecodeGeneric(const message::Message& m, Report* report) {
  const message::HeaderBlock& h = m.headers();
  std::string failed = h.Unfolded("X-Failed-Recipients");
  std::string_view body = FirstTextBody(m);
  std::string_view notice = NoticeOnly(body);
  std::vector<std::string_view> lines = Lines(notice);
  // A plain-text notice from any sender: a notice's sentence (in many
  // languages, rules/autoreply.tsv) and an address alone on a line.
  const bool by_text = failed.empty() && !LooksLikeBounce(h, m.Subject()) &&
                       !FindWording(Wording::kBounceBody, notice.substr(0, 4096)).empty() && AddressAloneOnALine(lines);
  if (failed.empty() && !by_text && !LooksLikeBounce(h, m.Subject())) return false;

  std::vector<std::string> recipients;
  auto add = [&](std::string addr) {
    if (addr.empty() || recipients.size() >= kMaxRecipients) return;
    for (const std::string& r : recipients) {
      if (r == addr) return;
    }
    recipients.push_back(std::move(addr));
  };
  if (!failed.empty()) {
    size_t pos = 0;
    while (pos < failed.size()) {
      size_t comma = failed.find(',', pos);
      add(ExtractAddress(failed.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos)));
      pos = comma == std::string::npos ? failed.size() : comma + 1;
    }
    report->evidence = "format: X-Failed-Recipients header";
  } else {
    // Addresses in the notice, except the bounce's own sender and recipient.
    std::string to = ExtractAddress(h.Unfolded("To"));
    std::string from = ExtractAddress(h.Unfolded("From"));
    for (std::string_view line : lines) {
      if (line.find('@') == std::string_view::npos) continue;
      std::string addr = ExtractAddress(line);
      if (addr == to || addr == from || IsRoleAddress(addr)) continue;
      add(std::move(addr));
    }
    // Addresses the notice merely mentions are not failed recipients when
    // the returned original tells whom the message was sent to: keep those
    // it names, if any.
    if (const message::HeaderBlock* original = m.original_headers(); original != nullptr && recipients.size() > 1) {
      const std::string sent_to = message::ToLower(original->Unfolded("To") + "," + original->Unfolded("Cc"));
      std::vector<std::string> named;
      for (const std::string& r : recipients) {
        if (sent_to.find(r) != std::string::npos) named.push_back(r);
      }
      if (!named.empty()) recipients = std::move(named);
    }
    if (recipients.empty() && m.original_headers() != nullptr) {
      add(ExtractAddress(m.original_headers()->Unfolded("To")));
    }
    report->evidence = by_text ? "format: plain-text notice (a notice's words and an address alone on a line)"
                               : "format: mailer-daemon notice";
  }
  if (recipients.empty()) return false;
  report->format = "generic";
  const bool delayed = IsDelayNotice(m.Subject());
  for (std::string& r : recipients) {
    std::string diagnostic = DiagnosticFor(lines, r);
    report->findings.push_back(NoticeFinding(std::move(r), delayed ? "delayed" : "failed", std::move(diagnostic)));
  }
  return true;
}

}  // namespace rebound::formats

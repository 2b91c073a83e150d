// au by KDDI (EZweb): "Mail System Error - Returned Mail" from
// Postmaster@ezweb.ne.jp. The text names each recipient ("<addr>",
// "Recipient: <addr>", or "<addr>: <reply>"), may quote the session
// (">>> RCPT TO:", "<<< 550 ..."), and otherwise gives one of the carrier's
// fixed sentences. Some copies add a delivery-status part.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

namespace {

struct Template {
  std::string_view sentence;  // lowercase
  Cause cause;                // kUndefined: only the reply says why
};

// The carrier's fixed sentences. A rejection by the remote server is only
// a cause when no reply follows: then it is the carrier's own filter.
constexpr Template kTemplates[] = {
    {"the user(s) account is disabled", Cause::kSuspend},
    {"the user(s) account is temporarily limited", Cause::kSuspend},
    {"the user(s) account is temporarily over quota", Cause::kMailboxFull},
    {"the following recipients did not receive this message", Cause::kUndefined},
    {"each of the following recipients was rejected by a remote", Cause::kFiltered},
};

struct Entry {
  std::string recipient;
  std::string command;
  std::vector<std::string_view> reply;
};

}  // namespace

bool DecodeEzweb(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "@ezweb.ne.jp") && !HeaderContains(m, "Received", "(ezweb mail)")) return false;
  if (!HeaderContains(m, "Subject", "mail system error")) return false;
  std::string_view text = FirstTextBody(m);

  std::vector<Entry> entries;
  std::string sentence;
  Cause template_cause = Cause::kUndefined;
  std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view t = Trim(lines[i]);
    if (t.empty()) continue;
    if (t.starts_with("---") || StartsWithIgnoreCase(t, "Received:")) break;  // the returned message
    if (t.starts_with(">>>")) {
      if (!entries.empty()) entries.back().command = SmtpCommandIn(t);
      continue;
    }
    if (t.starts_with("<<<")) {
      if (!entries.empty()) entries.back().reply.push_back(Trim(t.substr(3)));
      continue;
    }
    std::string_view head = t;
    if (StartsWithIgnoreCase(head, "Recipient:")) head = Trim(head.substr(10));
    if (head.starts_with('<')) {
      size_t close = head.find('>');
      std::string addr = ExtractAddress(head.substr(0, close == std::string_view::npos ? head.size() : close + 1));
      if (!addr.empty()) {
        Entry e;
        e.recipient = addr;
        // "<addr>: 550 user unknown (in reply to RCPT TO command)"
        if (close != std::string_view::npos && head.substr(close + 1).starts_with(':')) {
          std::string_view reply = Trim(head.substr(close + 2));
          e.reply.push_back(reply);
          e.command = SmtpCommandIn(reply);
        }
        entries.push_back(std::move(e));
        continue;
      }
    }
    if (!sentence.empty()) continue;
    for (const Template& tp : kTemplates) {
      if (FindIgnoreCase(t, tp.sentence) == std::string_view::npos) continue;
      sentence = std::string(t);
      // The sentence may wrap onto the next line.
      if (sentence.back() != '.' && i + 1 < lines.size() && !Trim(lines[i + 1]).empty()) {
        sentence += ' ';
        sentence += Trim(lines[i + 1]);
      }
      template_cause = tp.cause;
      break;
    }
  }

  const message::DeliveryStatus& dsn = m.delivery_status();
  if (!dsn.recipients.empty()) {
    DecodeDsnGroups(m, report);
  } else {
    for (Entry& e : entries) {
      Finding f;
      f.recipient = e.recipient;
      f.action = "failed";
      report->findings.push_back(std::move(f));
    }
  }
  if (report->findings.empty()) return false;
  report->format = "ezweb";
  report->evidence = "format: au (EZweb) notice";
  for (Finding& f : report->findings) {
    const Entry* e = nullptr;
    for (const Entry& x : entries) {
      if (x.recipient == f.recipient) e = &x;
    }
    bool replied = e != nullptr && !e->reply.empty();
    if (f.diagnostic.empty()) f.diagnostic = replied ? JoinReplyLines(e->reply) : sentence;
    if (f.command.empty() && e != nullptr) f.command = e->command;
    FillCodesFromDiagnostic(&f);
    // A rejection without a reply is the carrier's own filter; the other
    // sentences say why whatever the reply.
    if (template_cause == Cause::kFiltered && replied) continue;
    if (template_cause != Cause::kUndefined) {
      f.cause = template_cause;
      f.cause_evidence = "cause: EZweb template: " + sentence;
    }
  }
  return true;
}

}  // namespace rebound::formats

// Courier MTA: "This is a delivery status notification from host, running
// the Courier mail server", then one block per recipient, "<a@b>:", the
// remote host ("    mx.example.com [192.0.2.1]:"), the SMTP dialogue
// (">>> RCPT TO:<a@b>", "<<< 550 5.1.1 ...") and a delivery-status part.
// The DSN groups give the recipients; the blocks give the failed command
// and, without a DSN part, the findings.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

namespace {

struct Block {
  std::string recipient;
  std::string diagnostic;
  std::string remote_mta;
  std::string command;
};

std::vector<Block> ReadBlocks(std::string_view text) {
  std::vector<Block> out;
  std::vector<std::string_view> reply;
  auto flush = [&] {
    if (!out.empty() && !reply.empty()) out.back().diagnostic = JoinReplyLines(reply);
    reply.clear();
  };
  for (std::string_view line : SplitLines(text)) {
    std::string_view t = Trim(line);
    if (t.starts_with("<") && t.ends_with(">:") && t.find(' ') == std::string_view::npos) {
      flush();
      std::string a = ExtractAddress(t);
      if (!a.empty()) out.push_back(Block{std::move(a), {}, {}, {}});
      continue;
    }
    if (out.empty()) continue;
    if (t.starts_with("----------")) {
      flush();
      break;
    }
    if (t.starts_with(">>> ")) {
      out.back().command = SmtpCommandIn(t.substr(4));
      reply.clear();  // the reply to the last command is the one that failed
    } else if (t.starts_with("<<< ")) {
      reply.push_back(t.substr(4));
    } else if (t.ends_with("]:") && t.find(" [") != std::string_view::npos && line.starts_with(" ")) {
      out.back().remote_mta = std::string(t.substr(0, t.find(" [")));
    }
  }
  flush();
  return out;
}

}  // namespace

bool DecodeCourier(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "Message-ID", "<courier.") && !HeaderContains(m, "Subject", "NOTICE: mail delivery status.")) {
    return false;
  }
  std::string_view text = FirstTextBody(m);
  size_t start = FindIgnoreCase(text, "running the Courier mail server");
  if (start == std::string::npos) return false;
  std::vector<Block> blocks = ReadBlocks(std::string_view(text).substr(start));
  bool delayed = FindIgnoreCase(text, "DELAYED MAIL") != std::string::npos;
  if (DecodeDsnGroups(m, report)) {
    for (Finding& f : report->findings) {
      for (const Block& b : blocks) {
        if (b.recipient != f.recipient) continue;
        if (f.diagnostic.empty()) f.diagnostic = b.diagnostic;
        if (f.remote_mta.empty()) f.remote_mta = b.remote_mta;
        if (f.command.empty()) f.command = b.command;
        FillCodesFromDiagnostic(&f);
        // A failed recipient no delivery attempt had an answer for: Courier
        // writes every refusal's dialogue into the block, so a block with
        // none means its queue time ran out (courier(8): queuetime).
        if (f.action == "failed" && f.diagnostic.empty() && b.remote_mta.empty()) f.retried = true;
        break;
      }
      // Courier writes "Remote-MTA: dns; mx.example.com [192.0.2.1]".
      if (size_t lb = f.remote_mta.find(" ["); lb != std::string::npos) f.remote_mta.resize(lb);
    }
  } else {
    for (Block& b : blocks) {
      Finding f = NoticeFinding(std::move(b.recipient), delayed ? "delayed" : "failed", std::move(b.diagnostic));
      f.remote_mta = std::move(b.remote_mta);
      f.command = std::move(b.command);
      report->findings.push_back(std::move(f));
    }
    if (report->findings.empty()) return false;
  }
  report->format = "courier";
  report->evidence = "format: courier: \"running the Courier mail server\"";
  return true;
}

}  // namespace rebound::formats

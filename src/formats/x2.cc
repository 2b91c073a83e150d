// An unidentified qmail-like MTA: "Unable to deliver message to the
// following address(es)." then "<addr>:" blocks with the reason, ending at
// "--- Original message follows."; qmail's "I'm not going to try again;
// this message has been in the queue too long." marks a retry timeout. A
// later version writes "Your delivery to the following address has been
// failed.", "Delivery failed: <addr>", "Remote host said[...]: <reply>" and
// "STEP: <command>".
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::StartsWithIgnoreCase;
using message::Trim;

namespace {

constexpr std::string_view kQueueTooLong = "this message has been in the queue too long";

Finding BlockFinding(const AddressBlock& b) {
  std::vector<std::string_view> kept;
  bool expired = false;
  for (std::string_view l : b.lines) {
    if (FindIgnoreCase(l, kQueueTooLong) != std::string_view::npos) {
      expired = true;
      continue;
    }
    kept.push_back(l.starts_with('/') ? l.substr(1) : l);
  }
  Finding f = NoticeFinding(b.recipient, "failed", JoinReplyLines(kept));
  if (expired) {
    f.cause = Cause::kExpired;
    f.cause_evidence = "cause: queue timeout (\"in the queue too long\")";
  }
  return f;
}

bool DecodeNewTemplate(std::string_view text, Report* report) {
  std::vector<std::string_view> lines = SplitLines(text);
  for (std::string_view line : lines) {
    std::string_view t = Trim(line);
    if (StartsWithIgnoreCase(t, "Delivery failed:")) {
      Finding f;
      f.recipient = ExtractAddress(t.substr(16));
      f.action = "failed";
      if (!f.recipient.empty()) report->findings.push_back(std::move(f));
    } else if (report->findings.empty()) {
      continue;
    } else if (size_t at = t.find("]:"); StartsWithIgnoreCase(t, "Remote host said") && at != std::string_view::npos) {
      report->findings.back().diagnostic = std::string(Trim(t.substr(at + 2)));
    } else if (StartsWithIgnoreCase(t, "STEP:")) {
      std::string_view step = Trim(t.substr(5));
      report->findings.back().command = std::string(step.substr(0, step.find(' ')));
    } else if (size_t sp = t.find(" failed after "); sp != std::string_view::npos) {
      report->findings.back().remote_mta = std::string(t.substr(0, sp));
    }
  }
  for (Finding& f : report->findings) FillCodesFromDiagnostic(&f);
  return !report->findings.empty();
}

}  // namespace

bool DecodeX2(const message::Message& m, Report* report) {
  if (!HeaderContains(m, "From", "mailer-daemon") && !HeaderContains(m, "From", "postmaster")) return false;
  std::string_view text = FirstTextBody(m);
  if (FindIgnoreCase(text, "your delivery to the following address has been failed") != std::string::npos) {
    if (!DecodeNewTemplate(text, report)) return false;
    report->format = "x2";
    report->evidence = "format: \"Your delivery to the following address has been failed\" notice";
    return true;
  }
  // The blocks end at "--- Original message follows.".
  for (const AddressBlock& b : ReadAddressBlocks(text, "unable to deliver message to the following address(es).")) {
    report->findings.push_back(BlockFinding(b));
  }
  if (report->findings.empty()) return false;
  report->format = "x2";
  report->evidence = "format: \"Unable to deliver message to the following address(es)\" notice";
  return true;
}

}  // namespace rebound::formats

// Microsoft Exchange 2007 and later: a multipart/report whose text part
// says "Delivery has failed to these recipients or groups:" (localized)
// and ends with "Diagnostic information for administrators:", one entry
// per recipient with the remote reply, and usually a delivery-status
// part. The DSN groups give the recipients; the diagnostic section gives
// what they lack (the remote host, the reply of a server that Exchange
// quotes as "Remote Server returned '...'").
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

using message::FindIgnoreCase;
using message::Trim;

namespace {

struct NdrEntry {
  std::string recipient;
  std::string diagnostic;
  std::string remote_mta;
};

// The end of the reply quoted after "returned '": the quote that precedes
// the next dated attempt ("' 3/09/2016 7:58:27 PM - ..."), else the last.
size_t QuotedReplyEnd(std::string_view v) {
  for (size_t q = v.find("' "); q != std::string_view::npos; q = v.find("' ", q + 1)) {
    std::string_view next = v.substr(q + 2, 6);
    if (!next.empty() && next[0] >= '0' && next[0] <= '9' && next.find('/') != std::string_view::npos) return q;
  }
  size_t last = v.rfind('\'');
  return last == std::string_view::npos ? v.size() : last;
}

// Splits an entry of the diagnostic section: "mx.example.com Remote Server
// returned '550 ...'" or "3/09/2016 8:05:56 PM - Remote Server at
// mx.example.com (192.0.2.1) returned '...'". The first (latest) attempt
// is the one that decided.
NdrEntry SplitEntry(const ExchangeEntry& e) {
  NdrEntry out;
  out.recipient = e.recipient;
  std::string_view v = e.diagnostic;
  size_t r = FindIgnoreCase(v, "returned '");
  if (r == std::string_view::npos) {
    out.diagnostic = std::string(v);
    return out;
  }
  std::string_view before = v.substr(0, r);
  std::string_view inner = v.substr(r + 10);
  inner = inner.substr(0, QuotedReplyEnd(inner));
  out.diagnostic = std::string(Trim(inner));
  size_t at = FindIgnoreCase(before, "server at ");
  if (at != std::string_view::npos) {
    std::string_view host = before.substr(at + 10);
    out.remote_mta = std::string(host.substr(0, host.find(' ')));
  } else {
    size_t rs = FindIgnoreCase(before, "remote server");
    std::string_view host = Trim(before.substr(0, rs));
    if (!host.empty() && host.find(' ') == std::string_view::npos && host.find('@') == std::string_view::npos) {
      out.remote_mta = std::string(host);
    }
  }
  return out;
}

}  // namespace

bool ReadExchangeNdr(const message::Message& m, Report* report) {
  std::string_view text = FirstTextBody(m);
  std::vector<ExchangeEntry> entries = ParseExchangeDiagnostics(text, nullptr);
  std::vector<NdrEntry> ndr;
  ndr.reserve(entries.size());
  for (const ExchangeEntry& e : entries) ndr.push_back(SplitEntry(e));

  if (DecodeDsnGroups(m, report)) {
    for (Finding& f : report->findings) {
      for (const NdrEntry& e : ndr) {
        if (e.recipient != f.recipient) continue;
        if (f.diagnostic.empty()) f.diagnostic = e.diagnostic;
        if (f.remote_mta.empty()) f.remote_mta = e.remote_mta;
        FillCodesFromDiagnostic(&f);
        break;
      }
    }
    return !report->findings.empty();
  }
  // Exchange's delay notice: "Delivery is delayed to these recipients".
  bool delayed = FindIgnoreCase(text, "delivery is delayed to these") != std::string::npos;
  for (NdrEntry& e : ndr) {
    Finding f = NoticeFinding(std::move(e.recipient), delayed ? "delayed" : "failed", std::move(e.diagnostic));
    f.remote_mta = std::move(e.remote_mta);
    report->findings.push_back(std::move(f));
  }
  return !report->findings.empty();
}

bool LooksLikeExchangeNdr(const message::Message& m) {
  const message::HeaderBlock& h = m.headers();
  if (h.Has("X-MS-Exchange-Message-Is-Ndr")) return true;
  if (!message::StartsWithIgnoreCase(m.Subject(), "Undeliverable") && !h.Has("Content-Language") &&
      !h.Has("X-MS-Embedded-Report")) {
    return false;
  }
  std::string_view text = FirstTextBody(m);
  return FindIgnoreCase(text, "diagnostic information for administrators:") != std::string::npos ||
         FindIgnoreCase(text, "sent by microsoft exchange server") != std::string::npos;
}

bool DecodeExchange2007(const message::Message& m, Report* report) {
  if (!LooksLikeExchangeNdr(m)) return false;
  if (!ReadExchangeNdr(m, report)) return false;
  report->format = "exchange2007";
  report->evidence = "format: exchange2007: Exchange non-delivery report";
  return true;
}

}  // namespace rebound::formats

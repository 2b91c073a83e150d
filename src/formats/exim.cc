// Exim's bounce and delay warning: "This message was created automatically
// by mail delivery software." then indented recipient blocks, each with the
// remote host, the SMTP command and the reply.
#include "formats/formats.h"
#include "formats/util.h"
#include "message/headers.h"

namespace rebound::formats {

namespace {

bool LooksLikeExim(const message::Message& m) {
  const message::HeaderBlock& h = m.headers();
  if (h.Has("X-Failed-Recipients")) return true;
  const std::string& subject = m.Subject();
  if (message::StartsWithIgnoreCase(subject, "Mail delivery failed") ||
      message::StartsWithIgnoreCase(subject, "Mail failure") ||
      (message::StartsWithIgnoreCase(subject, "Warning: message ") &&
       message::FindIgnoreCase(subject, " delayed") != std::string::npos)) {
    return true;
  }
  return message::FindIgnoreCase(h.Raw("From"), "Mail Delivery System") != std::string_view::npos;
}

// The domain after the last '@' of an address, or a host name as it is.
std::string_view DomainOf(std::string_view a) {
  size_t at = a.rfind('@');
  return at == std::string_view::npos ? a : a.substr(at + 1);
}

// Whether `domain` is the reporting host's own: the host is the domain or
// one of its names ("mx.example.org" for "example.org").
bool OwnDomain(std::string_view host, std::string_view domain) {
  if (host.empty() || domain.empty()) return false;
  if (message::EqualsIgnoreCase(host, domain)) return true;
  return host.size() > domain.size() && host[host.size() - domain.size() - 1] == '.' &&
         message::EqualsIgnoreCase(host.substr(host.size() - domain.size()), domain);
}

// Exim bounces an address that no router accepted as "Unrouteable address"
// (the Exim specification, "How routers work"): for a remote domain the DNS
// had no host; for the host's own domain no router knew the local part, an
// unknown user. The notice's From (Mailer-Daemon@ its qualify domain) and
// Message-Id (its primary host name) say which domain is its own.
void UnrouteableLocalAddresses(const message::Message& m, Report* report) {
  const std::string from = ExtractAddress(m.headers().Raw("From"));
  const std::string id = ExtractAddress(m.headers().Raw("Message-Id"));
  for (Finding& f : report->findings) {
    if (!message::EqualsIgnoreCase(message::Trim(f.diagnostic), "Unrouteable address")) continue;
    std::string_view domain = DomainOf(f.recipient);
    if (OwnDomain(DomainOf(from), domain) || OwnDomain(DomainOf(id), domain)) {
      f.cause = Cause::kUserUnknown;
      f.cause_evidence = "cause: exim: \"Unrouteable address\" in the reporting host's own domain: no such user";
    }
  }
}

}  // namespace

bool DecodeExim(const message::Message& m, Report* report) {
  if (!LooksLikeExim(m)) return false;
  std::string_view body = FirstTextBody(m);
  // Exim's fixed opening sentences (bounce, delay warning, bad address).
  if (message::FindIgnoreCase(body, "This message was created automatically by") == std::string::npos &&
      message::FindIgnoreCase(body, "A message that you sent") == std::string::npos &&
      message::FindIgnoreCase(body, "recipient addresses that were\nincorrectly constructed") == std::string::npos) {
    return false;
  }
  if (!ParseEximNotice(m, body, report)) return false;
  // Exim 4.9x adds a delivery-status part; its Final-Recipient may be a pipe
  // or a file, so the text's blocks give the recipients and the groups, in
  // the same order, only the status.
  const message::DeliveryStatus& dsn = m.delivery_status();
  if (dsn.recipients.size() == report->findings.size()) {
    for (size_t i = 0; i < dsn.recipients.size(); ++i) {
      Finding& f = report->findings[i];
      std::string status = dsn.recipients[i].Unfolded("Status");
      if (f.status.empty()) f.status = std::string(FindStatusCode(status));
      if (f.remote_mta.empty()) f.remote_mta = StripTypePrefix(dsn.recipients[i].Unfolded("Remote-MTA"));
    }
  }
  UnrouteableLocalAddresses(m, report);
  report->format = "exim";
  report->evidence = "format: exim: \"This message was created automatically by mail delivery software\"";
  return true;
}

}  // namespace rebound::formats

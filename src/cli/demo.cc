// `rebound serve --demo`: a store to look around in. On its first start it
// makes the account "demo", a user to sign in with, contacts, and bounces of
// every kind, given to the same use cases real ones go through.
#include <fmt/format.h>

#include <cstdio>

#include "app/app.h"
#include "cli/commands.h"

namespace rebound::cli {

namespace {

struct DemoBounce {
  const char* address;
  const char* status;
  const char* action;
  const char* diagnostic;
};

constexpr DemoBounce kBounces[] = {
    {"ghost@example.org", "5.1.1", "failed", "550 5.1.1 <ghost@example.org>: Recipient address rejected: User unknown"},
    {"moved@example.net", "5.1.1", "failed", "550 5.1.1 The email account that you tried to reach does not exist."},
    {"hoarder@example.com", "5.2.2", "failed", "552 5.2.2 Mailbox full: quota exceeded"},
    {"strict@corp.example", "5.7.1", "failed", "550 5.7.1 Message rejected as spam by Content Filtering"},
    {"secure@corp.example", "5.7.26", "failed",
     "550 5.7.26 Unauthenticated email from shop.example is not accepted due to domain's DMARC policy"},
    {"busy@example.org", "4.2.2", "delayed", "452 4.2.2 Mailbox full, try again later"},
    {"grey@example.net", "4.7.1", "delayed", "450 4.7.1 Greylisted, please try again in 5 minutes"},
    {"tired@example.com", "4.4.7", "failed", "421 4.4.7 Message expired: delivery time exceeded"},
    {"nowhere@no-such-domain.example", "5.1.2", "failed", "550 5.1.2 Host or domain name not found"},
    {"blocked@corp.example", "5.7.1", "failed",
     "554 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org"},
};

std::string Dsn(const DemoBounce& b) {
  return fmt::format(
      "From: MAILER-DAEMON@mx.example.org\r\nTo: news@shop.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n"
      "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
      "Final-Recipient: rfc822; {}\r\nAction: {}\r\nStatus: {}\r\nDiagnostic-Code: smtp; {}\r\n\r\n--b--\r\n",
      b.address, b.action, b.status, b.diagnostic);
}

}  // namespace

bool SeedDemo(app::App& a, std::string* url_note) {
  constexpr const char* kEmail = "demo@rebound.example";
  constexpr const char* kPassword = "rebound-demo-password";
  *url_note = fmt::format("sign in as {} with the password {}", kEmail, kPassword);
  store::Account account;
  app::Status st = a.FindAccount("demo", &account);
  if (st.ok()) return true;  // made before
  if (st.code() != app::Code::kNotFound || !a.CreateAccount("demo", "strict", &account).ok()) return false;
  store::User user;
  if (!a.CreateUser(account.id, kEmail, kPassword, &user).ok()) return false;
  std::vector<app::ContactInput> contacts;
  for (int i = 1; i <= 40; ++i)
    contacts.push_back({fmt::format("reader{}@example.org", i), "{\"plan\":\"newsletter\"}"});
  app::ImportReport report;
  if (!a.ImportContacts(account.id, contacts, &report).ok()) return false;
  for (const DemoBounce& b : kBounces) {
    app::IngestResult result;
    if (!a.IngestRaw(account.id, Dsn(b), &result).ok()) return false;
  }
  bool created = false;
  store::Suppression s;
  return a.Suppress(account.id, "reader7@example.org", kEmail, "asked by phone to stop", &created, &s).ok();
}

}  // namespace rebound::cli

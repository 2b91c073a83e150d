// `rebound inbox connect|list|remove|send`: connected inboxes from the
// shell, through the application layer like every other face.
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/json.h"
#include "cli/commands.h"

namespace rebound::cli {

namespace {

using nlohmann::json;

void Print(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::printf("%s\n", s.c_str());
}

int Failed(const app::Status& st, const std::string& what) {
  std::fprintf(stderr, "rebound: %s: %s\n", what.c_str(), st.message().c_str());
  return st.code() == app::Code::kUnavailable ? kExitTempFail : 1;
}

bool ReadLine(std::string* out) {
  if (!std::getline(std::cin, *out)) return false;
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return true;
}

}  // namespace

int RunInbox(const classify::Classifier& classifier, const ServeArgs& args, const InboxArgs& in) {
  int code = 0;
  std::unique_ptr<app::App> a = OpenConfiguredApp(classifier, args, &code);
  if (!a) return code;
  store::Account account;
  app::Status st = a->FindAccount(in.account, &account);
  if (!st.ok()) return Failed(st, "no account " + in.account);

  if (in.action == "connect") {
    app::InboxInput input;
    input.user_email = in.user;
    input.address = in.address;
    input.provider = in.provider;
    input.imap_host = in.imap_host;
    input.imap_port = in.imap_port;
    input.imap_tls = in.imap_tls;
    input.smtp_host = in.smtp_host;
    input.smtp_port = in.smtp_port;
    input.smtp_tls = in.smtp_tls;
    input.username = in.username;
    input.auth = in.auth;
    input.token_url = in.token_url;
    input.client_id = in.client_id;
    input.verify = !in.no_verify;
    if (in.auth == "oauth2") {
      if (!ReadLine(&input.refresh_token)) {
        std::fprintf(stderr, "rebound: no refresh token on standard input\n");
        return 1;
      }
      ReadLine(&input.client_secret);  // optional second line
    } else if (!ReadLine(&input.password)) {
      std::fprintf(stderr, "rebound: no password on standard input\n");
      return 1;
    }
    store::Inbox inbox;
    st = a->ConnectInbox(account.id, input, &inbox);
    input.password.assign(input.password.size(), '\0');
    input.refresh_token.assign(input.refresh_token.size(), '\0');
    if (!st.ok()) return Failed(st, "cannot connect the inbox");
    if (in.json) {
      Print(app::InboxJson(inbox));
    } else {
      std::printf("inbox %lld connected: %s (%s, %s); `rebound serve` watches it\n", static_cast<long long>(inbox.id),
                  inbox.address.c_str(), inbox.provider.c_str(), inbox.auth.c_str());
    }
    return 0;
  }
  if (in.action == "list") {
    std::vector<store::Inbox> inboxes;
    st = a->ListInboxes(account.id, &inboxes);
    if (!st.ok()) return Failed(st, "cannot list the inboxes");
    for (const store::Inbox& i : inboxes) {
      if (in.json) {
        Print(app::InboxJson(i));
      } else {
        std::printf("%6lld  %-32s %-10s %-8s %-12s %s\n", static_cast<long long>(i.id), i.address.c_str(),
                    i.provider.c_str(), i.auth.c_str(), i.state.c_str(), i.last_error.c_str());
      }
    }
    return 0;
  }
  if (in.action == "remove") {
    st = a->RemoveInbox(account.id, in.id);
    if (!st.ok()) return Failed(st, "cannot remove the inbox");
    if (!in.json) std::printf("inbox %lld removed\n", static_cast<long long>(in.id));
    return 0;
  }
  // send
  app::OneToOneInput input;
  input.inbox_id = in.id;
  input.to = in.to;
  input.subject = in.subject;
  if (!ReadWhole(in.body_file.empty() ? "-" : in.body_file, &input.body)) {
    std::fprintf(stderr, "rebound: cannot read %s\n", in.body_file.c_str());
    return 1;
  }
  app::OneToOneResult r;
  st = a->SendOneToOne(account.id, input, &r);
  if (!st.ok()) return Failed(st, "cannot send");
  if (in.json) {
    Print(app::OneToOneJson(r));
  } else {
    std::printf("send %lld <%s>: %s: %s%s\n", static_cast<long long>(r.send_id), r.message_id.c_str(), r.state.c_str(),
                r.reply.c_str(), r.type.empty() ? "" : fmt::format(" ({} {})", r.type, r.reason).c_str());
  }
  return r.state == "delivered" ? 0 : 3;
}

}  // namespace rebound::cli

// Connected inboxes: connecting one, one-to-one email through it, and what
// its watcher finds (PRODUCT.md sections 4 and 5.3).
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/inbox_watcher.h"
#include "app/secrets.h"
#include "delivery/smtp_client.h"
#include "inbox/detect.h"
#include "inbox/imap_client.h"
#include "inbox/oauth.h"
#include "inbox/presets.h"
#include "store/users.h"

namespace rebound::app {

namespace {

bool ValidTls(const std::string& t) { return t == "tls" || t == "starttls"; }

std::string DomainOf(const std::string& address) {
  size_t at = address.rfind('@');
  return at == std::string::npos ? std::string("localhost") : address.substr(at + 1);
}

// An RFC 2047 encoded word when the text is not ASCII.
std::string HeaderText(const std::string& text) {
  bool ascii = true;
  for (unsigned char c : text) ascii = ascii && c >= 0x20 && c < 0x7f;
  if (ascii) return text;
  return "=?UTF-8?B?" + Base64(text) + "?=";
}

}  // namespace

Status App::ConnectInbox(int64_t account_id, const InboxInput& in, store::Inbox* out) {
  inbox::Preset preset;
  if (!inbox::FindPreset(in.provider, &preset)) {
    return Status::BadRequest("provider must be gmail, office365 or imap");
  }
  store::Inbox i;
  i.account_id = account_id;
  i.user_email = store::NormalizeAddress(in.user_email);
  i.address = store::NormalizeAddress(in.address);
  i.provider = preset.provider;
  i.imap_host = in.imap_host.empty() ? preset.imap_host : in.imap_host;
  i.imap_port = in.imap_port != 0 ? in.imap_port : (in.imap_tls == "starttls" ? 143 : preset.imap_port);
  i.imap_tls = in.imap_tls.empty() ? preset.imap_tls : in.imap_tls;
  i.smtp_host = in.smtp_host.empty() ? preset.smtp_host : in.smtp_host;
  i.smtp_port = in.smtp_port != 0 ? in.smtp_port : (in.smtp_tls == "starttls" ? 587 : preset.smtp_port);
  i.smtp_tls = in.smtp_tls.empty() ? preset.smtp_tls : in.smtp_tls;
  i.username = in.username.empty() ? i.address : in.username;
  i.auth = in.auth;
  i.token_url = in.token_url.empty() ? preset.token_url : in.token_url;
  i.client_id = in.client_id;
  if (i.address.find('@') == std::string::npos) return Status::BadRequest("address must be an email address");
  if (i.user_email.empty()) return Status::BadRequest("user_email names the account's user who owns the inbox");
  if (i.imap_host.empty() || i.smtp_host.empty()) {
    return Status::BadRequest("imap_host and smtp_host are needed for a generic IMAP inbox");
  }
  if (!ValidTls(i.imap_tls) || !ValidTls(i.smtp_tls))
    return Status::BadRequest("imap_tls and smtp_tls: tls or starttls");
  if (i.imap_port <= 0 || i.imap_port > 65535 || i.smtp_port <= 0 || i.smtp_port > 65535) {
    return Status::BadRequest("ports must be between 1 and 65535");
  }
  std::string secret;
  if (i.auth == "password") {
    if (in.password.empty()) return Status::BadRequest("password is needed with auth password");
    secret = in.password;
  } else if (i.auth == "oauth2") {
    if (in.refresh_token.empty() || i.token_url.empty() || i.client_id.empty()) {
      return Status::BadRequest("auth oauth2 needs refresh_token, client_id and token_url (or a provider preset)");
    }
    secret = in.refresh_token;
  } else {
    return Status::BadRequest("auth must be password or oauth2");
  }
  if (options_.secrets_key.size() != kSecretKeyBytes) {
    return Status::Internal("no secrets key is configured: credentials cannot be stored");
  }
  {
    StorePool::Lease s;
    Status st = Lease(&s);
    if (!st.ok()) return st;
    std::string error;
    store::User user;
    bool found = false;
    if (!store::FindUserByEmail(*s, i.user_email, &user, &found, &error)) return StoreError("connect inbox", error);
    if (!found || user.account_id != account_id)
      return Status::BadRequest("no user " + i.user_email + " in the account");
  }
  i.secret = Seal(options_.secrets_key, secret);
  if (!in.client_secret.empty()) i.client_secret = Seal(options_.secrets_key, in.client_secret);
  i.created_at = Now();
  i.state_at = i.created_at;

  // A first login proves the settings, and fixes where watching starts:
  // what is in the mailbox now was not sent by us.
  std::vector<store::InboxFolder> folders;
  if (in.verify) {
    inbox::ImapOptions o{i.imap_host, static_cast<int>(i.imap_port),   i.imap_tls, options_.inboxes.ca_file,
                         true,        options_.inboxes.timeout_seconds};
    inbox::ImapClient imap(o);
    std::string login;
    std::string rotated;
    Status st = InboxLogin(i, true, &login, &rotated);
    if (!rotated.empty()) i.secret = rotated;
    if (!st.ok()) return st.code() == Code::kUnauthorized ? Status::BadRequest(st.message()) : st;
    if (!imap.Connect()) return Status::BadRequest("cannot reach " + i.imap_host + ": " + imap.error());
    const bool ok = i.auth == "oauth2" ? imap.LoginOauth2(i.username, login) : imap.Login(i.username, login);
    if (!ok) return Status::BadRequest("the IMAP server refused the login: " + imap.error());
    std::string junk;
    inbox::FolderStatus st_inbox;
    if (!imap.FindJunk(&junk) || !imap.Examine("INBOX", &st_inbox)) {
      return Status::BadRequest("cannot read the mailbox: " + imap.error());
    }
    folders.push_back(
        {0, "inbox", "INBOX", st_inbox.uidvalidity, st_inbox.uidnext > 0 ? st_inbox.uidnext - 1 : 0, i.created_at});
    inbox::FolderStatus st_junk;
    if (!junk.empty() && imap.Status(junk, &st_junk)) {
      folders.push_back(
          {0, "junk", junk, st_junk.uidvalidity, st_junk.uidnext > 0 ? st_junk.uidnext - 1 : 0, i.created_at});
    }
    imap.Logout();
    i.state = "connecting";
  }
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!s->Begin(&error)) return StoreError("connect inbox", error);
  bool ok = store::InsertInbox(*s, &i, &error);
  for (store::InboxFolder& f : folders) {
    f.inbox_id = i.id;
    ok = ok && store::PutFolder(*s, f, &error);
  }
  if (!ok || !s->Commit(&error)) {
    s->Rollback();
    return StoreError("connect inbox", error);
  }
  spdlog::info("inbox {} connected: {} ({}, {} {}:{})", i.id, i.address, i.provider, i.auth, i.imap_host, i.imap_port);
  if (watchers_) watchers_->Nudge();
  *out = i;
  return Status::Ok();
}

Status App::ListInboxes(int64_t account_id, std::vector<store::Inbox>* out) {
  if (account_id == 0) return Status::BadRequest("an account is needed");
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::ListInboxes(*s, account_id, out, &error)) return StoreError("list inboxes", error);
  return Status::Ok();
}

Status App::GetInbox(int64_t account_id, int64_t id, store::Inbox* out) {
  if (account_id == 0) return Status::NotFound("no such inbox");
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool found = false;
  if (!store::FindInbox(*s, account_id, id, out, &found, &error)) return StoreError("get inbox", error);
  if (!found) return Status::NotFound("no such inbox");
  return Status::Ok();
}

Status App::RemoveInbox(int64_t account_id, int64_t id) {
  if (account_id == 0) return Status::NotFound("no such inbox");
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  bool found = false;
  if (!store::RemoveInbox(*s, account_id, id, &found, &error)) return StoreError("remove inbox", error);
  if (!found) return Status::NotFound("no such inbox");
  {
    std::lock_guard<std::mutex> lock(tokens_mu_);
    tokens_.erase(id);
  }
  if (watchers_) watchers_->Nudge();
  return Status::Ok();
}

Status App::InboxLogin(const store::Inbox& inbox, bool refresh, std::string* secret, std::string* rotated) {
  auto open = [this](const std::string& sealed, std::string* plain) {
    return Unseal(options_.secrets_key, sealed, plain)
               ? Status::Ok()
               : Status::Internal("the inbox's credentials cannot be opened with this secrets key");
  };
  if (inbox.auth != "oauth2") return open(inbox.secret, secret);
  const int64_t now = Now();
  auto cached = [&]() {
    std::lock_guard<std::mutex> lock(tokens_mu_);
    auto it = tokens_.find(inbox.id);
    // A minute's margin: a token must not expire between here and LOGIN.
    if (it == tokens_.end() || (it->second.second != 0 && it->second.second <= now + 60)) return false;
    *secret = it->second.first;
    return true;
  };
  if (!refresh && inbox.id != 0 && cached()) return Status::Ok();
  std::lock_guard<std::mutex> one_at_a_time(refresh_mu_);
  // The refresh token as stored now: another thread may have rotated it.
  std::string sealed = inbox.secret;
  Status st;
  if (inbox.id != 0) {
    StorePool::Lease s;
    st = Lease(&s);
    if (!st.ok()) return st;
    std::string error;
    if (!store::InboxSecret(*s, inbox.id, &sealed, &error)) return Status::NotFound(error);
  }
  std::string plain;
  st = open(sealed, &plain);
  if (!st.ok()) return st;
  inbox::OauthClient client;
  client.token_url = inbox.token_url;
  client.client_id = inbox.client_id;
  if (!inbox.client_secret.empty()) {
    st = open(inbox.client_secret, &client.client_secret);
    if (!st.ok()) return st;
  }
  client.ca_file = options_.inboxes.ca_file;
  client.timeout_seconds = options_.inboxes.timeout_seconds;
  inbox::AccessToken token;
  std::string error;
  inbox::RefreshError r = inbox::RefreshAccessToken(client, plain, now, &token, &error);
  plain.assign(plain.size(), '\0');
  if (r == inbox::RefreshError::kRevoked) return Status::Unauthorized(error);
  if (r != inbox::RefreshError::kNone) return Status::Unavailable(error);
  if (!token.refresh_token.empty()) {
    const std::string resealed = Seal(options_.secrets_key, token.refresh_token);
    token.refresh_token.assign(token.refresh_token.size(), '\0');
    if (inbox.id == 0) {
      if (rotated != nullptr) *rotated = resealed;
    } else {
      StorePool::Lease s;
      Status st = Lease(&s);
      if (!st.ok()) return st;
      if (!store::UpdateInboxSecret(*s, inbox.id, resealed, &error)) return StoreError("keep a refresh token", error);
    }
  }
  if (inbox.id != 0) {
    std::lock_guard<std::mutex> lock(tokens_mu_);
    tokens_[inbox.id] = {token.token, token.expires_at};
  }
  *secret = std::move(token.token);
  return Status::Ok();
}

Status App::SendOneToOne(int64_t account_id, const OneToOneInput& input, OneToOneResult* out) {
  *out = OneToOneResult();
  store::Inbox inbox;
  Status st = GetInbox(account_id, input.inbox_id, &inbox);
  if (!st.ok()) return st;
  const std::string to = store::NormalizeAddress(input.to);
  if (to.find('@') == std::string::npos || to.find_first_of("<>\r\n ") != std::string::npos) {
    return Status::BadRequest("to must be one email address");
  }
  const int64_t now = Now();
  out->message_id = delivery::NewMessageId(DomainOf(inbox.address));
  {
    StorePool::Lease s;
    st = Lease(&s);
    if (!st.ok()) return st;
    std::string error;
    store::Contact contact;
    if (!s->Begin(&error) || !s->UpsertContact(account_id, to, "", now, &contact, &error) ||
        !store::CreateOneToOne(*s, account_id, inbox.id, contact.id, inbox.address, input.subject, input.body,
                               out->message_id, now, &out->email_id, &out->send_id, &error) ||
        !s->Commit(&error)) {
      s->Rollback();
      return StoreError("send one-to-one", error);
    }
  }
  store::Send tracked;
  tracked.id = out->send_id;
  tracked.address = to;
  tracked.message_id = out->message_id;
  const std::string m =
      delivery::ComposeMessage("<" + inbox.address + ">", tracked, HeaderText(input.subject), input.body, now);

  delivery::SmtpClient::Options o;
  o.helo = options_.sender.helo;
  o.timeout = std::chrono::seconds(options_.inboxes.timeout_seconds);
  o.tls = delivery::SmtpClient::Tls::kRequire;
  o.implicit_tls = inbox.smtp_tls == "tls";
  o.ca_file = options_.inboxes.ca_file;
  delivery::Reply reply;
  bool refused_login = false;
  bool sent_any = false;
  delivery::TransactionResult result;
  // A temporary refusal of the login (the server lost its own auth
  // service, say) is tried once more on a new connection, and a refused
  // access token once more with a fresh one.
  bool refresh = false;
  for (int attempt = 0; attempt < 2 && !sent_any && !refused_login; ++attempt) {
    delivery::SmtpClient smtp(o);
    reply = smtp.Connect(inbox.smtp_host, static_cast<int>(inbox.smtp_port));
    if (!smtp.connected()) break;
    std::string secret;
    st = InboxLogin(inbox, refresh, &secret);
    if (!st.ok()) {
      reply = delivery::Reply{0, st.message()};
      refused_login = st.code() == Code::kUnauthorized;
      break;
    }
    auto mech = inbox.auth == "oauth2" ? delivery::SmtpClient::Auth::kXoauth2 : delivery::SmtpClient::Auth::kPlain;
    reply = smtp.Authenticate(mech, inbox.username, secret);
    secret.assign(secret.size(), '\0');
    if (reply.code / 100 == 2) {
      result = smtp.Send(delivery::Envelope{inbox.address, {to}, m});
      sent_any = true;
    } else if (reply.code / 100 == 5) {
      refused_login = inbox.auth != "oauth2" || refresh;
      refresh = true;
    }
    smtp.Quit();
  }
  std::string error;
  if (!sent_any || result.mail.code / 100 != 2) {
    // Nothing reached the recipient's side: the send did not happen.
    const delivery::Reply& why = sent_any ? result.mail : reply;
    out->state = "not_sent";
    out->reply = why.Line();
    StorePool::Lease s;
    st = Lease(&s);
    if (!st.ok()) return st;
    store::Send send;
    bool found = false;
    if (!s->FindSend(out->send_id, &send, &found, &error)) return StoreError("send one-to-one", error);
    send.state = "not_sent";
    send.last_reply = out->reply;
    if (!s->UpdateSend(send, &error)) return StoreError("send one-to-one", error);
    if (refused_login && !store::SetInboxState(*s, inbox.id, "auth_failed", out->reply, Now(), &error)) {
      return StoreError("send one-to-one", error);
    }
    return Status::Ok();
  }
  const delivery::Reply& decisive = result.rcpt[0].code / 100 != 2 ? result.rcpt[0] : result.data;
  out->reply = decisive.Line();
  if (decisive.code / 100 == 2) {
    out->state = "delivered";
    StorePool::Lease s;
    st = Lease(&s);
    if (!st.ok()) return st;
    store::Send send;
    bool found = false;
    if (!s->Begin(&error) || !s->FindSend(out->send_id, &send, &found, &error)) {
      s->Rollback();
      return StoreError("send one-to-one", error);
    }
    send.state = "delivered";
    send.last_reply = out->reply;
    send.attempts = 1;
    send.first_attempt_at = now;
    if (!s->UpdateSend(send, &error) || !s->RecordAttempt(send.id, Now(), out->reply, "DELIVERED", "", &error) ||
        !s->Commit(&error)) {
      s->Rollback();
      return StoreError("send one-to-one", error);
    }
    return Status::Ok();
  }
  // Refused on the spot: classified like any SMTP reply. One-to-one email
  // is not retried by us, so a temporary refusal is SOFT (resend later).
  classify::Verdict v = classifier_->ClassifyReply(out->reply);
  const bool final = decisive.code / 100 == 5;
  using classify::BounceType;
  v.evidence.push_back("matched: refused by the inbox's submission server at " +
                       std::string(result.rcpt[0].code / 100 != 2 ? "RCPT" : "DATA"));
  policy::Incoming in =
      delivery::ReplyIncoming(v, out->reply,
                              v.type == BounceType::kPending ? BounceType::kSoft
                              : v.type == BounceType::kNone  ? (final ? BounceType::kHard : BounceType::kSoft)
                                                             : v.type);
  in.account_id = account_id;
  in.send_id = out->send_id;
  in.address = to;
  in.fingerprint_salt = "one-to-one send " + std::to_string(out->send_id);
  in.one_to_one = true;
  in.matched_by = "smtp_reply";
  std::vector<Applied> applied = committer().Apply({in});
  if (applied.empty() || !applied[0].committed)
    return StoreError("send one-to-one", applied.empty() ? "" : applied[0].error);
  {
    StorePool::Lease s;
    st = Lease(&s);
    if (!st.ok()) return st;
    if (!s->RecordAttempt(out->send_id, Now(), out->reply, std::string(classify::TypeName(in.type)),
                          std::string(classify::ReasonName(in.reason)), &error)) {
      return StoreError("send one-to-one", error);
    }
  }
  out->state = "bounced";
  out->type = std::string(classify::TypeName(in.type));
  out->reason = std::string(classify::ReasonName(in.reason));
  NudgeWebhooks();
  return Status::Ok();
}

Status App::RecordInboxMessage(const store::Inbox& inbox, std::string_view raw, InboxRecord* out) {
  *out = InboxRecord();
  thread_local message::Message message;
  message.Parse(raw);
  std::vector<classify::Verdict> verdicts;
  classifier_->Classify(message, &verdicts);
  inbox::Detection d;
  {
    StorePool::Lease s;
    Status st = Lease(&s);
    if (!st.ok()) return st;
    std::string lookup_error;
    inbox::Tracked tracked;
    tracked.by_message_id = [&](const std::string& id, store::Send* send, bool* found) {
      return store::FindInboxSendByMessageId(*s, inbox.id, id, send, found, &lookup_error);
    };
    tracked.by_send_id = [&](int64_t id, store::Send* send, bool* found) {
      return store::FindInboxSend(*s, inbox.id, id, send, found, &lookup_error);
    };
    std::string error;
    if (!inbox::Detect(message, verdicts, tracked, &d, &error)) {
      s.Discard();
      return StoreError("inbox message", lookup_error.empty() ? error : lookup_error);
    }
  }
  if (d.kind == inbox::Detection::Kind::kNone) {
    out->kind = "ignored";
    out->why = d.why;
    return Status::Ok();
  }
  classify::Verdict v = verdicts[d.verdict];
  v.evidence.push_back(d.evidence);
  policy::Incoming in = IncomingOf(v);
  in.account_id = inbox.account_id;
  in.send_id = d.send.id;
  in.address = d.send.address;  // the one it was sent to, whatever the notice rewrote
  in.raw = std::string(raw);
  in.fingerprint_salt = "inbox " + std::to_string(inbox.id);
  in.one_to_one = true;
  in.matched_by = d.matched_by;
  std::vector<Applied> applied = committer().Apply({in});
  if (applied.empty() || !applied[0].committed) {
    return StoreError("inbox message", applied.empty() ? "" : applied[0].error);
  }
  if (!applied[0].error.empty()) return Status::Internal(applied[0].error);
  out->kind = d.kind == inbox::Detection::Kind::kBounce ? "bounce" : "auto_reply";
  out->matched_by = d.matched_by;
  out->send_id = d.send.id;
  out->event_id = applied[0].outcome.event_id;
  out->duplicate = applied[0].outcome.duplicate;
  NudgeWebhooks();
  return Status::Ok();
}

}  // namespace rebound::app

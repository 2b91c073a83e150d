// Use cases of the web UI's people: users, sign-in with slowed guessing,
// sessions.
#include <sodium.h>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/secrets.h"
#include "store/users.h"

namespace rebound::app {

namespace {

constexpr int64_t kSessionIdle = int64_t{12} * 3600;  // a session unused this long ends
constexpr int64_t kFreeFailures = 5;                  // failed sign-ins in a row before any wait
constexpr int64_t kFirstWait = 30;                    // seconds, doubling with each further failure
constexpr int64_t kMaxWait = int64_t{15} * 60;
constexpr int64_t kFailuresForgottenAfter = 3600;  // a quiet hour starts the count again
constexpr size_t kMinPassword = 10;

std::string HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return "";  // out of memory
  }
  return out;
}

bool CheckPassword(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// The wait before the next attempt after `failures` failures in a row.
int64_t WaitAfter(int64_t failures) {
  if (failures < kFreeFailures) return 0;
  int64_t wait = kFirstWait;
  for (int64_t i = kFreeFailures; i < failures && wait < kMaxWait; ++i) wait *= 2;
  return std::min(wait, kMaxWait);
}

}  // namespace

Status App::CreateUser(int64_t account_id, const std::string& email, const std::string& password, store::User* out) {
  const std::string address = store::NormalizeAddress(email);
  if (address.find('@') == std::string::npos || address.size() > 320 ||
      address.find_first_of(" \t\r\n<>\"") != std::string::npos) {
    return Status::BadRequest("\"" + email + "\" is not an email address");
  }
  if (password.size() < kMinPassword) {
    return Status::BadRequest("a password has at least " + std::to_string(kMinPassword) + " characters");
  }
  if (password.size() > 1000) return Status::BadRequest("a password has at most 1000 characters");
  out->account_id = account_id;
  out->email = address;
  out->password_hash = HashPassword(password);
  out->created_at = Now();
  if (out->password_hash.empty()) return Status::Internal("cannot hash the password (out of memory)");
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  store::User existing;
  bool found = false;
  if (!store::FindUserByEmail(*s, address, &existing, &found, &error)) return StoreError("create user", error);
  if (found) return Status::Conflict("a user " + address + " exists already");
  if (!store::InsertUser(*s, out, &error)) return StoreError("create user", error);
  return Status::Ok();
}

Status App::ListUsers(int64_t account_id, std::vector<store::User>* out) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::ListUsers(*s, account_id, out, &error)) return StoreError("list users", error);
  return Status::Ok();
}

Status App::SignIn(const std::string& email, const std::string& password, std::string* token, WebSession* out,
                   int64_t* retry_after) {
  *retry_after = 0;
  const std::string address = store::NormalizeAddress(email);
  const int64_t now = Now();
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  int64_t failures = 0;
  int64_t last = 0;
  if (!store::LoginFailures(*s, address, &failures, &last, &error)) return StoreError("sign in", error);
  if (now - last > kFailuresForgottenAfter) failures = 0;
  const int64_t wait = WaitAfter(failures);
  if (wait > 0 && now < last + wait) {
    *retry_after = last + wait - now;
    return Status::Forbidden("too many failed sign-ins for this address; try again in " + std::to_string(*retry_after) +
                             " seconds");
  }
  store::User user;
  bool found = false;
  if (!store::FindUserByEmail(*s, address, &user, &found, &error)) return StoreError("sign in", error);
  // An unknown address costs as much as a wrong password, so that timing
  // does not tell which addresses have users.
  static const std::string kDummy = HashPassword("not a password of anyone");
  const bool ok = CheckPassword(found ? user.password_hash : kDummy, password) && found && user.disabled_at == 0;
  if (!ok) {
    if (!store::RecordLoginFailure(*s, address, now, &error)) return StoreError("sign in", error);
    *retry_after = WaitAfter(failures + 1);
    return Status::Unauthorized("the address or the password is wrong");
  }
  if (failures > 0 && !store::ClearLoginFailures(*s, address, &error)) return StoreError("sign in", error);
  *token = Base64Url(RandomBytes(32));
  store::Session session;
  session.user_id = user.id;
  session.csrf = Base64Url(RandomBytes(24));
  session.created_at = session.seen_at = now;
  session.expires_at = now + kSessionIdle;
  if (!store::InsertSession(*s, Sha256Hex(*token), &session, &error)) return StoreError("sign in", error);
  out->user_id = user.id;
  out->account_id = user.account_id;
  out->email = user.email;
  out->csrf = session.csrf;
  return Status::Ok();
}

Status App::SessionOf(const std::string& token, WebSession* out) {
  if (token.size() < 20 || token.size() > 100) return Status::Unauthorized("not signed in");
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  store::Session session;
  bool found = false;
  const int64_t now = Now();
  if (!store::FindSession(*s, Sha256Hex(token), now, &session, &found, &error)) return StoreError("session", error);
  if (!found) return Status::Unauthorized("not signed in");
  // Used: it lasts another idle period (written at most once a minute).
  if (now - session.seen_at >= 60 && !store::TouchSession(*s, session.id, now, now + kSessionIdle, &error)) {
    spdlog::warn("cannot refresh a session: {}", error);
  }
  out->user_id = session.user.id;
  out->account_id = session.user.account_id;
  out->email = session.user.email;
  out->csrf = session.csrf;
  return Status::Ok();
}

Status App::SignOut(const std::string& token) {
  StorePool::Lease s;
  Status st = Lease(&s);
  if (!st.ok()) return st;
  std::string error;
  if (!store::DeleteSession(*s, Sha256Hex(token), &error)) return StoreError("sign out", error);
  return Status::Ok();
}

}  // namespace rebound::app

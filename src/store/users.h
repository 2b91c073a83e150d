// The people who sign in to the web UI, their sessions, and the failed
// sign-ins that slow guessing down.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace rebound::store {

struct User {
  int64_t id = 0;
  int64_t account_id = 0;  // 0 for a platform operator
  std::string email;
  std::string password_hash;
  int64_t created_at = 0;
  int64_t disabled_at = 0;
};

bool InsertUser(Store& store, User* user, std::string* error);
bool FindUserByEmail(Store& store, const std::string& email, User* out, bool* found, std::string* error);
bool ListUsers(Store& store, int64_t account_id, std::vector<User>* out, std::string* error);

struct Session {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string csrf;
  int64_t created_at = 0;
  int64_t seen_at = 0;
  int64_t expires_at = 0;
  User user;  // filled by FindSession
};
bool InsertSession(Store& store, const std::string& token_hash, Session* session, std::string* error);
// The session of a token hash, with its user, when it has not expired.
bool FindSession(Store& store, const std::string& token_hash, int64_t now, Session* out, bool* found,
                 std::string* error);
bool TouchSession(Store& store, int64_t id, int64_t seen_at, int64_t expires_at, std::string* error);
bool DeleteSession(Store& store, const std::string& token_hash, std::string* error);
bool PurgeSessions(Store& store, int64_t now, std::string* error);

// Failed sign-ins of an address: how many in a row, and the last one.
bool LoginFailures(Store& store, const std::string& email, int64_t* failures, int64_t* last_at, std::string* error);
bool RecordLoginFailure(Store& store, const std::string& email, int64_t at, std::string* error);
bool ClearLoginFailures(Store& store, const std::string& email, std::string* error);

}  // namespace rebound::store

// API keys and idempotency records.
//
// A key is stored only as a SHA-256 of it (hash), with a prefix that lets
// people tell their keys apart; the key itself is shown once by the caller
// that made it. An idempotency record holds the first answer to a POST.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"

namespace rebound::store {

struct ApiKey {
  int64_t id = 0;
  int64_t account_id = 0;  // 0 for an operator key
  std::string name;
  std::string scope;  // read | write | operator
  std::string prefix;
  int64_t created_at = 0;
  int64_t last_used_at = 0;
  int64_t revoked_at = 0;
};

bool InsertApiKey(Store& store, ApiKey* key, const std::string& hash, std::string* error);
// The key with this hash, revoked or not.
bool FindApiKeyByHash(Store& store, const std::string& hash, ApiKey* out, bool* found, std::string* error);
// The account's keys (account_id 0: the operator keys), oldest first.
bool ListApiKeys(Store& store, int64_t account_id, std::vector<ApiKey>* out, std::string* error);
// Revokes the account's key `id`; *found false when it has none such (or
// it was revoked already).
bool RevokeApiKey(Store& store, int64_t account_id, int64_t id, int64_t now, bool* found, std::string* error);
bool TouchApiKey(Store& store, int64_t id, int64_t at, std::string* error);

struct IdempotencyRecord {
  std::string request_hash;
  int status = 0;  // 0 while the first request is still running
  std::string content_type;
  std::string response;
  int64_t created_at = 0;
};
// Claims (principal, key) for a request: *claimed true when this request
// is the first (or the record had expired, older than `expire_before`),
// else *existing holds what the first one left.
bool ClaimIdempotencyKey(Store& store, const std::string& principal, const std::string& key,
                         const std::string& request_hash, int64_t now, int64_t expire_before, bool* claimed,
                         IdempotencyRecord* existing, std::string* error);
bool FinishIdempotencyKey(Store& store, const std::string& principal, const std::string& key, int status,
                          const std::string& content_type, const std::string& response, std::string* error);
// Forgets a claim whose request failed in a way that may be retried.
bool ReleaseIdempotencyKey(Store& store, const std::string& principal, const std::string& key, std::string* error);
bool PurgeIdempotencyKeys(Store& store, int64_t before, std::string* error);

}  // namespace rebound::store

// OAuth 2.0 access tokens for a mailbox (XOAUTH2): refreshed from the
// refresh token the user granted, at the provider's token endpoint
// (RFC 6749 section 6).
#pragma once

#include <cstdint>
#include <string>

namespace rebound::inbox {

struct OauthClient {
  std::string token_url;
  std::string client_id;
  std::string client_secret;  // may be empty (public clients)
  std::string ca_file;        // empty: the system's CAs
  int timeout_seconds = 15;
};

struct AccessToken {
  std::string token;
  int64_t expires_at = 0;  // seconds since the epoch; 0: unknown
  // A new refresh token, when the provider rotates them (Microsoft may):
  // the old one may stop working, so the new one must be kept.
  std::string refresh_token;
};

enum class RefreshError { kNone, kRevoked, kUnavailable };

// kRevoked when the provider refused the refresh token (invalid_grant,
// 400/401: the user must connect again), kUnavailable for anything that
// may pass (network, 5xx). *error never holds a token.
RefreshError RefreshAccessToken(const OauthClient& client, const std::string& refresh_token, int64_t now,
                                AccessToken* out, std::string* error);

}  // namespace rebound::inbox

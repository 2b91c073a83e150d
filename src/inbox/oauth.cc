#include "inbox/oauth.h"

#include <curl/curl.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace rebound::inbox {

namespace {

size_t Collect(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  // A token answer is small; a huge one is not a token server's.
  if (body->size() + size * n > (1 << 20)) return 0;
  body->append(data, size * n);
  return size * n;
}

std::string Escape(CURL* curl, const std::string& s) {
  char* e = curl_easy_escape(curl, s.data(), static_cast<int>(s.size()));
  std::string out = e == nullptr ? std::string() : std::string(e);
  curl_free(e);
  return out;
}

}  // namespace

RefreshError RefreshAccessToken(const OauthClient& client, const std::string& refresh_token, int64_t now,
                                AccessToken* out, std::string* error) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    *error = "cannot start an HTTP request";
    return RefreshError::kUnavailable;
  }
  CURL* c = curl.get();
  std::string form = "grant_type=refresh_token&refresh_token=" + Escape(c, refresh_token) +
                     "&client_id=" + Escape(c, client.client_id);
  if (!client.client_secret.empty()) form += "&client_secret=" + Escape(c, client.client_secret);
  std::string body;
  curl_easy_setopt(c, CURLOPT_URL, client.token_url.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, form.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(client.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!client.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, client.ca_file.c_str());
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    *error = std::string("token endpoint unreachable: ") + curl_easy_strerror(rc);
    return RefreshError::kUnavailable;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (status == 400 || status == 401) {
    std::string code = j.is_object() && j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>()
                                                                                      : std::string("refused");
    *error = "token endpoint refused the refresh token (" + std::to_string(status) + " " + code + ")";
    return RefreshError::kRevoked;
  }
  if (status != 200 || !j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
    *error = "token endpoint answered " + std::to_string(status) + " without an access token";
    return RefreshError::kUnavailable;
  }
  out->token = j["access_token"].get<std::string>();
  out->expires_at = 0;
  out->refresh_token.clear();
  if (j.contains("refresh_token") && j["refresh_token"].is_string()) {
    out->refresh_token = j["refresh_token"].get<std::string>();
  }
  if (j.contains("expires_in") && j["expires_in"].is_number_integer()) {
    out->expires_at = now + j["expires_in"].get<int64_t>();
  }
  return RefreshError::kNone;
}

}  // namespace rebound::inbox

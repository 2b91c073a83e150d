// Secrets at rest (webhook signing secrets, inbox credentials): sealed with
// libsodium's secretbox (XSalsa20-Poly1305) under the configuration's key,
// so that a copy of the database alone reveals none of them.
#pragma once

#include <string>

namespace rebound::app {

inline constexpr size_t kSecretKeyBytes = 32;

// The key from its configured text: 64 hex digits or base64 of 32 bytes.
bool ParseSecretKey(const std::string& text, std::string* key, std::string* error);
// A new random key as 64 hex digits.
std::string NewSecretKeyText();

// nonce || ciphertext.
std::string Seal(const std::string& key, const std::string& plaintext);
// False when the sealed text was not made with this key (or was changed).
bool Unseal(const std::string& key, const std::string& sealed, std::string* plaintext);

// `bytes` random bytes from the system's generator.
std::string RandomBytes(size_t bytes);
std::string Base64(const std::string& bytes);
std::string Base64Url(const std::string& bytes);  // no padding
bool DecodeBase64(const std::string& text, std::string* bytes);
std::string Hex(const std::string& bytes);
std::string Sha256Hex(const std::string& bytes);
// HMAC-SHA256 of `message` under `key`, raw bytes.
std::string HmacSha256(const std::string& key, const std::string& message);

}  // namespace rebound::app

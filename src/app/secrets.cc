#include "app/secrets.h"

#include <sodium.h>

#include <stdexcept>

namespace rebound::app {

namespace {

void InitSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium cannot initialise");
}

}  // namespace

bool ParseSecretKey(const std::string& text, std::string* key, std::string* error) {
  std::string bytes;
  if (text.size() == 2 * kSecretKeyBytes) {
    bytes.resize(kSecretKeyBytes);
    size_t len = 0;
    if (sodium_hex2bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(), text.size(), nullptr,
                       &len, nullptr) == 0 &&
        len == kSecretKeyBytes) {
      *key = bytes;
      return true;
    }
  }
  if (DecodeBase64(text, &bytes) && bytes.size() == kSecretKeyBytes) {
    *key = bytes;
    return true;
  }
  *error = "the secrets key must be 32 bytes, written as 64 hex digits or base64";
  return false;
}

std::string NewSecretKeyText() { return Hex(RandomBytes(kSecretKeyBytes)); }

std::string Seal(const std::string& key, const std::string& plaintext) {
  InitSodium();
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, reinterpret_cast<const unsigned char*>(key.data()));
  return out;
}

bool Unseal(const std::string& key, const std::string& sealed, std::string* plaintext) {
  InitSodium();
  if (key.size() != kSecretKeyBytes || sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return false;
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  const size_t cipher_len = sealed.size() - crypto_secretbox_NONCEBYTES;
  plaintext->assign(cipher_len - crypto_secretbox_MACBYTES, '\0');
  return crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext->data()),
                                    nonce + crypto_secretbox_NONCEBYTES, cipher_len, nonce,
                                    reinterpret_cast<const unsigned char*>(key.data())) == 0;
}

std::string RandomBytes(size_t bytes) {
  InitSodium();
  std::string out(bytes, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

std::string Base64(const std::string& bytes) {
  InitSodium();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string Base64Url(const std::string& bytes) {
  InitSodium();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);
  return out;
}

bool DecodeBase64(const std::string& text, std::string* bytes) {
  InitSodium();
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    std::string out(text.size(), '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                          &len, nullptr, variant) == 0) {
      out.resize(len);
      *bytes = std::move(out);
      return true;
    }
  }
  return false;
}

std::string Hex(const std::string& bytes) {
  InitSodium();
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  out.resize(out.size() - 1);
  return out;
}

std::string Sha256Hex(const std::string& bytes) {
  InitSodium();
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return Hex(digest);
}

std::string HmacSha256(const std::string& key, const std::string& message) {
  InitSodium();
  // libsodium's HMAC-SHA256 takes a key of any length (hashed when longer
  // than a block), as RFC 2104 and the Standard Webhooks spec expect.
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(mac.data()));
  return mac;
}

}  // namespace rebound::app

#include "delivery/verp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace rebound::delivery {

namespace {

constexpr size_t kMacBytes = 10;  // 80 bits: forging one costs 2^80 tries
constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

std::string Base32(const std::string& bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

bool FromBase32(std::string_view text, std::string* out) {
  out->clear();
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) return false;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out->push_back(static_cast<char>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  return true;
}

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    auto c = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(c & 0x7F) << shift;
    if ((c & 0x80) == 0) return true;
  }
  return false;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  return out;
}

}  // namespace

bool VerpSigner::Create(const std::string& local_part, const std::string& domain, std::vector<VerpKey> keys,
                        VerpSigner* out, std::string* error) {
  if (keys.empty()) {
    *error = "VERP needs at least one signing key";
    return false;
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].secret.size() < 16) {
      *error = "VERP key " + std::to_string(keys[i].id) + " is shorter than 16 bytes";
      return false;
    }
    for (size_t j = 0; j < i; ++j) {
      if (keys[j].id == keys[i].id) {
        *error = "two VERP keys share the id " + std::to_string(keys[i].id);
        return false;
      }
    }
  }
  if (local_part.empty() || domain.empty() || local_part.find('+') != std::string::npos) {
    *error = "VERP needs a local part without '+' and a bounce domain";
    return false;
  }
  out->local_ = Lower(local_part);
  out->domain_ = Lower(domain);
  out->keys_ = std::move(keys);
  return true;
}

std::string VerpSigner::Mac(const VerpKey& key, uint64_t send_id) const {
  std::string message = "rebound-verp";
  message.push_back('\0');
  message.push_back(static_cast<char>(key.id));
  PutVarint(send_id, &message);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.secret.data(), static_cast<int>(key.secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), kMacBytes);
}

std::string VerpSigner::Address(uint64_t send_id) const {
  const VerpKey& key = keys_.front();
  std::string token;
  token.push_back(static_cast<char>(key.id));
  PutVarint(send_id, &token);
  token += Mac(key, send_id);
  return local_ + "+" + Base32(token) + "@" + domain_;
}

bool VerpSigner::Verify(std::string_view address, uint64_t* send_id) const {
  std::string a = Lower(address);
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
  size_t at = a.rfind('@');
  if (at == std::string::npos || a.substr(at + 1) != domain_) return false;
  std::string_view local = std::string_view(a).substr(0, at);
  if (!local.starts_with(local_) || local.size() <= local_.size() + 1 || local[local_.size()] != '+') return false;
  std::string token;
  if (!FromBase32(local.substr(local_.size() + 1), &token) || token.size() < 2 + kMacBytes) return false;
  std::string_view rest(token);
  const auto key_id = static_cast<uint8_t>(rest.front());
  rest.remove_prefix(1);
  uint64_t id = 0;
  if (!GetVarint(&rest, &id) || rest.size() != kMacBytes) return false;
  for (const VerpKey& key : keys_) {
    if (key.id != key_id) continue;
    std::string mac = Mac(key, id);
    if (CRYPTO_memcmp(mac.data(), rest.data(), kMacBytes) != 0) return false;
    *send_id = id;
    return true;
  }
  return false;  // signed with a key retired since
}

}  // namespace rebound::delivery

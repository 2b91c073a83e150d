// Signed VERP return paths. Every marketing send goes out with the envelope
// sender <local>+<token>@<bounce domain>, where the token carries the send id
// and an HMAC-SHA256 over it, truncated to 80 bits. A bounce to an address
// whose token does not verify is refused: a forged bounce suppresses nobody.
//
// Keys rotate: the first key signs, every key verifies, each token names
// the key that signed it. Tokens use lowercase base32 because mail systems
// may change the case of a local part.
//
// A VerpSigner is immutable after construction and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rebound::delivery {

struct VerpKey {
  uint8_t id = 0;      // named in each token
  std::string secret;  // at least 16 bytes
};

class VerpSigner {
 public:
  // `keys` must not be empty; keys[0] signs. An error is returned for keys
  // that are too short or share an id.
  static bool Create(const std::string& local_part, const std::string& domain, std::vector<VerpKey> keys,
                     VerpSigner* out, std::string* error);

  // The return path for `send_id`, e.g. "bounce+ab3k...@bounces.example.net".
  std::string Address(uint64_t send_id) const;

  // True when `address` is a return path of this domain whose token
  // verifies with one of the keys; sets the send id. Case-insensitive.
  bool Verify(std::string_view address, uint64_t* send_id) const;

  const std::string& domain() const { return domain_; }

 private:
  std::string Mac(const VerpKey& key, uint64_t send_id) const;

  std::string local_;
  std::string domain_;
  std::vector<VerpKey> keys_;
};

}  // namespace rebound::delivery

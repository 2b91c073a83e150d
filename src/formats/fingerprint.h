// A 64-bit FNV-1a fingerprint of text. The databases compiled at build time
// carry the fingerprint of what they were compiled from, so that one made
// from other rules or marks is never loaded.
#pragma once

#include <cstdint>
#include <string_view>

namespace rebound::formats {

inline constexpr uint64_t kFingerprintSeed = 1469598103934665603ull;

// Continues fingerprint `h` with `bytes`.
inline uint64_t Fingerprint(std::string_view bytes, uint64_t h = kFingerprintSeed) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace rebound::formats

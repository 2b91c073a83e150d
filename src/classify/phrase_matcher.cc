#include "classify/phrase_matcher.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "formats/fingerprint.h"

namespace rebound::classify {

namespace {

std::atomic<uint64_t> next_database_id{1};

// Scratch spaces of this thread, one per database it has scanned with.
class ThreadScratch {
 public:
  ~ThreadScratch() {
    for (auto& [id, scratch] : scratch_) hs_free_scratch(scratch);
  }
  hs_scratch_t* For(uint64_t id, const hs_database_t* db) {
    auto it = scratch_.find(id);
    if (it != scratch_.end()) return it->second;
    hs_scratch_t* scratch = nullptr;
    if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) return nullptr;
    scratch_.emplace(id, scratch);
    return scratch;
  }
  void Forget(uint64_t id) {
    auto it = scratch_.find(id);
    if (it == scratch_.end()) return;
    hs_free_scratch(it->second);
    scratch_.erase(it);
  }

 private:
  std::unordered_map<uint64_t, hs_scratch_t*> scratch_;
};

thread_local ThreadScratch thread_scratch;

int OnMatch(unsigned int id, unsigned long long, unsigned long long, unsigned int, void* context) {
  static_cast<std::vector<uint32_t>*>(context)->push_back(id);
  return 0;  // keep scanning: a lower id may still match
}

}  // namespace

struct PhraseMatcher::Database {
  hs_database_t* db = nullptr;
  uint64_t id = next_database_id.fetch_add(1);
  ~Database() {
    thread_scratch.Forget(id);
    hs_free_database(db);
  }
};

PhraseMatcher::PhraseMatcher() = default;
PhraseMatcher::~PhraseMatcher() = default;

std::string EscapeLiteral(std::string_view literal) {
  std::string out;
  out.reserve(literal.size() * 2);
  for (char c : literal) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
    if (!plain) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

namespace {

constexpr std::string_view kMagic = "RBHS0001";

uint64_t HashPatterns(const std::vector<PhraseMatcher::Pattern>& patterns) {
  uint64_t h = formats::kFingerprintSeed;
  for (const auto& p : patterns) h = formats::Fingerprint(p.regex ? "\x01" : "\x02", formats::Fingerprint(p.text, h));
  return h;
}

}  // namespace

std::string PhraseMatcher::Serialize() const {
  if (!db_) return {};
  char* bytes = nullptr;
  size_t length = 0;
  if (hs_serialize_database(db_->db, &bytes, &length) != HS_SUCCESS) return {};
  std::string out(kMagic);
  out.append(reinterpret_cast<const char*>(&hash_), sizeof(hash_));
  out.append(bytes, length);
  free(bytes);
  return out;
}

bool PhraseMatcher::Compile(const std::vector<Pattern>& patterns, std::string* error, std::string_view precompiled) {
  db_.reset();
  size_ = patterns.size();
  hash_ = HashPatterns(patterns);
  loaded_precompiled_ = false;
  if (patterns.empty()) return true;
  if (precompiled.size() > kMagic.size() + sizeof(hash_) && precompiled.starts_with(kMagic)) {
    uint64_t hash = 0;
    std::memcpy(&hash, precompiled.data() + kMagic.size(), sizeof(hash));
    std::string_view bytes = precompiled.substr(kMagic.size() + sizeof(hash));
    hs_database_t* db = nullptr;
    // A database built for another CPU, or from other rules, is ignored.
    if (hash == hash_ && hs_deserialize_database(bytes.data(), bytes.size(), &db) == HS_SUCCESS) {
      db_ = std::make_unique<Database>();
      db_->db = db;
      loaded_precompiled_ = true;
      return true;
    }
  }
  std::vector<std::string> exprs;
  exprs.reserve(patterns.size());
  for (const Pattern& p : patterns) exprs.push_back(p.regex ? p.text : EscapeLiteral(p.text));
  std::vector<const char*> ptrs;
  std::vector<unsigned int> flags;
  std::vector<unsigned int> ids;
  for (size_t i = 0; i < exprs.size(); ++i) {
    ptrs.push_back(exprs[i].c_str());
    flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH | HS_FLAG_DOTALL);
    ids.push_back(static_cast<unsigned int>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* compile_error = nullptr;
  if (hs_compile_multi(ptrs.data(), flags.data(), ids.data(), static_cast<unsigned int>(ptrs.size()), HS_MODE_BLOCK,
                       nullptr, &db, &compile_error) != HS_SUCCESS) {
    std::string where = "a pattern";
    if (compile_error != nullptr && compile_error->expression >= 0 &&
        static_cast<size_t>(compile_error->expression) < patterns.size()) {
      const Pattern& p = patterns[compile_error->expression];
      where = p.source + ": \"" + p.text + "\"";
    }
    *error = where + ": " + (compile_error != nullptr ? compile_error->message : "cannot compile");
    hs_free_compile_error(compile_error);
    return false;
  }
  db_ = std::make_unique<Database>();
  db_->db = db;
  return true;
}

void PhraseMatcher::Match(std::string_view text, std::vector<uint32_t>* ids) const {
  if (!db_ || text.empty()) return;
  hs_scratch_t* scratch = thread_scratch.For(db_->id, db_->db);
  if (scratch == nullptr) return;
  const size_t first = ids->size();
  hs_scan(db_->db, text.data(), static_cast<unsigned int>(text.size()), 0, scratch, OnMatch, ids);
  std::sort(ids->begin() + static_cast<std::ptrdiff_t>(first), ids->end());
}

}  // namespace rebound::classify

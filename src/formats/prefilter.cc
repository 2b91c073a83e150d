#include "formats/prefilter.h"

#include <hs/hs.h>

#include <cstdlib>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "formats/formats.h"
#include "message/headers.h"

namespace rebound::formats {

// The mark database compiled at build time; this weak default serves the
// build tool that makes it (and any binary that links none).
__attribute__((weak)) std::string_view PrecompiledMarks() { return {}; }

namespace {

constexpr std::string_view kMarksMagic = "RBMK0001";

// Identifies a list of marks, so that a database compiled from another
// registry is never loaded.
uint64_t HashLiterals(const std::vector<std::string>& literals) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (const std::string& literal : literals) {
    for (unsigned char c : literal) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // no byte of a mark: separates them
    h *= 1099511628211ull;
  }
  return h;
}

std::vector<std::string> SplitMarks(std::string_view marks) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= marks.size() && !marks.empty()) {
    size_t bar = marks.find('|', pos);
    if (bar == std::string_view::npos) bar = marks.size();
    out.emplace_back(marks.substr(pos, bar - pos));
    pos = bar + 1;
  }
  return out;
}

// The compiled marks of every registry entry.
struct MarkDatabase {
  hs_database_t* db = nullptr;
  std::vector<DecoderSet> decoders_of_mark;  // by mark id
  DecoderSet unmarked;                       // decoders always tried
  DecoderSet all;
  std::string error;

  MarkDatabase() {
    std::span<const Decoder> registry = Registry();
    if (registry.size() > kMaxDecoders) {
      error = "more decoders than kMaxDecoders";
      return;
    }
    std::vector<std::string> literals;
    std::unordered_map<std::string, unsigned> ids;
    for (size_t i = 0; i < registry.size(); ++i) {
      all.set(i);
      std::vector<std::string> marks = SplitMarks(registry[i].marks);
      if (marks.empty()) unmarked.set(i);
      for (std::string& mark : marks) {
        if (mark.empty() || mark.find_first_of("\r\n") != std::string::npos) {
          error = std::string(registry[i].name) + ": empty mark, or a mark with a line break";
          return;
        }
        std::string key = message::ToLower(mark);
        auto [it, added] = ids.emplace(key, static_cast<unsigned>(literals.size()));
        if (added) {
          literals.push_back(key);
          decoders_of_mark.emplace_back();
        }
        decoders_of_mark[it->second].set(i);
      }
    }
    if (literals.empty()) return;
    hash = HashLiterals(literals);
    loaded_precompiled = Load(PrecompiledMarks());
    if (loaded_precompiled) return;
    std::vector<const char*> exprs;
    std::vector<size_t> lengths;
    std::vector<unsigned> flags(literals.size(), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
    std::vector<unsigned> idv;
    for (size_t k = 0; k < literals.size(); ++k) {
      exprs.push_back(literals[k].data());
      lengths.push_back(literals[k].size());
      idv.push_back(static_cast<unsigned>(k));
    }
    hs_compile_error_t* compile_error = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), idv.data(), lengths.data(),
                             static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                             &compile_error) != HS_SUCCESS) {
      error = "cannot compile the format marks";
      if (compile_error != nullptr) {
        if (compile_error->expression >= 0 && static_cast<size_t>(compile_error->expression) < literals.size()) {
          error += " (\"" + literals[compile_error->expression] + "\")";
        }
        error += std::string(": ") + compile_error->message;
      }
      hs_free_compile_error(compile_error);
      db = nullptr;
    }
  }
  ~MarkDatabase() { hs_free_database(db); }

  // Takes the serialized database when it was made from these marks and
  // fits this CPU; else the caller compiles.
  bool Load(std::string_view bytes) {
    if (bytes.size() <= kMarksMagic.size() + sizeof(hash) || !bytes.starts_with(kMarksMagic)) return false;
    uint64_t stored = 0;
    std::memcpy(&stored, bytes.data() + kMarksMagic.size(), sizeof(stored));
    bytes.remove_prefix(kMarksMagic.size() + sizeof(stored));
    return stored == hash && hs_deserialize_database(bytes.data(), bytes.size(), &db) == HS_SUCCESS;
  }

  uint64_t hash = 0;
  bool loaded_precompiled = false;
  MarkDatabase(const MarkDatabase&) = delete;
  MarkDatabase& operator=(const MarkDatabase&) = delete;
};

const MarkDatabase& Database() {
  static const MarkDatabase database;  // thread-safe initialisation
  return database;
}

// This thread's scratch space for the one mark database.
struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  ~ThreadScratch() { hs_free_scratch(scratch); }
};
thread_local ThreadScratch thread_scratch;

struct ScanState {
  const MarkDatabase* database;
  DecoderSet* out;
};

int OnMatch(unsigned int id, unsigned long long, unsigned long long, unsigned int, void* context) {
  auto* state = static_cast<ScanState*>(context);
  *state->out |= state->database->decoders_of_mark[id];
  return 0;
}

// Whether HeaderBlock::Text() of this raw value may differ from the raw
// bytes in a way that matters to a mark: folded, encoded words, or 8-bit.
bool TextDiffersFromRaw(std::string_view raw) {
  if (raw.find('\n') != std::string_view::npos || raw.find("=?") != std::string_view::npos) return true;
  for (unsigned char c : raw) {
    if (c >= 0x80) return true;
  }
  return false;
}

}  // namespace

DecoderSet Candidates(const message::Message& m) {
  const MarkDatabase& database = Database();
  if (database.db == nullptr || m.parts().empty() || m.bytes().size() > m.limits().max_decoded_bytes) {
    return database.all;
  }
  if (thread_scratch.scratch == nullptr && hs_alloc_scratch(database.db, &thread_scratch.scratch) != HS_SUCCESS) {
    thread_scratch.scratch = nullptr;
    return database.all;
  }
  DecoderSet out = database.unmarked;
  ScanState state{&database, &out};
  auto scan = [&](std::string_view text) {
    if (text.empty()) return true;
    return hs_scan(database.db, text.data(), static_cast<unsigned int>(text.size()), 0, thread_scratch.scratch, OnMatch,
                   &state) == HS_SUCCESS;
  };
  // The top-level header section: every raw header value decoders search.
  std::string_view bytes = m.bytes();
  std::string_view body = m.root().body;
  std::string_view header = bytes;
  if (body.data() >= bytes.data() && body.data() <= bytes.data() + bytes.size()) {
    header = bytes.substr(0, static_cast<size_t>(body.data() - bytes.data()));
  }
  bool ok = scan(header);
  // The Subject as decoders read it through Text(), when it differs.
  if (const message::HeaderField* subject = m.headers().Find("Subject");
      ok && subject != nullptr && TextDiffersFromRaw(subject->value)) {
    ok = scan(m.Subject());
  }
  // The notice, decoded: base64 or quoted-printable text, other charsets.
  if (ok) ok = scan(m.MainText());
  return ok ? out : database.all;
}

std::vector<std::string> MarksOf(size_t decoder) {
  std::span<const Decoder> registry = Registry();
  return decoder < registry.size() ? SplitMarks(registry[decoder].marks) : std::vector<std::string>();
}

const std::string& PrefilterError() { return Database().error; }

bool PrefilterLoadedPrecompiled() { return Database().loaded_precompiled; }

std::string SerializeMarks() {
  const MarkDatabase& database = Database();
  char* bytes = nullptr;
  size_t length = 0;
  if (database.db == nullptr || hs_serialize_database(database.db, &bytes, &length) != HS_SUCCESS) return {};
  std::string out(kMarksMagic);
  out.append(reinterpret_cast<const char*>(&database.hash), sizeof(database.hash));
  out.append(bytes, length);
  std::free(bytes);
  return out;
}

}  // namespace rebound::formats

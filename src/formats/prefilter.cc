#include "formats/prefilter.h"

#include <hs/hs.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "formats/fingerprint.h"
#include "formats/formats.h"
#include "message/headers.h"

namespace rebound::formats {

// The mark database compiled at build time; this weak default serves the
// build tool that makes it (and any binary that links none).
__attribute__((weak)) std::string_view PrecompiledMarks() { return {}; }

namespace {

constexpr std::string_view kMarksMagic = "RBMK0002";

// Identifies a list of marks, so that a database compiled from another
// registry is never loaded.
uint64_t HashLiterals(const std::vector<std::string>& literals) {
  uint64_t h = kFingerprintSeed;
  for (const std::string& literal : literals) h = Fingerprint("\xff", Fingerprint(literal, h));  // 0xff: no mark's byte
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

// The compiled marks of one place (the header section, or the main text):
// literal k is decoders_of_mark[k]'s mark.
struct MarkSet {
  hs_database_t* db = nullptr;  // null when no decoder has marks here
  std::vector<std::string> literals;
  std::vector<DecoderSet> decoders_of_mark;

  MarkSet() = default;
  ~MarkSet() { hs_free_database(db); }
  MarkSet(const MarkSet&) = delete;
  MarkSet& operator=(const MarkSet&) = delete;

  // Adds decoder i's marks; false (with *error) on an empty or multi-line mark.
  bool Add(size_t i, std::string_view marks, std::string_view decoder, std::string* error) {
    for (const std::string& mark : SplitMarks(marks)) {
      if (mark.empty() || message::FindFirstOf(mark, "\r\n") != std::string::npos) {
        *error = std::string(decoder) + ": empty mark, or a mark with a line break";
        return false;
      }
      std::string key = message::ToLower(mark);
      auto it = std::find(literals.begin(), literals.end(), key);
      size_t id = static_cast<size_t>(it - literals.begin());
      if (it == literals.end()) {
        literals.push_back(std::move(key));
        decoders_of_mark.emplace_back();
      }
      decoders_of_mark[id].set(i);
    }
    return true;
  }

  bool Compile(std::string* error) {
    if (literals.empty()) return true;
    std::vector<const char*> exprs;
    std::vector<size_t> lengths;
    std::vector<unsigned> flags(literals.size(), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH);
    std::vector<unsigned> ids;
    for (size_t k = 0; k < literals.size(); ++k) {
      exprs.push_back(literals[k].data());
      lengths.push_back(literals[k].size());
      ids.push_back(static_cast<unsigned>(k));
    }
    hs_compile_error_t* compile_error = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lengths.data(),
                             static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                             &compile_error) == HS_SUCCESS) {
      return true;
    }
    *error = "cannot compile the format marks";
    if (compile_error != nullptr) {
      if (compile_error->expression >= 0 && static_cast<size_t>(compile_error->expression) < literals.size()) {
        *error += " (\"" + literals[compile_error->expression] + "\")";
      }
      *error += std::string(": ") + compile_error->message;
    }
    hs_free_compile_error(compile_error);
    db = nullptr;
    return false;
  }

  // Appends the serialized database, length first (0: none).
  bool Serialize(std::string* out) const {
    uint64_t length = 0;
    char* bytes = nullptr;
    if (db != nullptr) {
      size_t n = 0;
      if (hs_serialize_database(db, &bytes, &n) != HS_SUCCESS) return false;
      length = n;
    }
    out->append(reinterpret_cast<const char*>(&length), sizeof(length));
    if (bytes != nullptr) out->append(bytes, length);
    std::free(bytes);
    return true;
  }

  // Reads what Serialize wrote from the front of *in.
  bool Deserialize(std::string_view* in) {
    uint64_t length = 0;
    if (in->size() < sizeof(length)) return false;
    std::memcpy(&length, in->data(), sizeof(length));
    in->remove_prefix(sizeof(length));
    if (length > in->size() || (length == 0) != literals.empty()) return false;
    if (length > 0 && hs_deserialize_database(in->data(), length, &db) != HS_SUCCESS) return false;
    in->remove_prefix(length);
    return true;
  }
};

// The compiled marks of every registry entry, by place.
struct MarkDatabase {
  MarkSet header;
  MarkSet text;
  DecoderSet unmarked;  // decoders always tried
  DecoderSet all;
  uint64_t hash = 0;
  bool loaded_precompiled = false;
  std::string error;

  MarkDatabase() {
    std::span<const Decoder> registry = Registry();
    if (registry.size() > kMaxDecoders) {
      error = "more decoders than kMaxDecoders";
      return;
    }
    for (size_t i = 0; i < registry.size(); ++i) {
      all.set(i);
      const Decoder& d = registry[i];
      if (d.header_marks.empty() && d.text_marks.empty()) unmarked.set(i);
      if (!header.Add(i, d.header_marks, d.name, &error) || !text.Add(i, d.text_marks, d.name, &error)) return;
    }
    std::vector<std::string> both = header.literals;
    both.emplace_back();  // separates the places
    both.insert(both.end(), text.literals.begin(), text.literals.end());
    hash = HashLiterals(both);
    loaded_precompiled = Load(PrecompiledMarks());
    if (loaded_precompiled) return;
    if (!header.Compile(&error) || !text.Compile(&error)) return;
  }
  MarkDatabase(const MarkDatabase&) = delete;
  MarkDatabase& operator=(const MarkDatabase&) = delete;

  bool ok() const { return error.empty(); }

  // Takes the serialized databases when they were made from these marks and
  // fit this CPU; else the caller compiles.
  bool Load(std::string_view bytes) {
    if (bytes.size() <= kMarksMagic.size() + sizeof(hash) || !bytes.starts_with(kMarksMagic)) return false;
    uint64_t stored = 0;
    std::memcpy(&stored, bytes.data() + kMarksMagic.size(), sizeof(stored));
    bytes.remove_prefix(kMarksMagic.size() + sizeof(stored));
    if (stored != hash) return false;
    if (header.Deserialize(&bytes) && text.Deserialize(&bytes) && bytes.empty()) return true;
    hs_free_database(header.db);
    hs_free_database(text.db);
    header.db = text.db = nullptr;
    return false;
  }
};

const MarkDatabase& Database() {
  static const MarkDatabase database;  // thread-safe initialisation
  return database;
}

// This thread's scratch space, large enough for both mark databases.
struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  ~ThreadScratch() { hs_free_scratch(scratch); }
};
thread_local ThreadScratch thread_scratch;

hs_scratch_t* ScratchFor(const MarkDatabase& database) {
  if (thread_scratch.scratch != nullptr) return thread_scratch.scratch;
  for (const MarkSet* set : {&database.header, &database.text}) {
    if (set->db != nullptr && hs_alloc_scratch(set->db, &thread_scratch.scratch) != HS_SUCCESS) {
      hs_free_scratch(thread_scratch.scratch);
      thread_scratch.scratch = nullptr;
      return nullptr;
    }
  }
  return thread_scratch.scratch;
}

struct ScanState {
  const MarkSet* set;
  DecoderSet* out;
};

int OnMatch(unsigned int id, unsigned long long, unsigned long long, unsigned int, void* context) {
  auto* state = static_cast<ScanState*>(context);
  *state->out |= state->set->decoders_of_mark[id];
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
  if (!database.ok() || m.parts().empty() || m.bytes().size() > m.limits().max_decoded_bytes) return database.all;
  hs_scratch_t* scratch = ScratchFor(database);
  if (scratch == nullptr) return database.all;
  DecoderSet out = database.unmarked;
  auto scan = [&](const MarkSet& set, std::string_view text) {
    if (set.db == nullptr || text.empty()) return true;
    ScanState state{&set, &out};
    return hs_scan(set.db, text.data(), static_cast<unsigned int>(text.size()), 0, scratch, OnMatch, &state) ==
           HS_SUCCESS;
  };
  // The top-level header section: names and raw values, as decoders read them.
  std::string_view bytes = m.bytes();
  std::string_view body = m.root().body;
  std::string_view header = bytes;
  if (body.data() >= bytes.data() && body.data() <= bytes.data() + bytes.size()) {
    header = bytes.substr(0, static_cast<size_t>(body.data() - bytes.data()));
  }
  bool ok = scan(database.header, header);
  // The Subject as decoders read it through Text(), when it differs.
  if (const message::HeaderField* subject = m.headers().Find("Subject");
      ok && database.header.db != nullptr && subject != nullptr && TextDiffersFromRaw(subject->value)) {
    ok = scan(database.header, m.Subject());
  }
  // The notice, decoded: base64 or quoted-printable text, other charsets.
  if (ok) ok = scan(database.text, m.MainText());
  return ok ? out : database.all;
}

std::vector<std::string> HeaderMarksOf(size_t decoder) {
  std::span<const Decoder> registry = Registry();
  return decoder < registry.size() ? SplitMarks(registry[decoder].header_marks) : std::vector<std::string>();
}

std::vector<std::string> TextMarksOf(size_t decoder) {
  std::span<const Decoder> registry = Registry();
  return decoder < registry.size() ? SplitMarks(registry[decoder].text_marks) : std::vector<std::string>();
}

const std::string& PrefilterError() { return Database().error; }

bool PrefilterLoadedPrecompiled() { return Database().loaded_precompiled; }

std::string SerializeMarks() {
  const MarkDatabase& database = Database();
  if (!database.ok()) return {};
  std::string out(kMarksMagic);
  out.append(reinterpret_cast<const char*>(&database.hash), sizeof(database.hash));
  if (!database.header.Serialize(&out) || !database.text.Serialize(&out)) return {};
  return out;
}

}  // namespace rebound::formats

#include "store/libpq.h"

#include <dlfcn.h>

namespace rebound::store {

namespace {

struct Loaded {
  LibPq pq{};
  std::string error;  // empty when every function was found
};

template <typename Fn>
bool Find(void* library, const char* name, Fn* out, std::string* error) {
  void* symbol = dlsym(library, name);
  if (symbol == nullptr) {
    *error = std::string("libpq.so.5 has no ") + name;
    return false;
  }
  *out = reinterpret_cast<Fn>(symbol);  // what dlsym's contract allows for functions
  return true;
}

Loaded Load() {
  Loaded l;
  void* library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    l.error = std::string("PostgreSQL needs libpq (Debian package libpq5): ") + (why != nullptr ? why : "not found");
    return l;
  }
  // Never dlclose'd: the table is used until the process exits.
#define REBOUND_LIBPQ_FIND(member, symbol) \
  if (!Find(library, #symbol, &l.pq.member, &l.error)) return l;
  REBOUND_LIBPQ_FUNCTIONS(REBOUND_LIBPQ_FIND)
#undef REBOUND_LIBPQ_FIND
  return l;
}

}  // namespace

const LibPq* LoadLibPq(std::string* error) {
  static const Loaded loaded = Load();  // thread-safe initialisation
  if (!loaded.error.empty()) {
    *error = loaded.error;
    return nullptr;
  }
  return &loaded.pq;
}

}  // namespace rebound::store

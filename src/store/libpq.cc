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
  *out = reinterpret_cast<Fn>(symbol);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): dlsym's contract
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
  LibPq& p = l.pq;
  std::string& e = l.error;
  // Never dlclose'd: the table is used until the process exits.
  (void)(Find(library, "PQclear", &p.clear, &e) && Find(library, "PQconnectdb", &p.connectdb, &e) &&
         Find(library, "PQerrorMessage", &p.errorMessage, &e) && Find(library, "PQexec", &p.exec, &e) &&
         Find(library, "PQexecPrepared", &p.execPrepared, &e) && Find(library, "PQfinish", &p.finish, &e) &&
         Find(library, "PQfreemem", &p.freemem, &e) && Find(library, "PQftype", &p.ftype, &e) &&
         Find(library, "PQgetisnull", &p.getisnull, &e) && Find(library, "PQgetlength", &p.getlength, &e) &&
         Find(library, "PQgetvalue", &p.getvalue, &e) && Find(library, "PQnfields", &p.nfields, &e) &&
         Find(library, "PQntuples", &p.ntuples, &e) && Find(library, "PQprepare", &p.prepare, &e) &&
         Find(library, "PQresultErrorMessage", &p.resultErrorMessage, &e) &&
         Find(library, "PQresultStatus", &p.resultStatus, &e) &&
         Find(library, "PQsetNoticeProcessor", &p.setNoticeProcessor, &e) && Find(library, "PQstatus", &p.status, &e) &&
         Find(library, "PQtransactionStatus", &p.transactionStatus, &e) &&
         Find(library, "PQunescapeBytea", &p.unescapeBytea, &e));
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

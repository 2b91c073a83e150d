#include "store/db.h"

namespace rebound::store {

std::unique_ptr<Db> OpenSqlite(const std::string& path, std::string* error);
std::unique_ptr<Db> OpenPostgres(const std::string& url, std::string* error);

int64_t AsInt(const Value& v, int64_t fallback) {
  if (const int64_t* n = std::get_if<int64_t>(&v)) return *n;
  if (const std::string* s = std::get_if<std::string>(&v)) {
    char* end = nullptr;
    long long n = std::strtoll(s->c_str(), &end, 10);
    if (end != s->c_str()) return n;
  }
  return fallback;
}

std::string AsText(const Value& v, std::string_view fallback) {
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  if (const Blob* b = std::get_if<Blob>(&v)) return b->bytes;
  if (const int64_t* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  return std::string(fallback);
}

bool IsNull(const Value& v) { return std::holds_alternative<std::nullptr_t>(v); }

std::unique_ptr<Db> Db::Open(const std::string& url, std::string* error) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return OpenPostgres(url, error);
  std::string path = url.starts_with("sqlite:") ? url.substr(7) : url;
  if (path.empty()) {
    *error = "empty SQLite path in \"" + url + "\"";
    return nullptr;
  }
  return OpenSqlite(path, error);
}

}  // namespace rebound::store

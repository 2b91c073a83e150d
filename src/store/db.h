// A small SQL connection interface with two drivers, SQLite (embedded, the
// default) and PostgreSQL (libpq, shared by many nodes). The store writes
// its SQL once, with `?` placeholders; each driver adapts what differs.
//
// A Db is one connection: not shared between threads. Errors are values:
// every call returns false and sets `error` with the driver's message.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rebound::store {

// Bytes that are not text (a raw message in any charset): BLOB in SQLite,
// BYTEA in PostgreSQL.
struct Blob {
  std::string bytes;
};

using Value = std::variant<std::nullptr_t, int64_t, std::string, Blob>;
using Row = std::vector<Value>;
using Rows = std::vector<Row>;

enum class Dialect { kSqlite, kPostgres };

// Typed reads of a result cell; a NULL gives the fallback.
int64_t AsInt(const Value& v, int64_t fallback = 0);
std::string AsText(const Value& v, std::string_view fallback = "");
bool IsNull(const Value& v);

class Db {
 public:
  virtual ~Db() = default;

  // "sqlite:PATH" (or a plain path) or "postgresql://..." / "postgres://...".
  static std::unique_ptr<Db> Open(const std::string& url, std::string* error);

  virtual Dialect dialect() const = 0;

  // A write transaction. SQLite takes the database's write lock at once
  // (BEGIN IMMEDIATE) so two writers never deadlock on an upgrade;
  // PostgreSQL uses READ COMMITTED with explicit row locks.
  virtual bool Begin(std::string* error) = 0;
  virtual bool Commit(std::string* error) = 0;
  virtual void Rollback() = 0;

  // Runs one statement. `?` placeholders take `params` in order. Rows of a
  // query (or of RETURNING) are appended to `rows` when it is not null.
  // Statements are prepared once per connection and reused.
  virtual bool Exec(std::string_view sql, const std::vector<Value>& params, Rows* rows, std::string* error) = 0;

  // Runs a script of several statements without parameters.
  virtual bool ExecScript(std::string_view sql, std::string* error) = 0;
};

}  // namespace rebound::store

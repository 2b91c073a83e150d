// The SQLite driver: one file, WAL journal, full durability at commit.
#include <sqlite3.h>

#include <unordered_map>

#include "store/db.h"

namespace rebound::store {

namespace {

class SqliteDb : public Db {
 public:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  ~SqliteDb() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  bool Begin(std::string* error) override { return ExecScript("BEGIN IMMEDIATE", error); }
  bool Commit(std::string* error) override { return ExecScript("COMMIT", error); }
  void Rollback() override {
    std::string ignored;
    if (!sqlite3_get_autocommit(db_)) ExecScript("ROLLBACK", &ignored);
  }

  bool Exec(std::string_view sql, const std::vector<Value>& params, Rows* rows, std::string* error) override {
    sqlite3_stmt* stmt = Prepare(sql, error);
    if (stmt == nullptr) return false;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    // SQLITE_STATIC: `params` outlives the statement's use, which ends with
    // the reset below, so SQLite need not copy the values.
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      const Value& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(v)) {
        rc = sqlite3_bind_null(stmt, index);
      } else if (const int64_t* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (const Blob* b = std::get_if<Blob>(&v)) {
        rc = sqlite3_bind_blob64(stmt, index, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
      } else {
        const std::string& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) return Fail(error);
    }
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        bool ok = Fail(error);
        sqlite3_reset(stmt);
        return ok;
      }
      if (rows == nullptr) continue;
      const int n = sqlite3_column_count(stmt);
      Row row;
      row.reserve(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            row.emplace_back(nullptr);
            break;
          case SQLITE_INTEGER:
            row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_blob(stmt, c));
            row.emplace_back(std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      rows->push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    return true;
  }

  bool ExecScript(std::string_view sql, std::string* error) override {
    std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      *error = message ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      return false;
    }
    return true;
  }

 private:
  sqlite3_stmt* Prepare(std::string_view sql, std::string* error) {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
      *error = std::string(sqlite3_errmsg(db_)) + " in: " + std::string(sql);
      return nullptr;
    }
    statements_.emplace(std::string(sql), stmt);
    return stmt;
  }

  bool Fail(std::string* error) {
    *error = sqlite3_errmsg(db_);
    return false;
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

std::unique_ptr<Db> OpenSqlite(const std::string& path, std::string* error) {
  // Memory statistics take a process-wide mutex on every allocation, which
  // the HTTP workers' connections then contend for; nothing reads them.
  static const bool configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)configured;
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    *error = "cannot open SQLite database " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return nullptr;
  }
  // Several processes may share the file: wait for the write lock rather
  // than fail at once.
  sqlite3_busy_timeout(db, 30000);
  auto result = std::make_unique<SqliteDb>(db);
  // WAL lets readers run beside the writer; synchronous=FULL makes every
  // commit durable (the receiver answers 250 only after one).
  if (!result->ExecScript(
          "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
          "PRAGMA cache_size=-8192; PRAGMA mmap_size=0; PRAGMA temp_store=MEMORY;",
          error)) {
    return nullptr;
  }
  return result;
}

}  // namespace rebound::store

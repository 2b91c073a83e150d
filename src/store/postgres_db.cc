// The PostgreSQL driver on libpq: statements prepared once per connection,
// parameters sent as text, integer columns read back as integers.
#include <libpq-fe.h>

#include <cstdlib>
#include <string>
#include <unordered_map>

#include "store/db.h"

namespace rebound::store {

namespace {

// PostgreSQL type oids of the integer types (pg_type.h).
constexpr Oid kBytea = 17;
constexpr Oid kInt8 = 20;
constexpr Oid kInt2 = 21;
constexpr Oid kInt4 = 23;

// "a = ? AND b = ?" -> "a = $1 AND b = $2". Our SQL has no '?' in literals.
std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r) {}
  ~PgResult() { PQclear(r_); }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  PGresult* get() const { return r_; }

 private:
  PGresult* r_;
};

class PostgresDb : public Db {
 public:
  explicit PostgresDb(PGconn* conn) : conn_(conn) {}
  ~PostgresDb() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  bool Begin(std::string* error) override { return ExecScript("BEGIN", error); }
  bool Commit(std::string* error) override { return ExecScript("COMMIT", error); }
  void Rollback() override {
    std::string ignored;
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) ExecScript("ROLLBACK", &ignored);
  }

  bool Exec(std::string_view sql, const std::vector<Value>& params, Rows* rows, std::string* error) override {
    const std::string* name = Prepare(sql, static_cast<int>(params.size()), error);
    if (name == nullptr) return false;
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0);
    std::vector<int> formats(params.size(), 0);  // text, but blobs go binary
    for (size_t i = 0; i < params.size(); ++i) {
      if (const int64_t* n = std::get_if<int64_t>(&params[i])) {
        texts[i] = std::to_string(*n);
        values[i] = texts[i].c_str();
      } else if (const std::string* s = std::get_if<std::string>(&params[i])) {
        values[i] = s->c_str();
      } else if (const Blob* b = std::get_if<Blob>(&params[i])) {
        values[i] = b->bytes.data();
        lengths[i] = static_cast<int>(b->bytes.size());
        formats[i] = 1;
      }
    }
    PgResult result(PQexecPrepared(conn_, name->c_str(), static_cast<int>(params.size()), values.data(), lengths.data(),
                                   formats.data(), 0));
    ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      *error = PQresultErrorMessage(result.get());
      return false;
    }
    if (rows == nullptr || status != PGRES_TUPLES_OK) return true;
    const int n_rows = PQntuples(result.get());
    const int n_cols = PQnfields(result.get());
    for (int r = 0; r < n_rows; ++r) {
      Row row;
      row.reserve(static_cast<size_t>(n_cols));
      for (int c = 0; c < n_cols; ++c) {
        if (PQgetisnull(result.get(), r, c)) {
          row.emplace_back(nullptr);
          continue;
        }
        const char* v = PQgetvalue(result.get(), r, c);
        Oid type = PQftype(result.get(), c);
        if (type == kInt8 || type == kInt4 || type == kInt2) {
          row.emplace_back(static_cast<int64_t>(std::strtoll(v, nullptr, 10)));
        } else if (type == kBytea) {
          // Text-format BYTEA comes hex-escaped ("\x48656c6c6f").
          size_t length = 0;
          unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &length);
          row.emplace_back(Blob{std::string(reinterpret_cast<const char*>(bytes), length)});
          PQfreemem(bytes);
        } else {
          row.emplace_back(std::string(v, static_cast<size_t>(PQgetlength(result.get(), r, c))));
        }
      }
      rows->push_back(std::move(row));
    }
    return true;
  }

  bool ExecScript(std::string_view sql, std::string* error) override {
    PgResult result(PQexec(conn_, std::string(sql).c_str()));
    ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      *error = PQresultErrorMessage(result.get());
      return false;
    }
    return true;
  }

 private:
  const std::string* Prepare(std::string_view sql, int n_params, std::string* error) {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end()) return &it->second;
    std::string name = "s" + std::to_string(statements_.size());
    PgResult result(PQprepare(conn_, name.c_str(), NumberPlaceholders(sql).c_str(), n_params, nullptr));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      *error = std::string(PQresultErrorMessage(result.get())) + " in: " + std::string(sql);
      return nullptr;
    }
    return &statements_.emplace(std::string(sql), std::move(name)).first->second;
  }

  PGconn* conn_;
  std::unordered_map<std::string, std::string> statements_;
};

}  // namespace

std::unique_ptr<Db> OpenPostgres(const std::string& url, std::string* error) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    *error = std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(conn);
    PQfinish(conn);
    return nullptr;
  }
  auto db = std::make_unique<PostgresDb>(conn);
  // Notices (e.g. "relation already exists, skipping") are not errors.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return db;
}

}  // namespace rebound::store

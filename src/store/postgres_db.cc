// The PostgreSQL driver on libpq: statements prepared once per connection,
// parameters sent as text, integer columns read back as integers. libpq is
// loaded on the first open (store/libpq.h).
#include <cstdlib>
#include <string>
#include <unordered_map>

#include "store/db.h"
#include "store/libpq.h"

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
  PgResult(const LibPq& pq, PGresult* r) : pq_(pq), r_(r) {}
  ~PgResult() { pq_.clear(r_); }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  PGresult* get() const { return r_; }

 private:
  const LibPq& pq_;
  PGresult* r_;
};

class PostgresDb : public Db {
 public:
  PostgresDb(const LibPq& pq, PGconn* conn) : pq_(pq), conn_(conn) {}
  ~PostgresDb() override { pq_.finish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  bool Begin(std::string* error) override { return ExecScript("BEGIN", error); }
  bool Commit(std::string* error) override { return ExecScript("COMMIT", error); }
  void Rollback() override {
    std::string ignored;
    if (pq_.transactionStatus(conn_) != PQTRANS_IDLE) ExecScript("ROLLBACK", &ignored);
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
    PgResult result(pq_, pq_.execPrepared(conn_, name->c_str(), static_cast<int>(params.size()), values.data(),
                                          lengths.data(), formats.data(), 0));
    ExecStatusType status = pq_.resultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      *error = pq_.resultErrorMessage(result.get());
      return false;
    }
    if (rows == nullptr || status != PGRES_TUPLES_OK) return true;
    const int n_rows = pq_.ntuples(result.get());
    const int n_cols = pq_.nfields(result.get());
    for (int r = 0; r < n_rows; ++r) {
      Row row;
      row.reserve(static_cast<size_t>(n_cols));
      for (int c = 0; c < n_cols; ++c) {
        if (pq_.getisnull(result.get(), r, c)) {
          row.emplace_back(nullptr);
          continue;
        }
        const char* v = pq_.getvalue(result.get(), r, c);
        Oid type = pq_.ftype(result.get(), c);
        if (type == kInt8 || type == kInt4 || type == kInt2) {
          row.emplace_back(static_cast<int64_t>(std::strtoll(v, nullptr, 10)));
        } else if (type == kBytea) {
          // Text-format BYTEA comes hex-escaped ("\x48656c6c6f").
          size_t length = 0;
          unsigned char* bytes = pq_.unescapeBytea(reinterpret_cast<const unsigned char*>(v), &length);
          row.emplace_back(Blob{std::string(reinterpret_cast<const char*>(bytes), length)});
          pq_.freemem(bytes);
        } else {
          row.emplace_back(std::string(v, static_cast<size_t>(pq_.getlength(result.get(), r, c))));
        }
      }
      rows->push_back(std::move(row));
    }
    return true;
  }

  bool ExecScript(std::string_view sql, std::string* error) override {
    PgResult result(pq_, pq_.exec(conn_, std::string(sql).c_str()));
    ExecStatusType status = pq_.resultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      *error = pq_.resultErrorMessage(result.get());
      return false;
    }
    return true;
  }

 private:
  const std::string* Prepare(std::string_view sql, int n_params, std::string* error) {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end()) return &it->second;
    std::string name = "s" + std::to_string(statements_.size());
    PgResult result(pq_, pq_.prepare(conn_, name.c_str(), NumberPlaceholders(sql).c_str(), n_params, nullptr));
    if (pq_.resultStatus(result.get()) != PGRES_COMMAND_OK) {
      *error = std::string(pq_.resultErrorMessage(result.get())) + " in: " + std::string(sql);
      return nullptr;
    }
    return &statements_.emplace(std::string(sql), std::move(name)).first->second;
  }

  const LibPq& pq_;
  PGconn* conn_;
  std::unordered_map<std::string, std::string> statements_;
};

}  // namespace

std::unique_ptr<Db> OpenPostgres(const std::string& url, std::string* error) {
  const LibPq* pq = LoadLibPq(error);
  if (pq == nullptr) return nullptr;
  PGconn* conn = pq->connectdb(url.c_str());
  if (pq->status(conn) != CONNECTION_OK) {
    *error = std::string("cannot connect to PostgreSQL: ") + pq->errorMessage(conn);
    pq->finish(conn);
    return nullptr;
  }
  auto db = std::make_unique<PostgresDb>(*pq, conn);
  // Notices (e.g. "relation already exists, skipping") are not errors.
  pq->setNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return db;
}

}  // namespace rebound::store

// libpq, loaded when the first PostgreSQL store is opened instead of at
// every start. Linked normally it pulls about fifteen libraries (Kerberos,
// LDAP, SASL, GnuTLS, p11-kit) into every run of every command, most of
// which never talk to PostgreSQL: an empty program linked with libpq starts
// in 5.2 ms, without it in 0.5 ms.
//
// Thread-safety: LoadLibPq may be called from any thread; the table it
// returns is immutable and lives until the process exits.
#pragma once

#include <libpq-fe.h>

#include <string>

namespace rebound::store {

// The libpq functions the PostgreSQL driver calls, as X(member, symbol):
// the one list the table below, its loader and its test are made from.
#define REBOUND_LIBPQ_FUNCTIONS(X)            \
  X(clear, PQclear)                           \
  X(connectdb, PQconnectdb)                   \
  X(errorMessage, PQerrorMessage)             \
  X(exec, PQexec)                             \
  X(execPrepared, PQexecPrepared)             \
  X(finish, PQfinish)                         \
  X(freemem, PQfreemem)                       \
  X(ftype, PQftype)                           \
  X(getisnull, PQgetisnull)                   \
  X(getlength, PQgetlength)                   \
  X(getvalue, PQgetvalue)                     \
  X(nfields, PQnfields)                       \
  X(ntuples, PQntuples)                       \
  X(prepare, PQprepare)                       \
  X(resultErrorMessage, PQresultErrorMessage) \
  X(resultStatus, PQresultStatus)             \
  X(setNoticeProcessor, PQsetNoticeProcessor) \
  X(status, PQstatus)                         \
  X(transactionStatus, PQtransactionStatus)   \
  X(unescapeBytea, PQunescapeBytea)

struct LibPq {
  // NOLINTNEXTLINE(bugprone-macro-parentheses): the arguments are names, not expressions
#define REBOUND_LIBPQ_MEMBER(member, symbol) decltype(&symbol) member = nullptr;
  REBOUND_LIBPQ_FUNCTIONS(REBOUND_LIBPQ_MEMBER)
#undef REBOUND_LIBPQ_MEMBER
};

// The loaded library; on the first call it is opened (libpq.so.5, the
// soname of every libpq since PostgreSQL 8.0). nullptr, with *error saying
// why, when it cannot be loaded.
const LibPq* LoadLibPq(std::string* error);

}  // namespace rebound::store

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

// The libpq functions the PostgreSQL driver calls.
struct LibPq {
  decltype(&PQclear) clear;
  decltype(&PQconnectdb) connectdb;
  decltype(&PQerrorMessage) errorMessage;
  decltype(&PQexec) exec;
  decltype(&PQexecPrepared) execPrepared;
  decltype(&PQfinish) finish;
  decltype(&PQfreemem) freemem;
  decltype(&PQftype) ftype;
  decltype(&PQgetisnull) getisnull;
  decltype(&PQgetlength) getlength;
  decltype(&PQgetvalue) getvalue;
  decltype(&PQnfields) nfields;
  decltype(&PQntuples) ntuples;
  decltype(&PQprepare) prepare;
  decltype(&PQresultErrorMessage) resultErrorMessage;
  decltype(&PQresultStatus) resultStatus;
  decltype(&PQsetNoticeProcessor) setNoticeProcessor;
  decltype(&PQstatus) status;
  decltype(&PQtransactionStatus) transactionStatus;
  decltype(&PQunescapeBytea) unescapeBytea;
};

// The loaded library; on the first call it is opened (libpq.so.5, the
// soname of every libpq since PostgreSQL 8.0). nullptr, with *error saying
// why, when it cannot be loaded.
const LibPq* LoadLibPq(std::string* error);

}  // namespace rebound::store

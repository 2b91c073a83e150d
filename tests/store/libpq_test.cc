#include "store/libpq.h"

#include <gtest/gtest.h>

namespace rebound::store {
namespace {

// The driver's functions come from libpq.so.5 at run time: every one must
// be found, once, whatever thread asks first.
TEST(LibPq, LoadsEveryFunctionOnce) {
  std::string error;
  const LibPq* pq = LoadLibPq(&error);
  ASSERT_NE(pq, nullptr) << error;
  for (const void* f : {reinterpret_cast<const void*>(pq->clear),
                        reinterpret_cast<const void*>(pq->connectdb),
                        reinterpret_cast<const void*>(pq->errorMessage),
                        reinterpret_cast<const void*>(pq->exec),
                        reinterpret_cast<const void*>(pq->execPrepared),
                        reinterpret_cast<const void*>(pq->finish),
                        reinterpret_cast<const void*>(pq->freemem),
                        reinterpret_cast<const void*>(pq->ftype),
                        reinterpret_cast<const void*>(pq->getisnull),
                        reinterpret_cast<const void*>(pq->getlength),
                        reinterpret_cast<const void*>(pq->getvalue),
                        reinterpret_cast<const void*>(pq->nfields),
                        reinterpret_cast<const void*>(pq->ntuples),
                        reinterpret_cast<const void*>(pq->prepare),
                        reinterpret_cast<const void*>(pq->resultErrorMessage),
                        reinterpret_cast<const void*>(pq->resultStatus),
                        reinterpret_cast<const void*>(pq->setNoticeProcessor),
                        reinterpret_cast<const void*>(pq->status),
                        reinterpret_cast<const void*>(pq->transactionStatus),
                        reinterpret_cast<const void*>(pq->unescapeBytea)}) {
    EXPECT_NE(f, nullptr);
  }
  EXPECT_EQ(LoadLibPq(&error), pq);
  // A connection that cannot be made is an error to report, not a crash.
  PGconn* conn = pq->connectdb("postgresql://127.0.0.1:1/none?connect_timeout=1");
  EXPECT_NE(pq->status(conn), CONNECTION_OK);
  EXPECT_NE(std::string(pq->errorMessage(conn)), "");
  pq->finish(conn);
}

}  // namespace
}  // namespace rebound::store

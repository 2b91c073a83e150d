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
#define REBOUND_EXPECT_LOADED(member, symbol) EXPECT_NE(reinterpret_cast<const void*>(pq->member), nullptr) << #symbol;
  REBOUND_LIBPQ_FUNCTIONS(REBOUND_EXPECT_LOADED)
#undef REBOUND_EXPECT_LOADED
  EXPECT_EQ(LoadLibPq(&error), pq);
  // A connection that cannot be made is an error to report, not a crash.
  PGconn* conn = pq->connectdb("postgresql://127.0.0.1:1/none?connect_timeout=1");
  EXPECT_NE(pq->status(conn), CONNECTION_OK);
  EXPECT_NE(std::string(pq->errorMessage(conn)), "");
  pq->finish(conn);
}

}  // namespace
}  // namespace rebound::store

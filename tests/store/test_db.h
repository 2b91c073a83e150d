// Test databases: a fresh SQLite file, or a fresh schema on the PostgreSQL
// server that the test script started (REBOUND_TEST_POSTGRES_URL); the
// PostgreSQL cases skip when there is none.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/db.h"
#include "store/store.h"

namespace rebound::testing {

inline std::string PostgresUrl() {
  const char* url = std::getenv("REBOUND_TEST_POSTGRES_URL");
  return url ? url : "";
}

// A database URL no other test uses: a new SQLite file, or a new schema.
inline std::string FreshDatabase(const std::string& backend) {
  static std::atomic<int> counter{0};
  const std::string tag = std::to_string(getpid()) + "_" + std::to_string(counter++);
  if (backend == "sqlite") {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "rebound-tests";
    std::filesystem::create_directories(dir);
    std::filesystem::path file = dir / ("t" + tag + ".db");
    std::filesystem::remove(file);
    return "sqlite:" + file.string();
  }
  const std::string base = PostgresUrl();
  std::string error;
  auto admin = store::Db::Open(base, &error);
  if (!admin) return "";
  const std::string schema = "t" + tag;
  if (!admin->ExecScript("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema, &error)) return "";
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && PostgresUrl().empty()) GTEST_SKIP() << "REBOUND_TEST_POSTGRES_URL not set";
    url_ = FreshDatabase(GetParam());
    ASSERT_FALSE(url_.empty());
    std::string error;
    store_ = store::Store::Open(url_, &error);
    ASSERT_NE(store_, nullptr) << error;
  }
  std::string url_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace rebound::testing

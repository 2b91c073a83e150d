// The store and the policy: eligibility of a large contact list against a
// large suppression list (SQLite file; PostgreSQL when
// REBOUND_BENCH_POSTGRES_URL names a server).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "policy/policy.h"
#include "store/store.h"

namespace rebound::bench {
namespace {

struct Fixture {
  std::unique_ptr<store::Store> store;
  int64_t account = 0;
  std::vector<std::string> contacts;
};

// 100,000 suppressions (hard bounces and complaints) among 1,000,000
// contacts, built once.
Fixture& Eligibility1M() {
  static Fixture f = [] {
    Fixture f;
    std::string path = (std::filesystem::temp_directory_path() / ("rebound-bench-" + std::to_string(getpid()) + ".db"));
    std::filesystem::remove(path);
    std::string error;
    f.store = store::Store::Open("sqlite:" + path, &error);
    if (!f.store) std::abort();
    store::Account a;
    f.store->CreateAccount("bench", "strict", 0, &a, &error);
    f.account = a.id;
    f.contacts.reserve(1000000);
    for (int i = 0; i < 1000000; ++i) f.contacts.push_back("contact" + std::to_string(i) + "@example.org");
    f.store->Begin(&error);
    for (int i = 0; i < 1000000; i += 10) {
      store::Suppression s{
          a.id, f.contacts[i], i % 20 == 0 ? "complaint" : "hard_bounce", i % 20 == 0 ? "" : "UNKNOWN_USER", 0, ""};
      f.store->PutSuppression(s, 0, &error);
    }
    f.store->Commit(&error);
    return f;
  }();
  return f;
}

void BM_Eligibility1MContacts100kSuppressions(benchmark::State& state) {
  Fixture& f = Eligibility1M();
  policy::Policy policy(f.store.get(), policy::Settings(), [] { return int64_t{1'800'000'000}; });
  size_t excluded_count = 0;
  for (auto _ : state) {
    std::vector<policy::Exclusion> excluded;
    std::string error;
    if (!policy.Eligibility(f.account, f.contacts, &excluded, &error)) state.SkipWithError(error.c_str());
    excluded_count = excluded.size();
  }
  state.counters["excluded"] = static_cast<double>(excluded_count);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.contacts.size()));
}
BENCHMARK(BM_Eligibility1MContacts100kSuppressions)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace rebound::bench

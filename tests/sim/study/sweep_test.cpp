// The points of a sweep: --set splitting, axis order and replacement, point numbering, shards,
// and a small sweep run on two threads.
#include "dtsim/sim/study/sweep.hpp"

#include <catch2/catch.hpp>
#include <set>

#include "dtsim/sim/config/error.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "sim/study/sweep_scenario.hpp"
#include "temp_file.hpp"

using namespace dtsim;
using Values = std::vector<std::string>;

namespace {

Values values_of(const std::string& argument) {
  return study::parse_set_argument(argument).values;
}

std::string error_of(const std::string& argument) {
  try {
    study::parse_set_argument(argument);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("set arguments split values at the commas outside brackets, braces and quotes",
          "[sweep]") {
  const auto axis = study::parse_set_argument("parallelism.tp=1,2,4");
  CHECK(axis.key == "parallelism.tp");
  CHECK(axis.values == Values{"1", "2", "4"});
  CHECK(values_of("parallelism.layers=[7,8,8,7]") == Values{"[7,8,8,7]"});
  CHECK(values_of("parallelism.layers=[7,8,8,7],[8,8,8,6]") == Values{"[7,8,8,7]", "[8,8,8,6]"});
  CHECK(values_of("model={layers: 2, hidden: 64},gpt3-175b") ==
        Values{"{layers: 2, hidden: 64}", "gpt3-175b"});
  CHECK(values_of("name=\"a, b\",'c, d'") == Values{"\"a, b\"", "'c, d'"});
  CHECK(values_of("name='it''s, quoted'") == Values{"'it''s, quoted'"});  // '' is a quote in YAML
  CHECK(values_of("name=\"say \\\", hi\"") ==
        Values{"\"say \\\", hi\""});  // \" inside double quotes
  CHECK(values_of("name=Bob's run") ==
        Values{"Bob's run"});  // a quote inside a plain value is text
  CHECK(values_of("parallelism.tp= 1 , 2") == Values{"1", "2"});
  CHECK(values_of("parallelism.tp=8") == Values{"8"});
}

TEST_CASE("a malformed --set is an error naming the argument and the column", "[sweep]") {
  const auto no_value = error_of("parallelism.tp");
  CHECK(no_value.rfind("--set 'parallelism.tp':1:1: error: ", 0) == 0);
  CHECK(no_value.find("expected KEY.PATH=VALUE or KEY.PATH=V1,V2,..., found no key or no '='") !=
        std::string::npos);
  CHECK(error_of("=1,2").find("found no key") != std::string::npos);
  // Column 20 is the '[' that is never closed: "parallelism.layers=" is 19 characters.
  CHECK(error_of("parallelism.layers=[7,8")
            .find(":1:20: error: parallelism.layers: expected a closing ']'") != std::string::npos);
  CHECK(error_of("parallelism.layers=7,8]")
            .find(":1:23: error: parallelism.layers: expected balanced brackets") !=
        std::string::npos);
  CHECK(error_of("name='a,b").find("expected a closing '") != std::string::npos);
  CHECK(error_of("parallelism.tp=1,,2")
            .find(":1:18: error: parallelism.tp: expected a value between the commas") !=
        std::string::npos);
  CHECK(error_of("parallelism.tp=1,2,").find("expected a value between the commas") !=
        std::string::npos);
}

TEST_CASE("the first axis varies slowest and points are numbered from 0", "[sweep]") {
  const study::Sweep sweep{"s.yaml",
                           {"training.seq_len=1024"},
                           {{"parallelism.tp", {"1", "2"}}, {"parallelism.pp", {"1", "2", "4"}}}};
  REQUIRE(sweep.size() == 6);  // 2 x 3
  const std::vector<Values> expected = {{"1", "1"}, {"1", "2"}, {"1", "4"},
                                        {"2", "1"}, {"2", "2"}, {"2", "4"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO(i);
    const auto p = sweep.point(i);
    CHECK(p.index == i);
    CHECK(p.values == expected[i]);
    CHECK(p.overrides == Values{"training.seq_len=1024", "parallelism.tp=" + expected[i][0],
                                "parallelism.pp=" + expected[i][1]});
  }
}

TEST_CASE("axes from --set follow the file's, and a key in both takes the file axis's place",
          "[sweep]") {
  const std::vector<config::SweepAxis> file = {{"parallelism.tp", {"1", "2"}},
                                               {"parallelism.pp", {"1", "2"}}};
  const auto sweep = study::combine_axes("s.yaml", file,
                                         {{"parallelism.micro_batch", {"1", "2"}},
                                          {"parallelism.tp", {"4", "8", "16"}},
                                          {"training.seq_len", {"1024"}}});
  CHECK(sweep.scenario_path == "s.yaml");
  CHECK(sweep.axes == std::vector<config::SweepAxis>{{"parallelism.tp", {"4", "8", "16"}},
                                                     {"parallelism.pp", {"1", "2"}},
                                                     {"parallelism.micro_batch", {"1", "2"}}});
  CHECK(sweep.overrides == Values{"training.seq_len=1024"});
  CHECK(sweep.size() == 12);  // 3 x 2 x 2
}

TEST_CASE("a single-valued --set of a swept key turns that axis into a plain override", "[sweep]") {
  const auto sweep = study::combine_axes(
      "s.yaml", {{"parallelism.tp", {"1", "2"}}, {"parallelism.pp", {"1", "2"}}},
      {{"parallelism.tp", {"4"}}});
  CHECK(sweep.axes == std::vector<config::SweepAxis>{{"parallelism.pp", {"1", "2"}}});
  CHECK(sweep.overrides == Values{"parallelism.tp=4"});
}

TEST_CASE("shards are disjoint and together cover every point once", "[sweep]") {
  for (std::size_t points : {1, 7, 16, 100}) {
    for (std::size_t count : {1, 3, 16, 150}) {
      INFO(points << " points, " << count << " shards");
      std::multiset<std::size_t> seen;
      for (std::size_t k = 1; k <= count; ++k)
        for (auto i : study::shard_indices(points, {k, count})) {
          CHECK(i % count == k - 1);
          seen.insert(i);
        }
      std::multiset<std::size_t> all;
      for (std::size_t i = 0; i < points; ++i) all.insert(i);
      CHECK(seen == all);
    }
  }
  CHECK(study::shard_indices(10, {2, 4}) == std::vector<std::size_t>{1, 5, 9});
}

TEST_CASE("a shard is K/N with 1 <= K <= N", "[sweep]") {
  const auto shard = study::parse_shard("3/16");
  CHECK(shard.number == 3);
  CHECK(shard.count == 16);
  for (const char* bad : {"0/4", "5/4", "4", "1/0", "a/4", "1/4x", "/4", "-1/4", ""}) {
    INFO(bad);
    CHECK_THROWS_AS(study::parse_shard(bad), config::ConfigError);
  }
}

TEST_CASE("load_sweep reads the file's sweep block and rejects a sweep with no axes", "[sweep]") {
  const std::string base = test::small_sweep_scenario();
  const auto path =
      test::write_temp("sweep_test_block.yaml", base + "sweep: {parallelism.tp: [1, 2]}\n");
  const auto sweep =
      study::load_sweep(path, {"parallelism.micro_batch=1,2", "training.global_batch=32"});
  CHECK(sweep.axes == std::vector<config::SweepAxis>{{"parallelism.tp", {"1", "2"}},
                                                     {"parallelism.micro_batch", {"1", "2"}}});
  CHECK(sweep.overrides == Values{"training.global_batch=32"});

  const auto plain = test::write_temp("sweep_test_plain.yaml", base);
  CHECK_THROWS_WITH(study::load_sweep(plain, {"parallelism.tp=2"}),
                    Catch::Contains("sweep: expected a `sweep:` block or a --set KEY=V1,V2,..."));
  CHECK_THROWS_AS(study::load_sweep("no/such/file.yaml", {"parallelism.tp=1,2"}),
                  config::ConfigError);
}

TEST_CASE("run_sweep hands outcomes over in index order, a failing point among them", "[sweep]") {
  const auto path = test::write_temp("sweep_test_run.yaml", test::small_sweep_scenario());
  // tp=3 fails: tp*pp = 6 does not divide the 8 GPUs. Two threads, six points.
  const auto sweep =
      study::load_sweep(path, {"parallelism.tp=1,3,2", "parallelism.micro_batch=1,2"});
  const auto indices = study::shard_indices(sweep.size(), {1, 1});
  std::vector<study::PointOutcome> outcomes;
  std::vector<std::size_t> progress;
  study::SweepRun run;
  run.threads = 2;
  run.on_outcome = [&](const study::PointOutcome& o) { outcomes.push_back(o); };
  run.on_progress = [&](std::size_t done, std::size_t total) {
    CHECK(total == 6);
    progress.push_back(done);
  };
  study::run_sweep(sweep, indices, run);
  REQUIRE(outcomes.size() == 6);
  CHECK(progress == std::vector<std::size_t>{1, 2, 3, 4, 5, 6});
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    INFO(i);
    CHECK(outcomes[i].point.index == i);
    const bool tp3 = outcomes[i].point.values[0] == "3";  // points 2 and 3
    CHECK(outcomes[i].summary.has_value() == !tp3);
    CHECK(outcomes[i].error.empty() == !tp3);
  }
  // tp 3 alone does not divide the GPUs: the error is at the tp the sweep set.
  CHECK(outcomes[2].error.find("error: parallelism.tp: expected tp*pp*cp to divide") !=
        std::string::npos);
  // The same point simulated alone gives the same figures as in the parallel run.
  CHECK(outcomes[5].summary->step.step_time_s ==
        study::summarize(config::load_scenario(path, sweep.point(5).overrides)).step.step_time_s);
}

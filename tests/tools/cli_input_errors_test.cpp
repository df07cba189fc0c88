// Inputs that once broke dtsim (copies of the reproducers in tests/tools/data/repro/) and the
// weaker messages a user met: each must end in exit status 2 with FILE:LINE:COL, the key and
// what was expected, never an internal error, a signal or a wait of seconds.
#include <catch2/catch.hpp>
#include <fstream>

#include "cli_run.hpp"
#include "temp_file.hpp"

namespace {

const std::string kRepro = "tests/tools/data/repro/";

bool has(const std::string& text, const std::string& part) {
  INFO(text);
  return text.find(part) != std::string::npos;
}

// A one-node scenario; `parallelism` and the rest as given.
std::string scenario(const std::string& name, const std::string& text) {
  return dtsim::test::write_temp(name, text);
}

const std::string kSmall =
    "model: gpt3-125m\n"
    "training: {global_batch: 8, seq_len: 2048}\n"
    "parallelism: {tp: 1}\n"
    "cluster: {system: dgx-h100, nodes: 1}\n";

}  // namespace

TEST_CASE("validate: dp 0 on a TPU case is an error at the degree, not a division by zero",
          "[cli][input]") {
  // Line 8 is "  parallel: {tp: 1, dp: 0}": the 0 is its 25th character.
  const auto o = dtsim_cli("validate " + kRepro + "validate-tpu-dp0-division-by-zero.yaml", true);
  CHECK(o.status == 2);
  CHECK(has(o.out,
            "validate-tpu-dp0-division-by-zero.yaml:8:25: error: cases[0].parallel.dp: "
            "expected an integer from 1 to"));
}

TEST_CASE("validate: a word for the accelerator count is an error, not an internal error",
          "[cli][input]") {
  // Line 5 is "  accelerators: eight": the value starts at column 17.
  const auto o =
      dtsim_cli("validate " + kRepro + "validate-internal-error-accelerators-string.yaml", true);
  CHECK(o.status == 2);
  CHECK(has(o.out,
            "accelerators-string.yaml:5:17: error: cases[0].accelerators: expected an "
            "integer, found 'eight'"));
}

TEST_CASE("validate: a list for a parallel degree is an error at the list", "[cli][input]") {
  // Line 7 is "  parallel: {tp: [1]}": the list opens at column 18.
  const auto o = dtsim_cli("validate " + kRepro + "validate-internal-error-list-degree.yaml", true);
  CHECK(o.status == 2);
  CHECK(has(o.out,
            "list-degree.yaml:7:18: error: cases[0].parallel.tp: expected a single "
            "value, found a list"));
}

TEST_CASE("a byte that is not UTF-8 is an error at the byte, with its value", "[cli][input]") {
  // Line 1 is 'name: "bad \xE9 byte"': 0xE9 (Latin-1 'e' acute) is the 12th byte, and an
  // ASCII space follows it where UTF-8 needs a continuation byte.
  const auto o =
      dtsim_cli("run " + kRepro + "run-json-invalid-utf8-internal-error.yaml --json", true);
  CHECK(o.status == 2);
  CHECK(has(o.out, "invalid-utf8-internal-error.yaml:1:12: error: (document): expected UTF-8"));
  CHECK(has(o.out, "0xE9"));
  CHECK_FALSE(has(o.out, "internal error"));
}

TEST_CASE("a --set value that is not UTF-8 is an error at the byte", "[cli][input]") {
  // "name=ab\xFF": 0xFF never occurs in UTF-8; it is the 8th character of the argument.
  const auto path = scenario("utf8_set.yaml", kSmall);
  const auto o = dtsim_cli("run " + path + " --json --set \"$(printf 'name=ab\\377')\"", true);
  CHECK(o.status == 2);
  CHECK(has(o.out, ":1:8: error: (document): expected UTF-8"));
  CHECK(has(o.out, "0xFF"));
  CHECK(has(o.out, "--set 'name=ab\\xFF'"));  // the message itself stays valid UTF-8
}

TEST_CASE("a megabyte system name: no slow suggestion, and the message quotes 60 characters",
          "[cli][input]") {
  // The reproducer's script writes this file: cluster.system is 1,000,000 'z' characters.
  const auto path = scenario("long_name.yaml",
                             "model: gpt3-125m\ntraining: {global_batch: 8, seq_len: 2048}\n"
                             "parallelism: {tp: 1}\ncluster: {system: " +
                                 std::string(1000000, 'z') + ", nodes: 1}\n");
  const auto o = dtsim_cli("memory " + path, true);
  CHECK(o.status == 2);
  // "cluster: {system: " is 18 characters: the name starts at column 19 of line 4.
  CHECK(
      has(o.out, "long_name.yaml:4:19: error: cluster.system: expected a system from the catalog"));
  CHECK(has(o.out, "'" + std::string(60, 'z') + "...' (1000000 bytes long)"));
  CHECK(o.out.size() < 400);
}

TEST_CASE("a misspelt command suggests the nearest one", "[cli][input]") {
  const auto o = dtsim_cli("runn x.yaml", true);
  CHECK(o.status == 2);
  CHECK(has(o.out, "dtsim: error: unknown command 'runn', did you mean 'run'?"));
  CHECK(has(o.out, "(commands: run, topology"));
}

TEST_CASE("a directory given as the scenario is named as one", "[cli][input]") {
  const auto o = dtsim_cli("run tests", true);
  CHECK(o.status == 2);
  CHECK(has(o.out, "tests:1:1: error: (document): expected a file, found a directory"));
}

TEST_CASE("a tab in the indentation is named, with its position", "[cli][input]") {
  // Line 3 starts with a tab: column 1.
  const auto path = scenario("tab.yaml",
                             "model: gpt3-125m\ntraining:\n\tglobal_batch: 8\n"
                             "parallelism: {tp: 1}\ncluster: {system: dgx-h100, nodes: 1}\n");
  const auto o = dtsim_cli("run " + path, true);
  CHECK(o.status == 2);
  CHECK(has(o.out, "tab.yaml:3:1: error: (document): expected spaces in indentation, found a tab"));
  CHECK(has(o.out, "YAML indents with spaces"));
}

TEST_CASE("an empty --set value is an error, not a silent null", "[cli][input]") {
  const auto path = scenario("empty_set.yaml", kSmall);
  const auto o = dtsim_cli("run " + path + " --set parallelism.tp=", true);
  CHECK(o.status == 2);
  // "parallelism.tp=" is 15 characters: the missing value would be the 16th.
  CHECK(has(o.out,
            "--set 'parallelism.tp=':1:16: error: parallelism.tp: expected a value after '='"));
}

TEST_CASE("a variant's error points at the variant's line in the file", "[cli][input]") {
  // tp 3 does not divide the node's 8 GPUs (it does divide GPT-3's 96 heads): the error is at
  // the variant's value, not at the file's `parallelism`. Line 6 is the variant; "  - {name: TP3,
  // set: {parallelism.tp: " is 38 characters, so the 3 is at column 39.
  const auto path = scenario("variant_line.yaml",
                             "model: gpt3-175b\ntraining: {global_batch: 8}\n"
                             "parallelism: {tp: 8}\ncluster: {system: dgx-h100, nodes: 1}\n"
                             "variants:\n  - {name: TP3, set: {parallelism.tp: 3}}\n");
  const auto o = dtsim_cli("compare " + path, true);
  CHECK(o.status == 2);
  CHECK(has(o.out,
            "variant_line.yaml:6:39: error: parallelism.tp: in variant 'TP3': expected "
            "tp*pp*cp to divide the cluster's 8 accelerators"));
}

TEST_CASE("compare --set wins over a variant's own set for the same key", "[cli][input]") {
  // The variant asks for tp 1; the command line's tp 2 replaces it (8 GPUs: dp = 8 / 2 = 4).
  const auto path = scenario("variant_set.yaml",
                             kSmall + "variants:\n  - {name: TP1, set: {parallelism.tp: 1}}\n");
  const auto o = dtsim_cli("compare " + path + " --json --set parallelism.tp=2");
  REQUIRE(o.status == 0);
  CHECK(has(o.out, "\"plan\": \"TP2 PP1 DP4"));
}

TEST_CASE("tensor parallelism across nodes and a sequence past the context are warnings",
          "[cli][input]") {
  // tp 16 on DGX H100 nodes of 8 GPUs spans two nodes; GPT-3 was trained at 2048 tokens
  // (Brown et al. 2020, its zoo entry), so 4096 is past its context. Both run (exit 0) and say
  // why on stderr.
  const auto path = scenario("warnings.yaml",
                             "model: gpt3-175b\ntraining: {global_batch: 16, seq_len: 4096}\n"
                             "parallelism: {tp: 4}\ncluster: {system: dgx-h100, nodes: 2}\n");
  const auto o = dtsim_cli("memory " + path + " --set parallelism.tp=16", true);
  CHECK(o.status == 0);
  CHECK(has(o.out,
            "--set 'parallelism.tp=16':1:16: warning: parallelism.tp: tp = 16 spans more "
            "than one dgx-h100 node of 8 accelerators"));
  // "training: {global_batch: 16, seq_len: " is 38 characters: 4096 starts at column 39.
  CHECK(has(o.out,
            "warnings.yaml:2:39: warning: training.seq_len: seq_len = 4096 is above the "
            "model's context length of 2048"));
}

TEST_CASE("a device without compute_units is an error at the device, not a crash",
          "[cli][input]") {
  // GEMM tiles run in waves over the units: with no count the wave division was by zero, and
  // the replay ended in "internal error: event scheduled in the past".
  const auto path = scenario(
      "no_units.yaml",
      "model: gpt3-125m\ntraining: {global_batch: 8, seq_len: 2048}\nparallelism: {tp: 1}\n"
      "devices:\n"
      "  - {id: my-gpu, name: My GPU, vendor: test, arch: test,\n"
      "     peak: {bf16: 400 TFLOP/s, source: s},\n"
      "     memory: {capacity: 80 GiB, bandwidth: 2 TB/s, source: s},\n"
      "     efficiency: {gemm: 0.8, hbm: 0.9, source: s}}\n"
      "cluster: {system: dgx-h100, nodes: 1}\n");
  const auto o = dtsim_cli("run " + path, true);
  CHECK(o.status == 2);
  // The entry's mapping opens at line 5, column 5 ("  - {" is four characters).
  CHECK(has(o.out, "no_units.yaml:5:5: error: devices[0].compute_units: expected a key"));
  CHECK_FALSE(has(o.out, "internal error"));
}

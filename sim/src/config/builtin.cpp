// The catalog and model zoo compiled into the binary, parsed with the same strict reader as
// user files, so that a typo in them is caught by the tests like any other bad input.
#include "catalog_reader.hpp"
#include "dtsim/sim/config/loader.hpp"
#include "model_reader.hpp"

namespace dtsim::config {
namespace {

topology::Catalog parse_builtin_catalog() {
  topology::Catalog catalog;
  for (const auto& [name, text] : topology::embedded_catalog_files()) {
    Document doc = Document::from_text(text, "topology/catalog/" + std::string(name));
    MapReader m(doc.root());
    read_catalog_entries(m, catalog, {.require_sources = true});
    m.finish();
  }
  return catalog;
}

models::ModelZoo parse_builtin_zoo() {
  models::ModelZoo zoo;
  for (const auto& [name, text] : models::embedded_zoo_files()) {
    Document doc = Document::from_text(text, "models/zoo/" + std::string(name));
    MapReader m(doc.root());
    for (const auto& entry : m.require("models", "a list of models").list()) {
      ModelEntry e = read_model(entry, true);
      zoo.put(std::move(e.spec), e.aliases);
    }
    m.finish();
  }
  return zoo;
}

}  // namespace

// Parsed once per process (every scenario load asks for both, `sweep` and `validate` many
// times); a copy is returned because a scenario adds its own entries to its catalog.
topology::Catalog builtin_catalog() {
  static const topology::Catalog catalog = parse_builtin_catalog();
  return catalog;
}

models::ModelZoo builtin_zoo() {
  static const models::ModelZoo zoo = parse_builtin_zoo();
  return zoo;
}

}  // namespace dtsim::config

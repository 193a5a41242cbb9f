// quarry: the command-line entry point. Parses the command line with CLI11,
// maps parse errors to exit code 2, and runs the chosen subcommand.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>

#include "base/open_file_limit.h"
#include "cli/cli_error.h"
#include "cli/commands.h"
#include "quarry/version.h"

int main(int argc, char** argv) {
  using namespace quarry::cli;
  // Every sealed segment holds descriptors open (pread), the server one per
  // connection: the soft limit is often 1024, far below the hard one.
  quarry::RaiseOpenFileLimit();
  CLI::App app{"Quarry: a self-hosted document search engine", "quarry"};
  app.set_version_flag("--version", std::string("quarry ") + quarry::kVersion);
  app.require_subcommand(1);

  std::map<const CLI::App*, CommandRunner> runners;
  const auto add = [&](CommandRunner (*registrar)(CLI::App&)) {
    size_t before = app.get_subcommands({}).size();
    CommandRunner runner = registrar(app);
    runners[app.get_subcommands({})[before]] = std::move(runner);
  };
  add(RegisterServe);
  add(RegisterIngest);
  add(RegisterSearch);
  add(RegisterCollections);
  add(RegisterSnapshot);
  add(RegisterEval);
  add(RegisterModels);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Fail(kExitUsageError, std::string(e.what()) + " (run 'quarry --help')");
  }
  for (const CLI::App* sub : app.get_subcommands()) {
    auto it = runners.find(sub);
    if (it != runners.end()) return it->second();
  }
  return Fail(kExitUsageError, "no command given (run 'quarry --help')");
}

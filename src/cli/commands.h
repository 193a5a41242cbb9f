// The `quarry` subcommands. Each Register* adds a subcommand to the CLI11 app
// and returns the function that runs it once parsing succeeded; that function
// returns the process exit code (see cli_error.h).
//
// Thread-safety: main thread only.
#ifndef QUARRY_CLI_COMMANDS_H_
#define QUARRY_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace quarry::cli {

using CommandRunner = std::function<int()>;

CommandRunner RegisterServe(CLI::App& app);
CommandRunner RegisterIngest(CLI::App& app);
CommandRunner RegisterSearch(CLI::App& app);
CommandRunner RegisterCollections(CLI::App& app);
CommandRunner RegisterSnapshot(CLI::App& app);
CommandRunner RegisterEval(CLI::App& app);
CommandRunner RegisterModels(CLI::App& app);

}  // namespace quarry::cli

#endif  // QUARRY_CLI_COMMANDS_H_

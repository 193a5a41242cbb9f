// Which embedders a client may ask for when it creates a collection over HTTP.
//
// A collection's embedder config names files (a model folder) and, for remote
// embedders, a URL the server will call. Taken from a request as given, that
// would let any client make the server open any path it can read, or send
// requests (and its API key) to any host. So over HTTP:
//  - `lexical` is always allowed;
//  - `local` and `static` (a model folder) are allowed only as the name of a folder in the
//    server's models directory (`quarry serve --models-dir DIR`): "name" or
//    "owner/name", each part of letters, digits, '.', '_' and '-', not
//    starting with '.', whose folder (links resolved) lies inside the models
//    directory. The name is replaced by the folder's path. Without a
//    models directory, they are refused;
//  - any other kind (remote services, and kinds added later) is refused: the
//    operator configures those on the command line or in the config file.
// The CLI (`quarry ingest --embedder local --model PATH`) is the operator's
// and is not restricted.
//
// Thread-safety: pure function.
#ifndef QUARRY_SERVER_EMBEDDER_POLICY_H_
#define QUARRY_SERVER_EMBEDDER_POLICY_H_

#include <string>

#include "quarry/options.h"
#include "quarry/status.h"

namespace quarry::server {

// Checks `embedder` against the rules above and, for `local`, rewrites its
// model to the folder under `models_dir`. InvalidArgument naming the field
// and the reason when refused; NotFound when the named model is not there.
Status ApplyClientEmbedderPolicy(const std::string& models_dir, EmbedderConfig* embedder);

}  // namespace quarry::server

#endif  // QUARRY_SERVER_EMBEDDER_POLICY_H_

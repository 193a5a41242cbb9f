// The Markdown tables of a bench_storage JSON report (the same function
// renders a fresh run and `--render FILE`), and the targets checked
// against it.
//
// Thread-safety: pure function.
#ifndef QUARRY_BENCH_STORAGE_REPORT_H_
#define QUARRY_BENCH_STORAGE_REPORT_H_

#include <string>

#include <boost/json/object.hpp>

namespace quarry::bench {

std::string RenderMarkdown(const boost::json::object& report);

}  // namespace quarry::bench

#endif  // QUARRY_BENCH_STORAGE_REPORT_H_

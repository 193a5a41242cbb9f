// ResealBm25Checksums: for tests and fuzzers that need damaged or arbitrary
// bytes to reach the postings validator (Bm25Index) behind valid checksums.
//
// Thread-safety: a function of its argument.
#ifndef QUARRY_LEXICAL_TESTING_BM25_RESEAL_H_
#define QUARRY_LEXICAL_TESTING_BM25_RESEAL_H_

#include <cstdint>
#include <vector>

namespace quarry::lexical {

// Rewrites every checksum of a postings file from the bytes as they now are:
// in version 2 each term's, the tables' and the header's (a term whose
// entries or offsets do not lie inside the file keeps its checksum: the
// validator refuses it anyway); in any other version the body's and the
// header's, as version 1 has them. Bytes shorter than the header are left
// alone.
void ResealBm25Checksums(std::vector<uint8_t>* bytes);

}  // namespace quarry::lexical

#endif  // QUARRY_LEXICAL_TESTING_BM25_RESEAL_H_

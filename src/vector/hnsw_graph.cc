#include "vector/hnsw_graph.h"

#include <string>

#include "base/check.h"

namespace quarry::vector {

HnswGraph::HnswGraph(uint32_t m)
    : m_(m), level0_((1 + 2 * size_t{m}) * sizeof(uint32_t)), meta_(1), upper_(sizeof(uint32_t*)) {
  QUARRY_CHECK(m >= 2, "ValidateHnswConfig rejects m < 2 before a graph is made");
}

uint32_t HnswGraph::ReadLinks(uint32_t node, int level, std::vector<uint32_t>& out) const {
  const uint32_t* list = Links(node, level);
  const uint32_t n = std::min(LoadLinkWord(list), Capacity(level));
  out.resize(n);
  for (uint32_t i = 0; i < n; ++i) out[i] = LoadLinkWord(list + 1 + i);
  return n;
}

void HnswGraph::WriteLinks(uint32_t node, int level, std::span<const uint32_t> ids) {
  QUARRY_CHECK(ids.size() <= Capacity(level), "neighbour selection keeps at most the capacity");
  uint32_t* list = MutableLinks(node, level);
  for (size_t i = 0; i < ids.size(); ++i) StoreLinkWord(list + 1 + i, ids[i]);
  StoreLinkWord(list, static_cast<uint32_t>(ids.size()));
}

bool HnswGraph::MarkDeleted(uint32_t node) {
  std::atomic_ref<uint8_t> meta(*meta_.MutableRow(node));
  return (meta.fetch_or(kDeletedBit, std::memory_order_relaxed) & kDeletedBit) == 0;
}

Status HnswGraph::Reserve(size_t nodes) {
  // Inserts rewrite old nodes' lists (reverse links): a mapped level 0 is
  // copied whole before the first write.
  QUARRY_RETURN_IF_ERROR(level0_.MakeOwned());
  QUARRY_RETURN_IF_ERROR(level0_.Reserve(nodes));
  QUARRY_RETURN_IF_ERROR(meta_.Reserve(nodes));
  return upper_.Reserve(nodes);
}

void HnswGraph::InitNode(uint32_t node, int level) {
  QUARRY_CHECK(level >= 0 && level <= kMaxGraphLevel, "levels are drawn capped at kMaxGraphLevel");
  uint32_t* upper = nullptr;
  if (level > 0) {
    const size_t words = static_cast<size_t>(level) * (1 + m_);
    upper_owned_.push_back(std::make_unique<uint32_t[]>(words));  // zeroed: empty lists
    upper = upper_owned_.back().get();
    upper_words_ += words;
  }
  std::memcpy(upper_.MutableRow(node), &upper, sizeof upper);
  *meta_.MutableRow(node) = static_cast<uint8_t>(level);
  StoreLinkWord(reinterpret_cast<uint32_t*>(level0_.MutableRow(node)), 0);
}

void HnswGraph::RestoreLevel0View(const uint8_t* level0, size_t nodes) {
  level0_.InitView(level0, nodes);
}

Status HnswGraph::RestoreMeta(std::span<const uint8_t> meta) {
  QUARRY_RETURN_IF_ERROR(meta_.Reserve(meta.size()));
  QUARRY_RETURN_IF_ERROR(upper_.Reserve(meta.size()));
  meta_.CopyIn(0, meta.data(), meta.size());
  return Status::Ok();
}

Status HnswGraph::RestoreUpper(std::span<const uint32_t> words, size_t nodes) {
  auto block = std::make_unique<uint32_t[]>(words.empty() ? 1 : words.size());
  std::copy(words.begin(), words.end(), block.get());
  size_t offset = 0;
  for (uint32_t node = 0; node < nodes; ++node) {
    const int level = Level(node);
    uint32_t* upper = nullptr;
    if (level > 0) {
      const size_t n = static_cast<size_t>(level) * (1 + m_);
      if (offset + n > words.size()) {
        return Status::Corruption("upper-level links end before node " + std::to_string(node));
      }
      upper = block.get() + offset;
      offset += n;
    }
    std::memcpy(upper_.MutableRow(node), &upper, sizeof upper);
  }
  if (offset != words.size()) {
    return Status::Corruption("upper-level links hold " + std::to_string(words.size()) +
                              " words, the node levels need " + std::to_string(offset));
  }
  upper_words_ += words.size();
  upper_owned_.push_back(std::move(block));
  return Status::Ok();
}

size_t HnswGraph::MemoryBytes(size_t nodes) const {
  return nodes * (level0_.stride() + meta_.stride() + upper_.stride()) +
         upper_words_ * sizeof(uint32_t);
}

}  // namespace quarry::vector

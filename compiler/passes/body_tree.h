// Where each body of a kernel sits in its statement tree (parent body, index there, loop or
// not), and program-order points around its statements, for the sync passes:
// before(b, i) < every point inside statement i < after(b, i) < before(b, i + 1).
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "compiler/ir/kernel_ir.h"

namespace npu::compiler {

class BodyTree {
 public:
  explicit BodyTree(Body& root);

  Body* root() const { return m_root; }
  Body* parent(const Body* b) const { return m_info.at(b).parent; }
  size_t index_in_parent(const Body* b) const { return m_info.at(b).index; }
  bool is_loop(const Body* b) const { return m_info.at(b).loop; }
  int before(const Body* b, size_t i) const { return 2 * m_info.at(b).enter.at(i); }
  int after(const Body* b, size_t i) const { return 2 * m_info.at(b).exit.at(i) + 1; }

  // The loop bodies holding b (b included), sorted.
  std::vector<const void*> loops(const Body* b) const;
  // The deepest body holding both.
  Body* common(Body* a, Body* b) const;
  // The statement of `ancestor` that holds `b` (a body strictly below it).
  size_t holder(const Body* ancestor, const Body* b) const;
  // The outermost loop holding `home` below `scope` (its body, or nullptr).
  Body* outermost_loop(Body* home, const Body* scope) const;

 private:
  struct Info {
    Body* parent = nullptr;
    size_t index = 0;
    bool loop = false;
    std::vector<int> enter, exit;
  };

  void walk(Body& body, Body* parent, size_t index, bool loop);

  Body* m_root;
  std::map<const Body*, Info> m_info;  // node-based: references stay valid while walking
  int m_counter = 0;
};

}  // namespace npu::compiler

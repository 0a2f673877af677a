// The statement tree of a kernel body (see body_tree.h).
#include "compiler/passes/body_tree.h"

#include <algorithm>
#include <set>

namespace npu::compiler {

BodyTree::BodyTree(Body& root) : m_root(&root) { walk(root, nullptr, 0, false); }

std::vector<const void*> BodyTree::loops(const Body* b) const {
  std::vector<const void*> out;
  for (; b; b = parent(b))
    if (m_info.at(b).loop) out.push_back(b);
  std::sort(out.begin(), out.end());
  return out;
}

Body* BodyTree::common(Body* a, Body* b) const {
  std::set<const Body*> up;
  for (Body* x = a; x; x = parent(x)) up.insert(x);
  while (!up.count(b)) b = parent(b);
  return b;
}

size_t BodyTree::holder(const Body* ancestor, const Body* b) const {
  while (parent(b) != ancestor) b = parent(b);
  return index_in_parent(b);
}

Body* BodyTree::outermost_loop(Body* home, const Body* scope) const {
  Body* found = nullptr;
  for (Body* b = home; b && b != scope; b = parent(b))
    if (m_info.at(b).loop) found = b;
  return found;
}

void BodyTree::walk(Body& body, Body* parent, size_t index, bool loop) {
  Info& info = m_info[&body];
  info.parent = parent;
  info.index = index;
  info.loop = loop;
  for (size_t i = 0; i < body.size(); ++i) {
    info.enter.push_back(m_counter++);
    Stmt& s = body[i];
    if (s.kind == Stmt::Kind::kLoop) walk(s.loop->body, &body, i, true);
    if (s.kind == Stmt::Kind::kIf) walk(s.when->body, &body, i, false);
    if (s.kind == Stmt::Kind::kOn) walk(s.on->body, &body, i, false);
    info.exit.push_back(m_counter++);
  }
}

}  // namespace npu::compiler

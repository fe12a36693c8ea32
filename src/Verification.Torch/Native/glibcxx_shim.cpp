// GCC 13's libstdc++ (GLIBCXX_3.4.32) added std::ios_base_library_init, which every translation unit that includes
// <iostream> calls from a static initialiser. libLibTorchSharp.so was built with GCC 13, so an older libstdc++ (Debian 12
// stops at 3.4.30) lacks that one symbol. This library defines it, under that version, doing what GCC 13's does:
// construct the standard streams once.
#include <ios>

namespace std {
void ios_base_library_init() { static ios_base::Init init; }
}

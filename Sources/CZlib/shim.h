// The system zlib (zlib1g-dev on Debian, the SDK on macOS); used by QuorumTasks to read .gz task sets.
#include <zlib.h>

// ISA-L's deflate and CRC-32 (Debian: libisal-dev), for the PNG files reports write.
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

/// The work buffer ISA-L's level 1 compression wants (a macro Swift cannot import).
static inline unsigned digits_isal_level1_buffer_size(void) { return ISAL_DEF_LVL1_DEFAULT; }

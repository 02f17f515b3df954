/* extract-zip.c: placeholder, being written. */
#include "extract.h"

/* extract-legacy.c: placeholder, being written. */
#include "extract.h"

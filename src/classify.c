/* classify.c: placeholder, being written. */
#include "extract.h"

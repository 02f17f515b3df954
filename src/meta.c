/* meta.c: placeholder, being written. */
#include "extract.h"

/* extract-office.c: placeholder, being written. */
#include "extract.h"

/* extract-ocr.c: placeholder, being written. */
#include "extract.h"

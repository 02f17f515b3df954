/* extract-zip.h: placeholder, being written. */
